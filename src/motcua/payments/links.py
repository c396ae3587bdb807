"""Signed pay links: `/thanh-toan/ho-so/<code>/?t=<token>` lets whoever holds the link (the
applicant, from the receipt or a notice) see and pay a dossier's fee without an account.
The token signs the dossier code with SECRET_KEY (django.core.signing) and expires after
PAYMENT_LINK_MAX_AGE_DAYS."""
from django.core import signing
from django.urls import reverse

from . import conf

SALT = "motcua.payments.pay-link"


def token_for(code: str) -> str:
    return signing.dumps(code, salt=SALT, compress=False)


def code_from_token(token: str) -> str | None:
    try:
        return signing.loads(token or "", salt=SALT, max_age=conf.link_max_age_seconds())
    except signing.BadSignature:  # includes SignatureExpired
        return None


def pay_path(code: str) -> str:
    return f"{reverse('payments:pay', args=[code])}?t={token_for(code)}"
