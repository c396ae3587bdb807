"""What the dossier engine needs from the catalogue and the calendar, read once and cached.

`intake_profile(version, case)` gathers everything a receipt needs from a procedure version (limits,
steps, required documents, fees, agencies) in a handful of queries, and caches it per process:
published versions are immutable, and any catalogue save clears the cache (signals below), so
the counter path costs no catalogue query after the first receipt of a procedure.

The classification rule (early / on time / late by date) is here too, once as a pure function
(`classify`) and once as query conditions (`classify_q`), side by side; a property test checks
them cell by cell on random dossiers (reports/tests/test_classification.py).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import Exact, GreaterThan, LessThan
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from motcua.calendar.services import OutOfCalendarRange, legal_calendar, not_covered_message
from motcua.catalog import models as catalog
from motcua.catalog.services import effective_limit

from .errors import DossierActionError
from .models import Channel, Outcome


@dataclass(frozen=True)
class StepPlan:
    process_step_id: int
    order: int
    name: str
    role: str
    unit: str
    agency_id: int | None  # None: the competent agency
    budget_hours: Decimal


@dataclass(frozen=True)
class DocumentPlan:
    id: int
    name: str
    is_required: bool
    originals: int
    certified_copies: int
    copies: int


@dataclass(frozen=True)
class IntakeProfile:
    version_id: int
    version_status: str
    procedure_id: int
    field_id: int
    name: str
    is_same_day: bool  # the procedure's flag: due the same day (the cut-off applies) ...
    limit: tuple  # (amount, unit) at the counter / by post
    online_limit: tuple  # (amount, unit) online
    accepts: frozenset  # channels accepted (Channel values)
    competent_agency_ids: tuple
    competent_level_ids: dict  # agency id -> level id
    receiving_agency_ids: frozenset
    is_boundary_free: bool
    steps: tuple = field(default_factory=tuple)
    documents: tuple = field(default_factory=tuple)
    fee_total: int = 0
    online_fee_discount_percent: int = 0
    # ... unless the case has a limit of its own: (at the counter / by post, online)
    case_has_limit: bool = False
    case_has_online_limit: bool = False

    def limit_for(self, channel: int) -> tuple:
        return self.online_limit if channel == Channel.ONLINE else self.limit

    def same_day_for(self, channel: int) -> bool:
        """The same-day rule applies only when the procedure's own limit applies: a case's own limit
        (e.g. "Đăng ký khai sinh quá hạn", 3 working days) always wins over the same-day flag."""
        if not self.is_same_day:
            return False
        return not (self.case_has_online_limit if channel == Channel.ONLINE else self.case_has_limit)

    def fee_for(self, channel: int) -> int:
        if channel == Channel.ONLINE and self.online_fee_discount_percent:
            return self.fee_total * (100 - self.online_fee_discount_percent) // 100
        return self.fee_total

    def step_at(self, order: int) -> StepPlan | None:
        for step in self.steps:
            if step.order == order:
                return step
        return None

    def next_step(self, order: int | None) -> StepPlan | None:
        for step in self.steps:
            if order is None or step.order > order:
                return step
        return None


_lock = threading.Lock()
_profiles: dict = {}


def clear_cache(*args, **kwargs) -> None:
    with _lock:
        _profiles.clear()
    _agency_codes.clear()


def intake_profile(version: catalog.ProcedureVersion, case: catalog.ProcedureCase | None = None) -> IntakeProfile:
    # created_at is part of the key so that a re-used primary key (SQLite after a rollback) never
    # hits a stale entry.
    key = (version.pk, version.created_at, case.pk if case else None)
    profile = _profiles.get(key)
    if profile is None:
        profile = _build_profile(version, case)
        with _lock:
            _profiles[key] = profile
    return profile


def _build_profile(version, case) -> IntakeProfile:
    competent = list(version.competent_agencies.order_by("pk").values_list("pk", "level_id"))
    receiving = frozenset(version.receiving_agencies.values_list("pk", flat=True))

    steps_qs = version.steps.all()
    case_steps = [s for s in steps_qs if case is not None and s.case_id == case.pk]
    steps = case_steps or [s for s in steps_qs if s.case_id is None]
    documents = [
        d for d in version.documents.all() if d.case_id is None or (case is not None and d.case_id == case.pk)
    ]
    fees = [f for f in version.fees.all() if f.case_id is None or (case is not None and f.case_id == case.pk)]
    accepts = {
        Channel.COUNTER: version.accepts_counter,
        Channel.ONLINE: version.accepts_online,
        Channel.POST: version.accepts_post,
    }
    return IntakeProfile(
        version_id=version.pk,
        version_status=version.status,
        procedure_id=version.procedure_id,
        field_id=version.field_id,
        name=version.name,
        **limits_of(version, case),
        accepts=frozenset(c for c, ok in accepts.items() if ok),
        competent_agency_ids=tuple(pk for pk, _ in competent),
        competent_level_ids=dict(competent),
        receiving_agency_ids=receiving,
        is_boundary_free=version.is_boundary_free,
        steps=tuple(
            StepPlan(s.pk, s.order, s.name, s.role, s.unit, s.agency_id, Decimal(s.budget_hours))
            for s in sorted(steps, key=lambda s: s.order)
        ),
        documents=tuple(
            DocumentPlan(d.pk, d.name, d.is_required, d.originals, d.certified_copies, d.copies) for d in documents
        ),
        fee_total=sum(f.amount for f in fees),
        online_fee_discount_percent=version.online_fee_discount_percent,
    )


def limits_of(version: catalog.ProcedureVersion, case: catalog.ProcedureCase | None) -> dict:
    """The time-limit fields of an intake profile (no query): the applicable limits, the
    procedure's same-day flag and whether the case has limits of its own (they win over it)."""
    return {
        "is_same_day": version.is_same_day,
        "limit": effective_limit(version, case, online=False),
        "online_limit": effective_limit(version, case, online=True),
        "case_has_limit": case is not None and case.time_limit is not None,
        "case_has_online_limit": case is not None
        and (case.time_limit is not None or case.online_time_limit is not None),
    }


