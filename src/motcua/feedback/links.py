"""Signed rating links: `/danh-gia/<token>/` lets whoever holds the link from the "returned"
notice rate that dossier without an account. The token signs the dossier code with SECRET_KEY
(django.core.signing) and expires after RATING_LINK_MAX_AGE_DAYS."""
from django.urls import reverse

from motcua.core.signed_links import SignedCode
from motcua.core.site import absolute

from . import conf

RATING_LINK = SignedCode("motcua.feedback.rating-link", conf.rating_link_max_age_seconds)
token_for = RATING_LINK.token_for
code_from_token = RATING_LINK.code_from_token


def rating_path(code: str) -> str:
    return reverse("feedback:rate_link", args=[token_for(code)])


def rating_url(code: str) -> str:
    return absolute(rating_path(code))
