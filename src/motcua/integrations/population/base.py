"""Base class, record and registry of population register adapters (`REGISTERS`, a
`core.registry.Registry` keyed by the setting POPULATION_REGISTER)."""
import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core.registry import Registry


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


# An unknown name is a configuration error: the setting names an adapter nobody registered.
REGISTERS: Registry[type[PopulationRegister]] = Registry(
    "population register", setting="POPULATION_REGISTER", unknown=ImproperlyConfigured)


# Class decorator: `@register("name")` makes an adapter available under that name.
register = REGISTERS.named


@register("none")
class UnconfiguredRegister(PopulationRegister):
    """No register configured (production default without POPULATION_REGISTER_URL): every lookup
    is `RegisterUnavailable`, so forms let the person type the data in."""

    def lookup(self, citizen_id: str) -> PersonRecord | None:
        raise RegisterUnavailable("no population register is configured (POPULATION_REGISTER)")


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
    name = register_name()
    return [("population register", name)] if REGISTERS.is_simulator(name) else []


def get_register(name: str | None = None) -> PopulationRegister:
    adapter = REGISTERS.get(name or register_name())
    return adapter.from_settings() if hasattr(adapter, "from_settings") else adapter()
