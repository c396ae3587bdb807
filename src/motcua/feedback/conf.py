"""Feedback settings, read from Django settings, then the environment, then the default.

RATING_CHANGE_WINDOW_HOURS      how long after the first rating a change of mind replaces it (72)
RATING_LINK_MAX_AGE_DAYS        how long the signed rating link of the "returned" notice is valid (30)
RATING_KIOSK_WINDOW_MINUTES     how long after serving a person the counter tablet offers their dossier (30)
RATING_DEVICE_MAX_AGE_DAYS      how long a tablet's registration cookie lasts (365)
APPLICANT_PROOF_MAX_FAILURES    wrong phone/ID proofs allowed per client address and per dossier code (5) ...
APPLICANT_PROOF_WINDOW_MINUTES  ... in this many minutes (10)
FEEDBACK_PORTAL_MAX_PER_HOUR    portal submissions accepted per client address per hour (5)
"""
import os

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(value)


def rating_change_window_hours() -> int:
    return _int("RATING_CHANGE_WINDOW_HOURS", 72)


def rating_link_max_age_seconds() -> int:
    return _int("RATING_LINK_MAX_AGE_DAYS", 30) * 24 * 3600


def kiosk_window_minutes() -> int:
    return _int("RATING_KIOSK_WINDOW_MINUTES", 30)


def device_max_age_seconds() -> int:
    return _int("RATING_DEVICE_MAX_AGE_DAYS", 365) * 24 * 3600


def proof_max_failures() -> int:
    return _int("APPLICANT_PROOF_MAX_FAILURES", 5)


def proof_window_minutes() -> int:
    return _int("APPLICANT_PROOF_WINDOW_MINUTES", 10)


def portal_max_per_hour() -> int:
    return _int("FEEDBACK_PORTAL_MAX_PER_HOUR", 5)
