"""Signed pay links: `/thanh-toan/ho-so/<code>/?t=<token>` lets whoever holds the link (the
applicant, from the receipt or a notice) see and pay a dossier's fee without an account.
The token signs the dossier code with SECRET_KEY (django.core.signing) and expires after
PAYMENT_LINK_MAX_AGE_DAYS."""
from django.urls import reverse

from motcua.core.signed_links import SignedCode

from . import conf

PAY_LINK = SignedCode("motcua.payments.pay-link", conf.link_max_age_seconds)
token_for = PAY_LINK.token_for
code_from_token = PAY_LINK.code_from_token


def pay_path(code: str) -> str:
    return f"{reverse('payments:pay', args=[code])}?t={token_for(code)}"