for _model in (
    catalog.ProcedureVersion,
    catalog.ProcedureCase,
    catalog.ProcessStep,
    catalog.RequiredDocument,
    catalog.Fee,
):
    post_save.connect(clear_cache, sender=_model, dispatch_uid=f"dossiers-profile-{_model.__name__}-save")
    post_delete.connect(clear_cache, sender=_model, dispatch_uid=f"dossiers-profile-{_model.__name__}-delete")
_agency_codes: dict[int, str] = {}


def agency_code(agency_id: int) -> str:
    """The identifier code of an agency (it prefixes dossier codes), cached; an agency save clears it."""
    code = _agency_codes.get(agency_id)
    if code is None:
        from motcua.organization.models import Agency

        code = _agency_codes[agency_id] = Agency.objects.values_list("code", flat=True).get(pk=agency_id)
    return code


def _clear_agency_codes(*args, **kwargs) -> None:
    _agency_codes.clear()


def _connect_agency_signals() -> None:
    from motcua.organization.models import Agency

    post_save.connect(_clear_agency_codes, sender=Agency, dispatch_uid="dossiers-agency-codes-save")
    post_delete.connect(_clear_agency_codes, sender=Agency, dispatch_uid="dossiers-agency-codes-delete")


_connect_agency_signals()

for _through in (catalog.ProcedureVersion.competent_agencies.through, catalog.ProcedureVersion.receiving_agencies.through):
    m2m_changed.connect(clear_cache, sender=_through, dispatch_uid=f"dossiers-profile-{_through.__name__}")


# --- deadlines --------------------------------------------------------------------------------


@contextmanager
def calendar_covered():
    """Turn a date the working calendar does not cover (its year's days off were never entered)
    into the engine's refusal: DossierActionError(code="calendar_not_covered") with a clear
    message, never a guessed due date and never a server error."""
    try:
        yield
    except OutOfCalendarRange as error:

        raise DossierActionError("calendar_not_covered", not_covered_message(error)) from error


def due_at_receipt(profile: IntakeProfile, channel: int, received_at: datetime) -> tuple[datetime, datetime]:
    """(clock start, due moment) for a dossier received at `received_at` through `channel`.

    The clock starts at the next working moment (after hours, a day off). Same-day procedures are
    due at the end of the day, or of the next working day when received after the cut-off, unless
    the case has a limit of its own, which always wins (see IntakeProfile.same_day_for).
    """
    with calendar_covered():
        calendar = legal_calendar()
        start = calendar.next_working_moment(received_at)
        if profile.same_day_for(channel):
            return start, calendar.same_day_due(received_at)
        amount, unit = profile.limit_for(channel)
        return start, calendar.add(received_at, amount, unit)


def due_after_pause(due_at: datetime | None, paused_at: datetime, resumed_at: datetime) -> datetime | None:
    """The due moment (of a dossier or a step) when its stopped clock restarts: moved forward by
    the working time the pause lasted, unless it had already passed when the clock stopped (a
    supplement or payment asked for after the limit): a stopped clock gives back no time already
    overrun, and the dossier stays overdue."""
    if due_at is None or due_at <= paused_at:
        return due_at
    with calendar_covered():
        return legal_calendar().shift_by_pause(due_at, paused_at, resumed_at)


def step_due(started_at: datetime, budget_hours: Decimal | None) -> datetime | None:
    if budget_hours is None:
        return None
    with calendar_covered():
        return legal_calendar().add(started_at, budget_hours, "working_hours")


# --- classification ---------------------------------------------------------------------------


def classify(finished_at: datetime, due_at: datetime | None, supplement_count: int = 0) -> int | None:
    """Early if finished before the due date, on time on the due date, late after (by date).

    A dossier asked to supplement more than once counts late in the national index, whatever
    its dates.
    """
    if supplement_count > 1:
        return Outcome.LATE
    if due_at is None:
        return None
    # The province's zone, as `classify_q` compares in SQL (and cheaper than the request's
    # current zone, looked up per call: a third of the legacy import's checking time).
    zone = timezone.get_default_timezone()
    finished_day = timezone.localtime(finished_at, zone).date()
    due_day = timezone.localtime(due_at, zone).date()
    if finished_day < due_day:
        return Outcome.EARLY
    if finished_day == due_day:
        return Outcome.ON_TIME
    return Outcome.LATE


def classify_q() -> dict[int | None, Q]:
    """`classify` as conditions on a dossier's columns (finished_at, due_at, supplement_count):
    {result: the dossiers `classify` gives that result}, None for "not classified" (no due
    moment). The same rules in the same order, local dates compared as in the database."""
    tz = timezone.get_default_timezone()
    finished_day, due_day = TruncDate("finished_at", tzinfo=tz), TruncDate("due_at", tzinfo=tz)
    repeated = Q(supplement_count__gt=1)  # the first rule: late whatever the dates
    dated = Q(supplement_count__lte=1, due_at__isnull=False)
    return {
        Outcome.EARLY: dated & Q(LessThan(finished_day, due_day)),
        Outcome.ON_TIME: dated & Q(Exact(finished_day, due_day)),
        Outcome.LATE: repeated | (dated & Q(GreaterThan(finished_day, due_day))),
        None: Q(supplement_count__lte=1, due_at__isnull=True),
    }
