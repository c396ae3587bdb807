"""The citizen's own actions from the portal. They go through the same lock and checks as an
officer's (`core._locked`); the transition table's `owner` scope makes the permission being the
dossier's own portal account (officers record these acts with `receive_supplement` / `withdraw`)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Dossier
from .clock import _finish
from .core import DossierActionError, _locked, _moment, _record
from .inputs import _within
from .pauses import _supplement_arrives


@transaction.atomic
def submit_supplement(actor, dossier, *, documents: Iterable[dict] = (), note: str = "",
                      expected_version: int | None = None, at=None) -> Dossier:
    """The applicant answers the supplement request online (5 -> 4) with the missing documents:
    the clock restarts exactly as when an officer records the supplement (`receive_supplement`)."""
    documents = list(documents or ())
    if not documents:
        raise DossierActionError("invalid", _("Attach at least one document to answer the request."))
    note = _within((note or "").strip(), 1000, _("Note"))
    row, transition = _locked(dossier, "submit_supplement", actor, expected_version)
    return _supplement_arrives(row, transition, actor, _moment(at, timezone.now()), documents, note)


@transaction.atomic
def withdraw_by_applicant(actor, dossier, *, reason: str = "", expected_version: int | None = None,
                          at=None) -> Dossier:
    """The applicant withdraws their own dossier from the portal (-> 7). A dossier not yet received
    (status 1) has no clock, so it is not classified."""
    reason = _within((reason or "").strip(), 1000, _("Reason"))
    row, transition = _locked(dossier, "withdraw_by_applicant", actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    if row.received_at is not None:
        fields = _finish(row, now, actor)
    else:
        row.finished_at = now
        fields = ["finished_at"]
    _record(row, transition, actor, now, before, fields, {"reason": reason, "outcome": row.outcome})
    return row
