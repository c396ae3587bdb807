"""Base class, record and registry of population register adapters."""
import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclasses.dataclass(frozen=True)
class PersonRecord:
    citizen_id: str
    full_name: str
    birth_date: datetime.date
    sex: str  # "male" or "female"
    permanent_address: str
    place_of_origin: str


class RegisterUnavailable(Exception):
    """The register did not answer usefully (outage, refused credentials, malformed answer)."""


class RegisterTimeout(RegisterUnavailable):
    """The register did not answer in time."""


class PopulationRegister:
    """An adapter: look a person up by the 12-digit citizen ID."""

    name = ""
    # A local stand-in for the register: selectable only where simulators may run (core.simulators).
    simulator = False

    def lookup(self, citizen_id: str) -> PersonRecord | None:  # pragma: no cover - interface
        raise NotImplementedError


_ADAPTERS: dict[str, type[PopulationRegister]] = {}


def register(name: str):
    """Class decorator: make an adapter available under `name` (setting POPULATION_REGISTER)."""

    def decorate(cls):
        cls.name = name
        _ADAPTERS[name] = cls
        return cls

    return decorate


class UnconfiguredRegister(PopulationRegister):
    """No register configured (production default without POPULATION_REGISTER_URL): every lookup
    is `RegisterUnavailable`, so forms let the person type the data in."""

    name = "none"

    def lookup(self, citizen_id: str) -> PersonRecord | None:
        raise RegisterUnavailable("no population register is configured (POPULATION_REGISTER)")


_ADAPTERS["none"] = UnconfiguredRegister


def register_name() -> str:
    """The adapter in use: POPULATION_REGISTER, else the simulator where simulators may run, else
    "http" when POPULATION_REGISTER_URL is set, else "none"."""
    from motcua.core.simulators import simulators_allowed

    name = getattr(settings, "POPULATION_REGISTER", "") or ""
    if name:
        return name
    if simulators_allowed():
        return "simulator"
    return "http" if getattr(settings, "POPULATION_REGISTER_URL", "") else "none"


def selected_simulators() -> list[tuple[str, str]]:
    """For the system check (core/checks.py): the simulator the settings select, if any."""
    adapter = _ADAPTERS.get(register_name())
    return [("population register", adapter.name)] if adapter is not None and adapter.simulator else []


def get_register(name: str | None = None) -> PopulationRegister:
    from motcua.core.simulators import require_simulators_allowed

    name = name or register_name()
    try:
        adapter = _ADAPTERS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown POPULATION_REGISTER {name!r}; known: {sorted(_ADAPTERS)}") from None
    if adapter.simulator:
        require_simulators_allowed("population register", name)
    return adapter.from_settings() if hasattr(adapter, "from_settings") else adapter()
