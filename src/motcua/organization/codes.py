"""Validation of the electronic identifier codes of agencies (mã định danh điện tử)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Four dot-separated groups: 3 digits, 2 digits, 2 digits, a letter and 2 digits (e.g. 000.00.53.H48).
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def validate_agency_code(code: str) -> None:
    if not AGENCY_CODE.match(code or ""):
        raise ValidationError(
            {"code": _("'%(code)s' is not an agency identifier code like 000.00.53.H48.") % {"code": code}}
        )
