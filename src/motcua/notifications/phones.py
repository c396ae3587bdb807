"""Vietnamese mobile numbers: 0xxxxxxxxx, +84xxxxxxxxx or 84xxxxxxxxx -> 84xxxxxxxxx."""
import re

# Mobile networks use the prefixes 03, 05, 07, 08 and 09 (since the 2018 renumbering).
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")
_SEPARATORS = re.compile(r"[\s.\-()]")


class InvalidPhone(ValueError):
    pass


def normalize_mobile(phone: str) -> str:
    """The number in international form without '+', as SMS gateways want it; InvalidPhone otherwise."""
    match = _MOBILE.match(_SEPARATORS.sub("", phone or ""))
    if not match:
        raise InvalidPhone(phone)
    return "84" + match.group(1)


def is_mobile(phone: str) -> bool:
    try:
        normalize_mobile(phone)
    except InvalidPhone:
        return False
    return True
