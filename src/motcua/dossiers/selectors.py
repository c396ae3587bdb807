"""Reads of dossiers: always scoped to the agencies the user serves.

Pages, the API, printouts and reports read through these functions so that one officer never
sees another agency's dossiers.
"""
from __future__ import annotations

import datetime
import functools
import re
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.core.periods import local_day_bounds

from .counting import received_between_q
from .models import PENDING_STATUSES, Channel, Dossier, DossierEvent, DossierStep, Status
from .receipt_sql import fetch_prepared
from .services import agency_ids_with


def _agency_ids(user) -> frozenset[int]:
    return agency_ids_with(user, "dossier.view")


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Dossiers received by, competent at, or currently held by an agency the user serves."""
    ids = _agency_ids(user)
    if not ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(receiving_agency_id__in=ids) | Q(competent_agency_id__in=ids) | Q(current_agency_id__in=ids)
    )


def visible_dossier(user, code: str) -> Dossier | None:
    """One dossier by code if the user may see it, else None (the caller answers 404)."""
    return dossiers_visible_to(user).filter(code=code).first()


QUEUE_FILTERS = ("due_today", "due_this_week", "due_soon", "overdue", "waiting_supplement", "waiting_payment")


def due_soon_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime] | None:
    """[now, end of the second working day counting today if it is one): what is due within two
    working days and not yet overdue; None when the legal calendar does not cover these days."""
    from motcua.calendar.services import legal_calendar
    from motcua.calendar.worktime import OutOfCalendarRange

    today = timezone.localdate(now)
    try:
        calendar = legal_calendar()
        first = calendar.next_working_day(today, include_today=True)
        second = calendar.next_working_day(first)
    except OutOfCalendarRange:
        return None
    return now, local_day_bounds(second, second)[1]


def work_queue(user, *, scope: str = "mine", due_today: bool = False, due_this_week: bool = False,
               overdue: bool = False, waiting_supplement: bool = False, due_soon: bool = False,
               waiting_payment: bool = False, procedure=None, field=None,
               now: datetime.datetime | None = None) -> QuerySet[Dossier]:
    """The pending dossiers to work on, earliest due first.

    scope "mine": the dossiers currently assigned to the user; "unit": those held by the agencies
    the user serves. Filters narrow it: due today, due this week (Monday to Sunday), overdue (due
    moment passed), waiting for supplement, due within two working days and not overdue
    (`due_soon_bounds`), waiting for a fee (status 6), by procedure, by field (ids or instances).
    """
    qs = Dossier.objects.filter(status__in=PENDING_STATUSES)
    if scope == "unassigned":
        qs = unassigned_queue(user)
    elif scope == "mine":
        qs = qs.filter(current_officer=user) if getattr(user, "pk", None) else qs.none()
    elif scope == "unit":
        ids = _agency_ids(user)
        qs = qs.filter(current_agency_id__in=ids) if ids else qs.none()
    else:
        raise ValueError(f"unknown work queue scope {scope!r}")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if due_today:
        start, end = local_day_bounds(today, today)
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    if due_this_week:
        monday = today - datetime.timedelta(days=today.weekday())
        start, end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    if overdue:
        qs = qs.filter(due_at__lt=now, status__in=(Status.RECEIVED, Status.PROCESSING))
    if waiting_supplement:
        qs = qs.filter(status=Status.WAITING_SUPPLEMENT)
    if waiting_payment:
        qs = qs.filter(status=Status.WAITING_PAYMENT)
    if due_soon:
        bounds = due_soon_bounds(now)
        qs = qs.filter(due_soon_q(bounds)) if bounds else qs.none()
    if procedure:
        qs = qs.filter(procedure_id=getattr(procedure, "pk", procedure))
    if field:
        qs = qs.filter(field_id=getattr(field, "pk", field))
    return qs.order_by("due_at", "pk")


def due_soon_q(bounds) -> Q:
    start, end = bounds
    return Q(due_at__gte=start, due_at__lt=end, status__in=(Status.RECEIVED, Status.PROCESSING))


def online_intake_queue(user) -> QuerySet[Dossier]:
    """Online submissions waiting to be accepted or refused (status 1), oldest first, of the
    agencies for which the user may receive (counter officers of the receiving agency)."""
    ids = agency_ids_with(user, "dossier.receive")
    if not ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        status=Status.NEW, channel_in=Channel.ONLINE, receiving_agency_id__in=ids
    ).order_by("submitted_at", "pk")


def results_to_return_queue(user) -> QuerySet[Dossier]:
    """Resolved dossiers (status 9) whose result the user hands back: those received by an agency
    the user may receive for (returning is the receiving counter's act), resolved first, first."""
    ids = agency_ids_with(user, "dossier.receive")
    if not ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(status=Status.RESOLVED, receiving_agency_id__in=ids).order_by("finished_at", "pk")


def unassigned_agency_ids(user) -> frozenset[int]:
    """The agencies whose unassigned dossiers the user may take: those they examine or approve for."""
    return agency_ids_with(user, "dossier.examine") | agency_ids_with(user, "dossier.approve")


def unassigned_queue(user) -> QuerySet[Dossier]:
    """Dossiers handed to a unit without naming an officer: being handled (statuses 2, 4, 5, 6) by
    an agency the user examines or approves for, with no current officer, and not waiting at a
    counter step (the counter officers' own work), earliest due first."""
    ids = unassigned_agency_ids(user)
    if not ids:
        return Dossier.objects.none()
    at_counter = DossierStep.objects.filter(
        dossier_id=OuterRef("pk"), finished_at__isnull=True, role="counter_officer"
    )
    return (
        Dossier.objects.filter(status__in=PENDING_STATUSES, current_agency_id__in=ids, current_officer__isnull=True)
        .exclude(Exists(at_counter))
        .order_by("due_at", "pk")
    )


def queue_tab_counts(user, *, cap: int | None = None) -> dict:
    """The counts on the queue tabs that are not filtered: unassigned, online intake, results to return.

    With `cap`, each count stops at `cap` (a COUNT over a LIMIT): the back office's menu shows them
    on every page, and a unit with a hundred thousand results waiting would otherwise pay for
    counting them all on each click (docs/performance.md, the dashboard's warm page)."""
    queues = {"unassigned": unassigned_queue(user), "online": online_intake_queue(user),
              "return": results_to_return_queue(user)}
    return {key: (queue.order_by()[:cap] if cap else queue.order_by()).count() for key, queue in queues.items()}


def work_queue_counts(user, *, scope: str = "mine", now: datetime.datetime | None = None, **filters) -> dict:
    """Counts for the queue tabs: all, due today, due this week, overdue, waiting for supplement.

    One grouped query: the base queue with conditional counts.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start, day_end = local_day_bounds(today, today)
    monday = today - datetime.timedelta(days=today.weekday())
    week_start, week_end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    base = work_queue(user, scope=scope, now=now, **filters).order_by()
    bounds = due_soon_bounds(now)
    return base.aggregate(
        due_soon=Count("pk", filter=due_soon_q(bounds) if bounds else Q(pk__isnull=True)),
        waiting_payment=Count("pk", filter=Q(status=Status.WAITING_PAYMENT)),
        all=Count("pk"),
        due_today=Count("pk", filter=Q(due_at__gte=day_start, due_at__lt=day_end)),
        due_this_week=Count("pk", filter=Q(due_at__gte=week_start, due_at__lt=week_end)),
        overdue=Count("pk", filter=Q(due_at__lt=now, status__in=(Status.RECEIVED, Status.PROCESSING))),
        waiting_supplement=Count("pk", filter=Q(status=Status.WAITING_SUPPLEMENT)),
    )


def tracking_book(agency_ids, date_from: datetime.date, date_to: datetime.date) -> QuerySet[Dossier]:
    """Form 06: every dossier received by the agencies in the period (dates inclusive), in order.
    Received as everywhere (`counting.received_q`): a dossier refused at intake is not in the book."""
    start, end = local_day_bounds(date_from, date_to)
    return (
        Dossier.objects.filter(received_between_q(start, end), receiving_agency_id__in=list(agency_ids))
        .select_related("procedure_version", "receiving_agency", "competent_agency")
        .order_by("received_at", "code")
    )


def events_of(dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor").order_by("at", "pk")


def steps_of(dossier: Dossier) -> QuerySet[DossierStep]:
    return dossier.steps.select_related("agency", "assignee", "given_by", "finished_by").order_by("order")


def latest_event(dossier: Dossier, kind: str) -> DossierEvent | None:
    """The last event of a kind (e.g. "request_supplement" for form 02, "refuse_intake" for 03)."""
    return dossier.events.filter(kind=kind).order_by("-at", "-pk").first()


# --- public tracking --------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N*** V*** A': initials only, no part of the name in full (a guessed
    code must not give a person's given name away)."""
    parts = (name or "").split()
    if not parts:
        return ""
    return " ".join([*(p[0] + "***" for p in parts[:-1]), parts[-1][0]])


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def applicant_matches(dossier: Dossier, secret: str) -> bool:
    """The applicant's phone (with or without +84) or citizen ID / tax code proves the asker."""
    secret = _digits(secret)
    if len(secret) < 9:
        return False
    candidates = {_digits(dossier.applicant_id_number), _digits(dossier.owner_id_number)}
    for phone in (dossier.applicant_phone, dossier.owner_phone):
        digits = _digits(phone)
        if digits:
            candidates |= {digits, "0" + digits[2:] if digits.startswith("84") else digits}
    if secret.startswith("84"):
        secret = "0" + secret[2:]
    return secret in {c for c in candidates if c}


_TRACKING_COLUMNS = (
    "id", "code", "applicant_name", "status", "submitted_at", "received_at", "due_at", "appointment_at",
    "finished_at", "returned_at", "applicant_id_number", "owner_id_number", "applicant_phone", "owner_phone",
)


_TRACKING_NAMES = (*_TRACKING_COLUMNS, "procedure_name", "receiving_agency_name", "competent_agency_name",
                   "procedure_is_sensitive")


@functools.cache
def _tracking_sql() -> str:
    from motcua.catalog.models import Procedure, ProcedureVersion
    from motcua.organization.models import Agency

    qn = connection.ops.quote_name
    columns = ", ".join(f"d.{qn(Dossier._meta.get_field(name).column)}" for name in _TRACKING_COLUMNS)
    return (
        f"SELECT {columns}, p.{qn('name')}, r.{qn('name')}, c.{qn('name')}, pr.{qn('is_sensitive')} "
        f"FROM {qn(Dossier._meta.db_table)} d "
        f"JOIN {qn(ProcedureVersion._meta.db_table)} p ON p.id = d.procedure_version_id "
        f"JOIN {qn(Procedure._meta.db_table)} pr ON pr.id = p.procedure_id "
        f"JOIN {qn(Agency._meta.db_table)} r ON r.id = d.receiving_agency_id "
        f"JOIN {qn(Agency._meta.db_table)} c ON c.id = d.competent_agency_id WHERE d.{qn('code')} = $1"
    )


def public_tracking(code: str, secret: str | None = None) -> dict | None:
    """What anyone may know about a dossier from its code: status and dates, the name masked to
    initials, and the procedure's name unless the catalogue marks it sensitive (criminal record,
    death registration...; then None and `procedure_hidden`).

    With `secret` (the applicant's phone or citizen ID) proven: the procedure, the applicant's
    name and the steps. None if no such code. Callers throttle wrong secrets (feedback.proofs).
    """
    # The public, busiest read: one indexed lookup of the unique code fetching only the shown
    # columns, no model instances; on PostgreSQL a statement prepared once per connection.
    code = (code or "").strip()
    if "\x00" in code:  # no code has one, and the database refuses it in a parameter
        return None
    if connection.vendor == "postgresql":
        values = fetch_prepared(_tracking_sql(), [code], Dossier)
        row = dict(zip(_TRACKING_NAMES, values)) if values is not None else None
    else:
        row = next(iter(
            Dossier.objects.filter(code=code).order_by()
            .values(*_TRACKING_COLUMNS, procedure_name=F("procedure_version__name"),
                    receiving_agency_name=F("receiving_agency__name"),
                    competent_agency_name=F("competent_agency__name"),
                    procedure_is_sensitive=F("procedure_version__procedure__is_sensitive"))[:1]
        ), None)
    if row is None:
        return None
    dossier = SimpleNamespace(**row)
    hidden = bool(dossier.procedure_is_sensitive)
    data = {
        "code": dossier.code,
        "procedure": None if hidden else dossier.procedure_name,
        "procedure_hidden": hidden,
        "applicant": mask_name(dossier.applicant_name),
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "receiving_agency": dossier.receiving_agency_name,
        "competent_agency": dossier.competent_agency_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "verified": False,
        "steps": [],
    }
    if secret and applicant_matches(dossier, secret):
        data["verified"] = True
        data["procedure"], data["procedure_hidden"] = dossier.procedure_name, False
        data["applicant"] = dossier.applicant_name
        data["steps"] = [
            {
                "order": s.order,
                "name": s.name,
                "unit": s.unit,
                "agency": s.agency.name,
                "started_at": s.started_at,
                "due_at": s.due_at,
                "finished_at": s.finished_at,
                "outcome": s.outcome,
            }
            for s in DossierStep.objects.filter(dossier_id=dossier.id).select_related("agency").order_by("order")
        ]
    return data
