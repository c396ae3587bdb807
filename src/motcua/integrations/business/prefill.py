"""What a form may pre-fill from the business registry: the counter intake and the online form."""
from django.utils.translation import gettext as _

from motcua.core.text import fold

from .base import ACTIVE, BusinessRecord, get_registry
from .taxcode import check_tax_code


def as_fields(record: BusinessRecord) -> dict:
    """The record as plain values for a page or JSON, with the warning to show when not active."""
    warning = ""
    if record.status != ACTIVE:
        # The registry's own words in brackets when they say more than the status (e.g. "có thời hạn").
        status = record.status_text()
        if record.status_label and fold(record.status_label) != fold(status):
            status = f"{status} ({record.status_label})"
        warning = _("Warning: the business registry says this business is \"%(status)s\". Check before receiving "
                    "a dossier for it.") % {"status": status}
    return {
        "tax_code": record.tax_code,
        "name": record.name,
        "status": record.status,
        "status_text": record.status_text(),
        "status_label": record.status_label,
        "is_active": record.status == ACTIVE,
        "warning": warning,
        "enterprise_type": record.enterprise_type,
        "founded_on": record.founded_on.isoformat() if record.founded_on else "",
        "address": record.head_office,
        "representatives": [{"name": p.full_name, "title": p.title} for p in record.representatives],
        "business_lines": [{"code": b.code, "name": b.name, "main": b.is_main} for b in record.business_lines],
    }


def prefill(tax_code: str, user=None, page: str | None = None) -> dict:
    """Fields known for this tax code, {} when unknown. Raises InvalidTaxCode for a malformed code
    (or a wrong check digit), LookupRefused (asked for a person, see lookups) and RegistryUnavailable."""
    tax_code = check_tax_code(tax_code)
    if user is not None:
        from .lookups import lookup

        record = lookup(user, tax_code, page)
    else:
        record = get_registry().lookup(tax_code)
    return as_fields(record) if record is not None else {}
