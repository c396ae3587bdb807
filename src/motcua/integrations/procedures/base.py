"""Base class and registry of the national procedure database adapters (`CATALOGUES`, keyed by
the setting NATIONAL_CATALOGUE)."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.catalog.national_sync import SourceUnavailable
from motcua.core.registry import Registry


class CatalogueUnavailable(SourceUnavailable):
    """The national database did not answer usefully (outage, error code, malformed answer)."""


class CatalogueTimeout(CatalogueUnavailable):
    """The national database did not answer in time."""


class NationalCatalogue:
    """An adapter: the procedures published for a unit, and one procedure's details."""

    name = ""
    simulator = False

    def list_procedures(self, unit: str) -> list[dict]:  # pragma: no cover - interface
        """LayDanhSachTTHC(madonvi): [{"MATTHC", "TENTTHC", ...}, ...]."""
        raise NotImplementedError

    def procedure(self, national_code: str) -> dict | None:  # pragma: no cover - interface
        """LayThuTuc(maTTHC) with the publication decisions of LayQDCB under "QUYETDINHCONGBO";
        None when the database does not know the code."""
        raise NotImplementedError


CATALOGUES: Registry[type[NationalCatalogue]] = Registry(
    "national procedure database", setting="NATIONAL_CATALOGUE", unknown=ImproperlyConfigured)


# Class decorator: `@register("name")` makes an adapter available under that name.
register = CATALOGUES.named


@register("none")
class UnconfiguredCatalogue(NationalCatalogue):
    """No national database configured: a sync says so instead of pretending nothing changed."""

    def list_procedures(self, unit: str) -> list[dict]:
        raise CatalogueUnavailable("no national procedure database is configured (NATIONAL_CATALOGUE)")

    def procedure(self, national_code: str) -> dict | None:
        raise CatalogueUnavailable("no national procedure database is configured (NATIONAL_CATALOGUE)")


def catalogue_name() -> str:
    """NATIONAL_CATALOGUE, else the simulator where simulators may run, else "http" when
    NATIONAL_CATALOGUE_URL is set, else "none"."""
    from motcua.core.simulators import simulators_allowed

    name = getattr(settings, "NATIONAL_CATALOGUE", "") or ""
    if name:
        return name
    if simulators_allowed():
        return "simulator"
    return "http" if getattr(settings, "NATIONAL_CATALOGUE_URL", "") else "none"


def unit_code() -> str:
    """The unit whose procedures are fetched (madonvi): NATIONAL_CATALOGUE_UNIT, else the
    province people's committee (000.00.00.<province code>)."""
    return getattr(settings, "NATIONAL_CATALOGUE_UNIT", "") or f"000.00.00.{settings.MOTCUA_PROVINCE_CODE}"


def selected_simulators() -> list[tuple[str, str]]:
    name = catalogue_name()
    return [("national procedure database", name)] if CATALOGUES.is_simulator(name) else []


def get_catalogue(name: str | None = None) -> NationalCatalogue:
    adapter = CATALOGUES.get(name or catalogue_name())
    return adapter.from_settings() if hasattr(adapter, "from_settings") else adapter()
