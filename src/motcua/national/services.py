"""The state changes of the synchronisation: queue an event, send what is due, resend on request.

`enqueue(event)` (from the post_save receiver, inside the event's transaction; a receipt on
PostgreSQL writes the same row in its single statement, `outbox_row`) appends one `OutboxItem`,
unless the event changes nothing the portal shows, the dossier is a legacy import,
or NATIONAL_SYNC is off.

`sync_due(now)` (the task `national.sync`, every minute): claims the due items of up to `limit`
dossiers (row locks, skipping rows another worker holds, and a lease), then for each dossier
sends its current record (a create the first time, else an update; a create that meets
"already exists" becomes an update), then its pending progress rows in time order, at most
`BATCH` per call, marking each batch acknowledged as soon as the portal says so. A failure stops
that dossier: its remaining items keep the reason and wait `backoff(attempts)` (1, 2, 4 ... 60
minutes). Every call is a `SyncAttempt` row. Nothing is ever sent again once acknowledged, and a
crash between a send and its mark only resends what the portal keys by (code, moment, status).
"""
from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent

from . import mapping
from .models import ErrorKind, OutboxItem, SyncAttempt
from .transports import AlreadyExists, SyncError, get_transport

logger = logging.getLogger("motcua.national")

BATCH = 10  # progress rows per call: the portal's limit
LEASE = datetime.timedelta(minutes=5)
MAX_BACKOFF = 3600
# How the legacy import (reports.legacy_import.PLACEHOLDER) names the people of an imported dossier.
LEGACY_PLACEHOLDER = "(dữ liệu chuyển đổi)"


