"""Postal settings, read from Django settings, then the environment, then the default.

POSTAL_PARTNER          the partner adapter (`simulator` where simulators may run, else `vnpost`)
POSTAL_RETURNED_AT      when a result going by post counts as returned (status 10):
                        "handover" (default, as the seeds count it: when handed to the post) or
                        "delivery" (when the post delivers it). The delivery date is kept either way.
POSTAL_MAX_ATTEMPTS     failed delivery attempts before the result goes back to the centre (3)
POSTAL_RETRY_MINUTES    wait before re-sending an order the partner did not take (15)
VNPOST_URL, VNPOST_CUSTOMER_CODE, VNPOST_CUSTOMER_KEY, VNPOST_SECRET   the VNPost adapter
"""
import os

from django.conf import settings

from motcua.core.simulators import simulators_allowed

HANDOVER, DELIVERY = "handover", "delivery"


def _get(name: str, default=""):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def partner_name() -> str:
    return _get("POSTAL_PARTNER", "") or ("simulator" if simulators_allowed() else "vnpost")


def returned_at() -> str:
    value = (_get("POSTAL_RETURNED_AT", HANDOVER) or HANDOVER).strip().lower()
    return DELIVERY if value == DELIVERY else HANDOVER


def max_attempts() -> int:
    return int(_get("POSTAL_MAX_ATTEMPTS", 3))


def retry_minutes() -> int:
    return int(_get("POSTAL_RETRY_MINUTES", 15))


def vnpost() -> dict:
    return {
        "url": _get("VNPOST_URL", ""),
        "customer_code": _get("VNPOST_CUSTOMER_CODE", ""),
        "customer_key": _get("VNPOST_CUSTOMER_KEY", ""),
        "secret": _get("VNPOST_SECRET", ""),
        "timeout": float(_get("VNPOST_TIMEOUT", 10)),
    }
