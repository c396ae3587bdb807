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


def get_register(name: str | None = None) -> PopulationRegister:
    name = name or getattr(settings, "POPULATION_REGISTER", "simulator")
    try:
        adapter = _ADAPTERS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown POPULATION_REGISTER {name!r}; known: {sorted(_ADAPTERS)}") from None
    return adapter.from_settings() if hasattr(adapter, "from_settings") else adapter()
