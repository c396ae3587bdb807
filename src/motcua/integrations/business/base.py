"""Base class, record and registry of business registry adapters (`REGISTRIES`, a
`core.registry.Registry` keyed by the setting BUSINESS_REGISTRY)."""
import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.registry import Registry
from motcua.core.text import fold

# Legal status as motcua keeps it; the registry's own words are kept in `status_label`.
ACTIVE, SUSPENDED, DISSOLVING, DISSOLVED, BANKRUPT, REVOKED, UNKNOWN = (
    "active", "suspended", "dissolving", "dissolved", "bankrupt", "revoked", "unknown")
STATUS_LABELS = {
    ACTIVE: _("Active"),
    SUSPENDED: _("Business suspended"),
    DISSOLVING: _("Being dissolved"),
    DISSOLVED: _("Dissolved"),
    BANKRUPT: _("Bankrupt"),
    REVOKED: _("Registration certificate revoked"),
    UNKNOWN: _("Unknown status"),
}


def status_from_label(label: str) -> str:
    """The registry's words ("Đang hoạt động", "Tạm ngừng kinh doanh", "Đã giải thể" ...) -> a status."""
    text = fold(label)
    if not text:
        return UNKNOWN
    if "tam ngung" in text:
        return SUSPENDED
    if "dang lam thu tuc giai the" in text or "dang giai the" in text:
        return DISSOLVING
    if "giai the" in text or "cham dut" in text:
        return DISSOLVED
    if "pha san" in text:
        return BANKRUPT
    if "thu hoi" in text:
        return REVOKED
    if "dang hoat dong" in text or text == "hoat dong":
        return ACTIVE
    return UNKNOWN


@dataclasses.dataclass(frozen=True)
class Representative:
    full_name: str
    title: str  # "Giám đốc", "Chủ tịch Hội đồng thành viên" ...


@dataclasses.dataclass(frozen=True)
class BusinessLine:
    code: str  # VSIC code, e.g. "4741"
    name: str
    is_main: bool = False


@dataclasses.dataclass(frozen=True)
class BusinessRecord:
    tax_code: str
    name: str
    status: str  # one of STATUS_LABELS
    status_label: str  # as the registry wrote it
    enterprise_type: str
    founded_on: datetime.date | None
    head_office: str
    representatives: tuple[Representative, ...] = ()
    business_lines: tuple[BusinessLine, ...] = ()

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def status_text(self) -> str:
        return str(STATUS_LABELS.get(self.status, STATUS_LABELS[UNKNOWN]))


class RegistryUnavailable(Exception):
    """The registry did not answer usefully (outage, refused credentials, malformed answer)."""


class RegistryTimeout(RegistryUnavailable):
    """The registry did not answer in time."""


class BusinessRegistry:
    name = ""
    simulator = False

    def lookup(self, tax_code: str) -> BusinessRecord | None:  # pragma: no cover - interface
        raise NotImplementedError


REGISTRIES: Registry[type[BusinessRegistry]] = Registry(
    "business registry", setting="BUSINESS_REGISTRY", unknown=ImproperlyConfigured)


# Class decorator: `@register("name")` makes an adapter available under that name.
register = REGISTRIES.named


@register("none")
class UnconfiguredRegistry(BusinessRegistry):
    def lookup(self, tax_code: str) -> BusinessRecord | None:
        raise RegistryUnavailable("no business registry is configured (BUSINESS_REGISTRY)")


def registry_name() -> str:
    from motcua.core.simulators import simulators_allowed

    name = getattr(settings, "BUSINESS_REGISTRY", "") or ""
    if name:
        return name
    if simulators_allowed():
        return "simulator"
    return "http" if getattr(settings, "BUSINESS_REGISTRY_URL", "") else "none"


def selected_simulators() -> list[tuple[str, str]]:
    name = registry_name()
    return [("business registry", name)] if REGISTRIES.is_simulator(name) else []


def get_registry(name: str | None = None) -> BusinessRegistry:
    adapter = REGISTRIES.get(name or registry_name())
    return adapter.from_settings() if hasattr(adapter, "from_settings") else adapter()