def backoff(attempts: int) -> int:
    """Seconds to wait after the n-th failure in a row: 60, 120, 240 ... at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def is_legacy(dossier: Dossier) -> bool:
    return dossier.applicant_name == LEGACY_PLACEHOLDER and dossier.owner_name == LEGACY_PLACEHOLDER


def outbox_row(event: DossierEvent) -> OutboxItem | None:
    """The outbox row of an event, unsaved; None when the event is not sent. Also written by the
    receipt's single SQL statement (`dossiers.receipt_sql.EVENT_COMPANIONS`), before the event has
    its key."""
    if not getattr(settings, "NATIONAL_SYNC", True) or event.kind in mapping.SKIPPED_KINDS:
        return None
    if is_legacy(event.dossier):
        return None
    status = mapping.national_status(event.to_status if event.to_status is not None else event.dossier.status)
    return OutboxItem(event_id=event.pk, dossier_id=event.dossier_id, at=portal_moment(event, status),
                      status=status, next_attempt_at=timezone.now())


def portal_moment(event: DossierEvent, status: int) -> datetime.datetime:
    """The event's moment to the second, as the portal keys progress rows (code, moment, status).
    Two rows of a dossier with the same status in the same second would be one at the portal: the
    later one is moved to the next free second. Events of a dossier are appended under its row
    lock, so this read sees every earlier row. A new dossier (a receipt) has none."""
    moment = event.at.replace(microsecond=0)
    if event.dossier_id is None:
        return moment
    last = (OutboxItem.objects.filter(dossier_id=event.dossier_id, status=status, at__gte=moment)
            .order_by("-at").values_list("at", flat=True).first())
    return last + datetime.timedelta(seconds=1) if last is not None else moment


def enqueue(event: DossierEvent) -> OutboxItem | None:
    row = outbox_row(event)
    if row is not None:
        row.save(force_insert=True)
    return row


def _claim(now: datetime.datetime, limit: int, codes=None) -> list[OutboxItem]:
    free = Q(acknowledged_at__isnull=True) & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))
    due = OutboxItem.objects.filter(free, next_attempt_at__lte=now)
    if codes is not None:
        due = due.filter(dossier__code__in=codes)
    dossier_ids: list[int] = []
    for dossier_id in due.order_by("next_attempt_at", "pk").values_list("dossier_id", flat=True)[: limit * 30]:
        if dossier_id not in dossier_ids:
            dossier_ids.append(dossier_id)
            if len(dossier_ids) >= limit:
                break
    if not dossier_ids:
        return []
    with transaction.atomic():
        items = list(OutboxItem.objects.select_for_update(skip_locked=True)
                     .filter(free, dossier_id__in=dossier_ids).order_by("dossier_id", "at", "pk"))
        OutboxItem.objects.filter(pk__in=[i.pk for i in items]).update(leased_until=now + LEASE)
    return items


def _log(transport, dossier_id, call, update, rows, started, error: SyncError | None = None):
    SyncAttempt.objects.create(
        at=timezone.now(), transport=transport.name, dossier_id=dossier_id, call=call, update=update, rows=rows,
        ok=error is None, error_kind=error.kind if error else "", error=error.message if error else "",
        milliseconds=int((time.monotonic() - started) * 1000))


def _call(transport, dossier: Dossier, call: str, update: bool, rows: int, send) -> None:
    """One call to the portal, logged as a `SyncAttempt` whatever its answer."""
    started = time.monotonic()
    try:
        send()
    except AlreadyExists as error:
        _log(transport, dossier.pk, call, update, rows, started,
             SyncError(ErrorKind.REFUSED, f"already exists: {error}"))
        raise
    except SyncError as error:
        _log(transport, dossier.pk, call, update, rows, started, error)
        raise
    _log(transport, dossier.pk, call, update, rows, started)


def _send_record(transport, dossier: Dossier, record: dict, update: bool) -> None:
    """Create or update; a create answered "already exists" is sent again as an update."""
    try:
        _call(transport, dossier, SyncAttempt.Call.RECORD, update, 1,
              lambda: transport.send_record(record, update=update))
        return
    except AlreadyExists as error:
        if update:
            raise SyncError(ErrorKind.REFUSED, f"already exists, even as an update: {error}") from None
    try:
        _call(transport, dossier, SyncAttempt.Call.RECORD, True, 1, lambda: transport.send_record(record, update=True))
    except AlreadyExists as error:
        raise SyncError(ErrorKind.REFUSED, f"already exists, even as an update: {error}") from None


def _send_progress(transport, dossier: Dossier, rows: list[dict]) -> None:
    try:
        _call(transport, dossier, SyncAttempt.Call.PROGRESS, True, len(rows),
              lambda: transport.send_progress(dossier.code, rows))
    except AlreadyExists as error:  # no such thing for progress rows: a refusal
        raise SyncError(ErrorKind.REFUSED, str(error)[:300]) from None


def mark_acknowledged(items: list[OutboxItem], transport_name: str) -> int:
    return OutboxItem.objects.filter(pk__in=[i.pk for i in items], acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), leased_until=None, error_kind="", error="", transport=transport_name)


def mark_failed(items: list[OutboxItem], error: SyncError, now: datetime.datetime) -> None:
    attempts = max(i.attempts for i in items) + 1
    OutboxItem.objects.filter(pk__in=[i.pk for i in items], acknowledged_at__isnull=True).update(
        attempts=F("attempts") + 1, last_attempt_at=now, leased_until=None, error_kind=error.kind,
        error=error.message, next_attempt_at=now + datetime.timedelta(seconds=backoff(attempts)))


def sync_due(now: datetime.datetime | None = None, *, limit: int = 200, transport=None, codes=None) -> dict:
    """Send what is due; {"dossiers", "records", "rows", "batches", "failed"}. Loops until nothing
    due is left or `limit` dossiers per round found nothing more (the task runs every minute)."""
    now = now or timezone.now()
    transport = transport or get_transport()
    totals = {"dossiers": 0, "records": 0, "rows": 0, "batches": 0, "failed": 0}
    while True:
        items = _claim(now, limit, codes)
        if not items:
            return totals
        _send_claimed(items, transport, now, totals)
        if len({i.dossier_id for i in items}) < limit:
            return totals


def _send_claimed(items: list[OutboxItem], transport, now, totals: dict) -> None:
    by_dossier: dict[int, list[OutboxItem]] = defaultdict(list)
    for item in items:
        by_dossier[item.dossier_id].append(item)
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure_version", "field", "competent_agency", "account__citizen_account",
    ).prefetch_related(Prefetch("documents", DossierDocument.objects.select_related("required_document")),
                       "steps").in_bulk(list(by_dossier))
    events = DossierEvent.objects.select_related("actor__staff_profile").in_bulk([i.event_id for i in items])
    known = set(OutboxItem.objects.filter(dossier_id__in=list(by_dossier), acknowledged_at__isnull=False)
                .values_list("dossier_id", flat=True).distinct())
    fees: dict = {}  # fee lines per (procedure version, case): the same for many dossiers
    for dossier_id, pending in by_dossier.items():
        dossier = dossiers[dossier_id]
        totals["dossiers"] += 1
        remaining = list(pending)
        try:
            key = (dossier.procedure_version_id, dossier.case_id)
            if key not in fees:
                fees[key] = mapping.fee_lines(dossier)
            record = mapping.record(dossier, documents=list(dossier.documents.all()), fees=fees[key])
            _send_record(transport, dossier, record, update=dossier_id in known)
            totals["records"] += 1
            steps = list(dossier.steps.all())
            while remaining:
                batch, rest = remaining[:BATCH], remaining[BATCH:]
                rows = [mapping.progress_row(events[i.event_id], dossier, steps, at=i.at) for i in batch]
                _send_progress(transport, dossier, rows)
                mark_acknowledged(batch, transport.name)
                totals["rows"] += len(batch)
                totals["batches"] += 1
                remaining = rest
        except SyncError as error:
            totals["failed"] += 1
            # The code is no personal data; the message is the portal's or ours, never the record.
            logger.warning("National portal sync of dossier %s failed (%s): %s", dossier.code, error.kind,
                           error.message)
            mark_failed(remaining, error, now)


def resend(*, code: str | None = None, since: datetime.datetime | None = None, now=None) -> dict:
    """Queue again the events of one dossier (`code`) and/or since a moment (events never queued,
    e.g. before the app was installed, are queued now; acknowledged ones are sent again, which the
    portal's key makes harmless). Returns {"requeued", "queued"}."""
    now = now or timezone.now()
    events = DossierEvent.objects.exclude(kind__in=mapping.SKIPPED_KINDS).exclude(
        dossier__applicant_name=LEGACY_PLACEHOLDER, dossier__owner_name=LEGACY_PLACEHOLDER)
    if code:
        events = events.filter(dossier__code=code)
    if since:
        events = events.filter(at__gte=since)
    with transaction.atomic():
        requeued = OutboxItem.objects.filter(event__in=events).update(
            acknowledged_at=None, next_attempt_at=now, attempts=0, leased_until=None, error="", error_kind="")
        queued = 0
        for event in events.filter(national_outbox__isnull=True).select_related("dossier").order_by("at", "pk"):
            queued += enqueue(event) is not None
    return {"requeued": requeued, "queued": queued}
