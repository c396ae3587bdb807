"""Signed rating links: `/danh-gia/<token>/` lets whoever holds the link from the "returned"
notice rate that dossier without an account. The token signs the dossier code with SECRET_KEY
(django.core.signing) and expires after RATING_LINK_MAX_AGE_DAYS."""
from django.conf import settings
from django.core import signing
from django.urls import reverse

from . import conf

SALT = "motcua.feedback.rating-link"


def token_for(code: str) -> str:
    return signing.dumps(code, salt=SALT, compress=False)


def code_from_token(token: str) -> str | None:
    """The dossier code, or None for a tampered, foreign or expired token."""
    try:
        return signing.loads(token or "", salt=SALT, max_age=conf.rating_link_max_age_seconds())
    except signing.BadSignature:  # includes SignatureExpired
        return None


def rating_path(code: str) -> str:
    return reverse("feedback:rate_link", args=[token_for(code)])


def rating_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + rating_path(code)
