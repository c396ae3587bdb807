"""Proving to be a dossier's applicant with their phone or citizen ID, throttled.

Dossier codes are sequential, so a code is easy to guess; the applicant's phone or citizen ID is
what proves the visitor (public tracking page and API, the portal rating form). Wrong proofs are
counted per client address and per dossier code (keyed hashes only, `ApplicantProofFailure`):
beyond APPLICANT_PROOF_MAX_FAILURES (5) in APPLICANT_PROOF_WINDOW_MINUTES (10) the next proof is
refused without being checked, right or wrong, until older failures leave the window.

Each attempt is stored before it is counted and deleted again when the proof was right, so
simultaneous guesses count each other: a burst of 300 gets at most a handful checked.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.core.errors import Throttled

from . import conf
from .models import ApplicantProofFailure

_SALT = "motcua.feedback.applicant-proof"
KEPT_FOR = datetime.timedelta(days=1)


class ProofThrottled(Throttled):
    """Too many wrong proofs from this address or for this code: answer 429."""

    def __init__(self):
        self.minutes = conf.proof_window_minutes()
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Too many wrong phone numbers or citizen IDs were typed for this dossier or from your connection. "
            "Please try again in %(minutes)s minutes."
        ) % {"minutes": self.minutes}

    @property
    def retry_after(self) -> int:
        return self.minutes * 60


def _key(kind: str, value: str) -> str:
    return salted_hmac(_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()[:40]


def attempt(code: str, client_ip: str, check: Callable[[], bool], *, now: datetime.datetime | None = None) -> bool:
    """Run `check()` (True when the typed phone/ID proves the applicant of `code`) unless the
    throttle refuses, and count it when it fails. Raises ProofThrottled."""
    now = now or timezone.now()
    client_key, code_key = _key("ip", client_ip or ""), _key("code", (code or "").strip())
    # Outside any transaction of the caller: the pending row must be seen by simultaneous attempts.
    with transaction.atomic():
        pending = ApplicantProofFailure.objects.create(client_key=client_key, code_key=code_key, at=now)
    since = now - datetime.timedelta(minutes=conf.proof_window_minutes())
    recent = ApplicantProofFailure.objects.filter(at__gt=since, at__lte=now)
    limit = conf.proof_max_failures()
    if recent.filter(client_key=client_key).count() > limit or recent.filter(code_key=code_key).count() > limit:
        pending.delete()
        raise ProofThrottled()
    try:
        proven = bool(check())
    except BaseException:
        pending.delete()
        raise
    if proven:
        pending.delete()
    else:
        ApplicantProofFailure.objects.filter(at__lt=now - KEPT_FOR).delete()
    return proven
