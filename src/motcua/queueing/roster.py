"""The Saturday duty roster (lịch trực thứ Bảy): who sits at which counter, for which agency, in
the morning or the afternoon of a Saturday.

On a Saturday the roster, not the counter assignments, decides who may call: the counter panel
shows an officer the counters of their duties that day, and `call_next` refuses a call outside the
officer's shift. A make-up working Saturday (a Saturday worked for a holiday, in the legal
calendar) is an ordinary working day: the counter assignments hold, and the roster adds to them.

    set_duty(manager, date, counter, officer, agency, shift)   # the manager's page
    remove_duty(manager, duty)
    seated_counter_ids(user, day)       # services.counters_of
    check_shift(user, counter, moment)  # services.call_next
    saturdays(n, today)                 # the public Saturday service page
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.calendar.services import OutOfCalendarRange, legal_calendar
from motcua.organization import audit
from motcua.organization.models import AccessAuditEntry, CounterAssignment

from .errors import QueueError
from .models import SaturdayDuty, Shift

SATURDAY = 5
# The afternoon shift starts at noon (the morning one ends there).
NOON = time(12, 0)


def is_makeup_day(day: date) -> bool:
    """Whether the legal calendar makes `day` (a Saturday) a working day."""
    try:
        return legal_calendar().is_working_day(day)
    except OutOfCalendarRange:
        return False


def roster_decides(day: date) -> bool:
    """On an ordinary Saturday only the roster seats officers."""
    return day.weekday() == SATURDAY and not is_makeup_day(day)


def shifts_at(moment: datetime) -> tuple[str, str]:
    """The shifts covering a local moment: the morning or afternoon one, and all day."""
    return (Shift.MORNING if moment.time() < NOON else Shift.AFTERNOON), Shift.ALL_DAY


def seated_counter_ids(user, day: date):
    """The counters `user` sits at on `day` by the roster; None where the counter assignments
    decide (any day but a Saturday). On a make-up Saturday: assignments and roster together."""
    if day.weekday() != SATURDAY:
        return None
    on_duty = set(SaturdayDuty.objects.filter(date=day, officer=user).values_list("counter_id", flat=True))
    if is_makeup_day(day):
        on_duty |= set(CounterAssignment.objects.valid_on(day).filter(user=user).values_list("counter_id", flat=True))
    return on_duty


def check_shift(user, counter, moment: datetime) -> None:
    """On an ordinary Saturday, refuse a call outside the officer's shift at that counter."""
    if not roster_decides(moment.date()):
        return
    if not SaturdayDuty.objects.filter(date=moment.date(), officer=user, counter=counter,
                                       shift__in=shifts_at(moment)).exists():
        raise QueueError("not_assigned", _(
            "By the Saturday duty roster you are not on duty at this counter at this time."))


# --- the manager's changes -------------------------------------------------------------------------


def _audit(manager, action: str, duty: SaturdayDuty) -> None:
    """Who may call on a Saturday is access: recorded in the access audit log like a counter
    assignment."""
    audit.record(
        AccessAuditEntry.Kind.COUNTER_ASSIGNMENT, action, subject=duty.officer, actor=manager,
        object_label=f"{duty.counter} - {duty.agency.name}",
        after={"saturday_duty": duty.date.isoformat(), "shift": duty.shift, "counter": duty.counter_id,
               "agency": duty.agency_id} if action == AccessAuditEntry.Action.CREATED else None,
        before={"saturday_duty": duty.date.isoformat(), "shift": duty.shift, "counter": duty.counter_id,
                "agency": duty.agency_id} if action == AccessAuditEntry.Action.DELETED else None,
    )


@transaction.atomic
def set_duty(manager, day: date, counter, officer, agency, shift: str) -> SaturdayDuty:
    """Put `officer` on duty at `counter` for `agency` on the Saturday `day`, in `shift`. Refused:
    not a Saturday, a counter that does not serve the agency, an officer without a role in that
    agency, a counter already staffed in an overlapping shift."""
    if day.weekday() != SATURDAY:
        raise QueueError("invalid", _("The duty roster is for Saturdays."))
    if shift not in Shift.values:
        raise QueueError("invalid", _("Choose the morning, the afternoon or the whole day."))
    if not counter.agencies.filter(pk=agency.pk).exists():
        raise QueueError("invalid", _("This counter does not serve the chosen agency."))
    if not officer.role_assignments.valid_on(day).filter(agency=agency).exists():
        raise QueueError("invalid", _("This officer holds no role in the chosen agency on that day."))
    # Lock the counter's duties of that day: two managers editing at once cannot both staff it.
    list(SaturdayDuty.objects.select_for_update().filter(date=day, counter=counter))
    overlapping = list(Shift.values) if shift == Shift.ALL_DAY else [shift, Shift.ALL_DAY]
    if SaturdayDuty.objects.filter(date=day, counter=counter, shift__in=overlapping).exists():
        raise QueueError("busy", _("Someone is already on duty at this counter in this shift."))
    if SaturdayDuty.objects.filter(date=day, officer=officer, shift__in=overlapping).exists():
        raise QueueError("busy", _("This officer is already on duty at another counter in this shift."))
    duty = SaturdayDuty.objects.create(date=day, counter=counter, officer=officer, agency=agency, shift=shift)
    _audit(manager, AccessAuditEntry.Action.CREATED, duty)
    return duty


@transaction.atomic
def remove_duty(manager, duty: SaturdayDuty) -> None:
    duty = SaturdayDuty.objects.select_for_update().select_related("counter", "agency", "officer").get(pk=duty.pk)
    _audit(manager, AccessAuditEntry.Action.DELETED, duty)
    duty.delete()


# --- reads -----------------------------------------------------------------------------------------


def saturdays(count: int, today: date) -> list[date]:
    """The next `count` Saturdays from today (today included when it is one)."""
    first = today + timedelta(days=(SATURDAY - today.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(count)]
