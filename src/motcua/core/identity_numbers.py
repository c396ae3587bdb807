"""Identity numbers of applicants: the citizen ID (CCCD) and the tax code of a business."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province-of-birth codes used in the first three digits of a CCCD (Circular 59/2021/TT-BCA).
CCCD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 "
    "037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 "
    "077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
_CCCD = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")


def citizen_id_birth_year(number: str) -> int:
    """The year of birth a CCCD encodes: digit 4 gives century (and sex), digits 5-6 the year."""
    century = 1900 + (int(number[3]) // 2) * 100
    return century + int(number[4:6])


def validate_citizen_id(number: str, birth_date: datetime.date | None = None) -> None:
    """A CCCD: 12 digits = province of birth (3), century and sex (1), year of birth (2), random (6)."""
    if not _CCCD.match(number or ""):
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="citizen_id_format")
    if number[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits of a citizen ID must be a province code (e.g. 038)."),
            code="citizen_id_province",
        )
    year = citizen_id_birth_year(number)
    if year > datetime.date.today().year:
        raise ValidationError(_("The citizen ID encodes a year of birth in the future."), code="citizen_id_year")
    if birth_date and birth_date.year != year:
        raise ValidationError(
            _("The citizen ID encodes the year of birth %(year)s, which does not match the date of birth.")
            % {"year": year},
            code="citizen_id_birth_year",
        )


def normalise_tax_code(code: str) -> str:
    """10 digits, or 13 digits for a branch (written 0101234567-001)."""
    match = _TAX_CODE.match((code or "").strip())
    if not match:
        raise ValidationError(_("A tax code has 10 digits, or 13 digits for a branch."), code="tax_code_format")
    return match.group(1) + ("-" + match.group(2) if match.group(2) else "")
