"""Normalising what people type: phone numbers and e-mail addresses. Citizen IDs and tax codes are
validated by `motcua.core.identity_numbers`, shared with the counter."""
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.core.identity_numbers import normalise_tax_code, validate_citizen_id  # noqa: F401  re-exported

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def normalise_phone(value: str) -> str:
    """A Vietnamese mobile number as 0xxxxxxxxx: accepts +84 / 84 prefixes, spaces, dots, dashes."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.match(digits):
        raise ValidationError(
            _("Enter a mobile number of 10 digits starting with 03, 05, 07, 08 or 09."), code="phone_format"
        )
    return digits


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


def looks_like_email(identifier: str) -> bool:
    return "@" in (identifier or "")


def normalise_identifier(value: str) -> tuple[str, str]:
    """What a person types to name their account: ("email", address) or ("phone", 0xxxxxxxxx)."""
    value = (value or "").strip()
    try:
        if looks_like_email(value):
            email = normalise_email(value)
            validate_email(email)
            return "email", email
        return "phone", normalise_phone(value)
    except ValidationError:
        raise ValidationError(_("Enter the mobile number (10 digits) or the e-mail address of your account."),
                              code="identifier_format") from None
