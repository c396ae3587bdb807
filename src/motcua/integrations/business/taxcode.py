"""The tax code of a business (mã số doanh nghiệp / mã số thuế): 10 digits, or 13 for a branch or
dependent unit (the parent's 10 digits, then 001-999, written 0100109106-001).

The tenth digit is a check digit (General Department of Taxation, Decision 75/1998/QĐ-TCT):
A = 31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9, d10 = 10 - (A mod 11);
a code where that gives 10 is never issued. Public codes agree (0100109106, 0300588569).
`core.identity_numbers.normalise_tax_code` checks the format only (older records and tests carry
codes without a valid check digit); a lookup in the registry checks the digit too.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.core.identity_numbers import normalise_tax_code

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


class InvalidTaxCode(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for these nine, or None when no valid code starts with them."""
    digit = 10 - sum(w * int(d) for w, d in zip(WEIGHTS, first_nine)) % 11
    return None if digit == 10 else digit


def check_tax_code(code: str) -> str:
    """The normalised code (0100109106 or 0100109106-001); raises InvalidTaxCode with a message."""
    try:
        code = normalise_tax_code(code)
    except ValidationError as error:
        raise InvalidTaxCode(error.messages[0]) from None
    base = code[:10]
    if check_digit(base[:9]) != int(base[9]):
        raise InvalidTaxCode(_("This tax code is not valid: its check digit is wrong. Check the number."))
    if len(code) > 10 and code[11:] == "000":
        raise InvalidTaxCode(_("A branch tax code ends in 001 to 999."))
    return code
