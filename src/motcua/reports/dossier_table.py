"""The dossier table (Biểu II.06a/VPCP/KSTT): one grouped query with conditional counts.

    dossier_table(date(2021, 11, 1), date(2022, 4, 15), group_by="field", service_point=centre)
    dossier_table_cell(date(2021, 11, 1), date(2022, 4, 15), "late", group_by="field", group_key=3)

The figures are derived from the dossier's time columns only (received_at, finished_at, due_at,
paused_at) plus the stored outcome, never from its current status, so a past period gives the
same figures today as on the day it ended. Definitions (docs/reports.md explains them at length):

- received: `dossiers.counting.received_q()`: `received_at` is set (status 1, not yet received,
  has none) and the dossier was not refused at intake (status 3, counted nowhere). A refusal
  after the dossier was received and examined is a result (resolved, 9), counted as resolved.
- finished: `finished_at` is set (resolved, returned, withdrawn, stopped).
- The period is [start, end): start is 00:00 of `date_from` and end is 00:00 of the day after
  `date_to`, in Asia/Ho_Chi_Minh local time, so both dates are included to their last minute.
- carried_over: received before start and not finished before start.
- new_*: received in the period, by channel in (1 counter, 2 online, 3 post).
- resolved: received, finished in the period; early / on_time / late by the stored outcome (the
  engine and the import classify by date when they finish a dossier); a finished dossier without
  a stored outcome is classified here the same way: finish date vs due date in local time, late
  when asked to supplement more than once, on time when it has no due moment (no legal limit):
  `dossiers.counting.outcome_conditions`, the query form of `deadlines.classify`.
- pending: received before end and not finished before end; pending_overdue when its due moment is
  before end, unless its clock was stopped before end with time left (paused, waiting for a
  supplement or the applicant's financial obligation, before its due moment: within limit). A
  clock stopped after the due moment had passed gives back no time: overdue.

Every figure is reproducible as a list: `dossier_table_cell()` returns the queryset behind it.
"""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DateTimeField, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext_lazy as _

from motcua.calendar.services import OutOfCalendarRange, not_covered_message, opening_calendar, working_days_between
from motcua.catalog.models import Field, Procedure
from motcua.core.periods import local_day_bounds
from motcua.dossiers.counting import outcome_conditions, received_q
from motcua.dossiers.models import Channel, Dossier
from motcua.organization.models import AdministrativeLevel, Agency, ServicePoint

# The columns of the table, by their stable English names (JSON keys, CSV headers).
COLUMNS = (
    "carried_over", "new_online", "new_counter", "new_postal", "new_total", "to_resolve",
    "resolved", "early", "on_time", "late", "pending", "pending_within", "pending_overdue",
)
# Counted in SQL; the others are sums of these, computed in Python.
COUNTED = ("carried_over", "new_online", "new_counter", "new_postal", "early", "on_time", "late",
           "pending_within", "pending_overdue")
RATES = ("early_rate", "on_time_rate", "late_rate", "online_share", "postal_share")

# group_by name -> (dossier column, model of the key, how to label one key)
GROUPS = {
    "field": ("field_id", Field),
    "agency": ("competent_agency_id", Agency),
    "level": ("level_id", AdministrativeLevel),
    "procedure": ("procedure_id", Procedure),
    "service_point": ("service_point_id", ServicePoint),
}

NO_GROUP_LABEL = _("(not set)")
# Stands for "not finished" in the base condition (and in the covering index's expression).
FAR_FUTURE = datetime.datetime(9999, 12, 31, tzinfo=datetime.timezone.utc)


class ReportError(ValueError):
    """A report asked for with bad parameters; the message is for the user."""


def period_bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) in local time (`core.periods`); a ReportError when the dates are reversed."""
    if date_to < date_from:
        raise ReportError(_("The end date must not be before the start date."))
    return local_day_bounds(date_from, date_to)


def column_conditions(start: datetime.datetime, end: datetime.datetime, finished_in: Q | None = None) -> dict[str, Q]:
    """The condition on a dossier for each column, within the base set (`_base`). `finished_in`
    replaces "finished in the period" where the rows read are known to be (Q(): always true)."""
    received_before = Q(received_at__lt=start)
    received_in = Q(received_at__gte=start, received_at__lt=end)
    if finished_in is None:
        finished_in = Q(finished_at__gte=start, finished_at__lt=end)
    pending = Q(finished_at__isnull=True) | Q(finished_at__gte=end)
    # Paused before end with time left: its stale due moment moves when the clock restarts. A
    # pause that began after the due moment gives back nothing (dossiers.deadlines.due_after_pause).
    stopped_in_time = Q(paused_at__isnull=False, paused_at__lt=end, due_at__gt=F("paused_at"))
    overdue = pending & Q(due_at__lt=end) & ~stopped_in_time
    outcome = outcome_conditions()
    conditions = {
        "carried_over": received_before,
        "new_online": received_in & Q(channel_in=Channel.ONLINE),
        "new_counter": received_in & Q(channel_in=Channel.COUNTER),
        "new_postal": received_in & Q(channel_in=Channel.POST),
        "new_total": received_in,
        "to_resolve": received_before | received_in,
        "resolved": finished_in,
        "early": finished_in & outcome["early"],
        "on_time": finished_in & outcome["on_time"],
        "late": finished_in & outcome["late"],
        "pending": pending,
        "pending_within": pending & ~overdue,
        "pending_overdue": overdue,
    }
    return conditions


def _base(start, end, service_point=None, agency_ids=None) -> QuerySet:
    """Dossiers received before the period's end and not finished before its start: every
    figure of the table is a subset of these (the WHERE clause of the one query). Received is
    `dossiers.counting.received_q()`: a dossier refused at intake (status 3) is never here."""
    # "not finished before start" written as COALESCE(finished_at, FAR_FUTURE) >= start, the
    # expression of the covering index of migration 0001 (PostgreSQL).
    qs = Dossier.objects.filter(
        received_q(), Q(received_at__lt=end),
        GreaterThanOrEqual(Coalesce("finished_at", Value(FAR_FUTURE, output_field=DateTimeField())), start),
    )
    if service_point is not None:
        qs = qs.filter(service_point_id=getattr(service_point, "pk", service_point))
    if agency_ids is not None:
        qs = qs.filter(competent_agency_id__in=list(agency_ids))
    return qs.order_by()


# Few dossiers take longer than this from receipt to finish; the partial index of migration
# 0006 holds them, so that `base_parts` finds the dossiers pending at a past period's end
# without reading every dossier finished since.
LONG_LIVED = datetime.timedelta(days=60)
# The counted columns that are zero in each kind of part (not counted there).
ZERO_WHEN_FINISHED = ("pending_within", "pending_overdue")
ZERO_WHEN_PENDING = ("early", "on_time", "late")


def _finish_key():
    return Coalesce("finished_at", Value(FAR_FUTURE, output_field=DateTimeField()))


def lifespan():
    """finished_at - received_at, written as in the partial index of migration 0006."""
    return ExpressionWrapper(F("finished_at") - F("received_at"), output_field=DurationField())


def base_parts(start, end, service_point=None, agency_ids=None) -> list[tuple[str, QuerySet]]:
    """The base set (`_base`) as disjoint parts, each one index range on PostgreSQL, as
    ("finished" | "pending", queryset) (another kind, in tests: nothing known of it):

    - finished in [start, end): the covering index's key range, exactly;
    - not finished at all: the key's far-future end;
    - finished in [end, end + LONG_LIVED), received before end;
    - finished later, received before end: these lived longer than LONG_LIVED (partial index).

    The last three hold the dossiers pending at the period's end. Read whole, the base set of a
    past period is every dossier finished since its start, most of them received after its end."""
    base = _base(start, end, service_point, agency_ids)
    key, horizon = _finish_key(), end + LONG_LIVED
    return [
        ("finished", base.filter(LessThan(key, end))),
        ("pending", base.filter(GreaterThanOrEqual(key, FAR_FUTURE))),
        ("pending", base.filter(GreaterThanOrEqual(key, end), LessThan(key, horizon))),
        ("pending", base.alias(lifespan=lifespan()).filter(lifespan__gt=LONG_LIVED, finished_at__gte=horizon)),
    ]


def count(condition: Q) -> Count:
    """The dossiers meeting `condition` (an empty Q: all of them), counted on received_at: never
    null in the base set, and one of the report's own columns (index-only scans)."""
    return Count("received_at", filter=condition) if condition else Count("received_at")


def grouped_counts(parts, columns, aggregates_for, annotations: dict | None = None) -> list[dict]:
    """Counts over the `base_parts` grouped by `columns` (none: one row): one query per part,
    `aggregates_for(kind)` its counts, the parts' rows summed. A count a kind of part leaves out
    is zero there (e.g. the pending ones' conditions in the finished part). `annotations` are
    added to each part before grouping (grouping expressions such as the trend's months)."""
    merged: dict = {}
    names: dict = {}
    for kind, qs in parts:
        counted = aggregates_for(kind)
        names.update(dict.fromkeys(counted))
        if annotations:
            qs = qs.annotate(**annotations)
        rows = qs.values(*columns).annotate(**counted) if columns else [qs.aggregate(**counted)]
        for row in rows:
            key = tuple(row[c] for c in columns)
            total = merged.get(key)
            if total is None:  # most groups are in one part only (the finished one, read first)
                merged[key] = row
                continue
            for name in counted:
                total[name] = (total.get(name) or 0) + (row[name] or 0)
    out = list(merged.values()) or ([] if columns else [{}])
    for row in out:
        for name in names:
            if row.get(name) is None:
                row[name] = 0
    return sorted(out, key=lambda r: tuple((r[c] is None, r[c]) for c in columns))


def _check_group(group_by):
    if group_by not in (None, *GROUPS):
        raise ReportError(
            _("Unknown grouping “%(value)s”; use one of: %(choices)s.")
            % {"value": group_by, "choices": ", ".join(GROUPS)}
        )


def _percent(part: int, whole: int) -> float:
    """part / whole in percent, 3 decimals, half up (63.826, like the seeds); 0 when whole is 0."""
    if not whole:
        return 0.0
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def complete(counts: dict) -> dict:
    """Add the sums and the rates to the counted columns, in the table's column order."""
    row = {name: int(counts.get(name) or 0) for name in COUNTED}
    row["new_total"] = row["new_online"] + row["new_counter"] + row["new_postal"]
    row["to_resolve"] = row["carried_over"] + row["new_total"]
    row["resolved"] = row["early"] + row["on_time"] + row["late"]
    row["pending"] = row["pending_within"] + row["pending_overdue"]
    out = {name: row[name] for name in COLUMNS}
    out["early_rate"] = _percent(row["early"], row["resolved"])
    out["on_time_rate"] = _percent(row["on_time"], row["resolved"])
    out["late_rate"] = _percent(row["late"], row["resolved"])
    out["online_share"] = _percent(row["new_online"], row["new_total"])
    out["postal_share"] = _percent(row["new_postal"], row["new_total"])
    return out


def _labels(group_by: str, keys, day=None) -> dict:
    """key -> (code, name) for the rows' group keys (one small query). Agencies and service points
    bear the name in force on `day`, the period's last day (Decree 118/2025 renamed units)."""
    _column, model = GROUPS[group_by]
    ids = [k for k in keys if k is not None]
    labels = {}
    if group_by == "procedure":
        for pk, code, name in model.objects.filter(pk__in=ids).values_list("pk", "code", "current_version__name"):
            labels[pk] = (code, name or code)
    elif hasattr(model, "name_on"):
        for row in model.objects.filter(pk__in=ids).prefetch_related("names"):
            labels[row.pk] = (row.code, row.name_on(day))
    else:
        for pk, code, name in model.objects.filter(pk__in=ids).values_list("pk", "code", "name"):
            labels[pk] = (code, name)
    return labels


def _service_point_of(service_point):
    if service_point is None or isinstance(service_point, ServicePoint):
        return service_point
    return ServicePoint.objects.get(pk=service_point)


def working_days(date_from, date_to, service_point=None) -> int:
    """The days the figures are averaged over: the service point's opening days (e.g. Monday to
    Saturday, no Sundays or days off), or the legal working days when no service point is chosen.

    A period the working calendar does not cover (a year whose days off were never entered) is a
    ReportError with the calendar's message (`not_covered_message`), never a guessed count."""
    try:
        if service_point is None:
            return working_days_between(date_from, date_to)
        return opening_calendar(service_point).open_days_between(date_from, date_to)
    except OutOfCalendarRange as error:
        raise ReportError(not_covered_message(error)) from error


def check_period_covered(date_from, date_to, service_point=None) -> None:
    """ReportError (with the calendar's message) when the working calendar does not cover every
    day of the period: checked where a report is asked for, before anything is computed or stored."""
    working_days(date_from, date_to, _service_point_of(service_point))


def table_counts(start, end, columns=(), service_point=None, agency_ids=None) -> list[dict]:
    """The counted columns over the base set, grouped by the given dossier columns (none: one
    row): the one query behind the table. The dashboard groups by (agency, the table's grouping)
    once and derives the table, the agencies' rows and the total from it (`table_from_counts`)."""
    def aggregates_for(kind):
        # The finished part: finished in the period, all of them, none pending.
        conditions = column_conditions(start, end, finished_in=Q() if kind == "finished" else None)
        zero = {"finished": ZERO_WHEN_FINISHED, "pending": ZERO_WHEN_PENDING}.get(kind, ())
        return {name: count(conditions[name]) for name in COUNTED if name not in zero}

    return grouped_counts(base_parts(start, end, service_point, agency_ids), list(columns), aggregates_for)


def table_from_counts(counts: list[dict], date_from, date_to, group_by: str | None = None,
                      service_point=None) -> dict:
    """The 06a table from `table_counts` rows, summed over every column but `group_by`'s."""
    service_point = _service_point_of(service_point)
    rows = []
    sums = dict.fromkeys(COUNTED, 0)
    for g in counts:
        for name_ in COUNTED:
            sums[name_] += g[name_] or 0
    if group_by is not None:
        column = GROUPS[group_by][0]
        grouped: dict = {}
        for g in counts:
            row = grouped.setdefault(g[column], dict.fromkeys(COUNTED, 0))
            for name_ in COUNTED:
                row[name_] += g[name_] or 0
        labels = _labels(group_by, list(grouped), date_to)
        for key, counted in grouped.items():
            code, name = labels.get(key, ("", str(NO_GROUP_LABEL)))
            rows.append({"key": key, "code": code, "name": name, **complete(counted)})
        rows.sort(key=lambda r: (r["key"] is None, r["name"]))
    total = complete(sums)

    days = working_days(date_from, date_to, service_point)
    per_day = (Decimal(total["new_total"]) / days).quantize(Decimal("0.1"), ROUND_HALF_UP) if days else Decimal(0)
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "group_by": group_by,
        "service_point": service_point.code if service_point is not None else None,
        "columns": list(COLUMNS),
        "rows": rows,
        "total": total,
        "rates": {name: total[name] for name in RATES},
        "working_days": days,
        "per_working_day": float(per_day),
    }


def dossier_table(date_from: datetime.date, date_to: datetime.date, group_by: str | None = None,
                  service_point=None, agency_ids=None) -> dict:
    """The 06a table for a period (dates inclusive), grouped or not, in one query."""
    _check_group(group_by)
    start, end = period_bounds(date_from, date_to)
    service_point = _service_point_of(service_point)
    columns = (GROUPS[group_by][0],) if group_by else ()
    counts = table_counts(start, end, columns, service_point, agency_ids)
    return table_from_counts(counts, date_from, date_to, group_by, service_point)


def dossier_table_cell(date_from: datetime.date, date_to: datetime.date, column: str, group_key=None,
                       group_by: str | None = None, service_point=None, agency_ids=None) -> QuerySet:
    """The dossiers behind one figure of the table: the total's without `group_by`, else the row
    of `group_key` (None: the row of dossiers without that group, e.g. no service point)."""
    _check_group(group_by)
    if column not in COLUMNS:
        raise ReportError(
            _("Unknown column “%(value)s”; use one of: %(choices)s.") % {"value": column, "choices": ", ".join(COLUMNS)}
        )
    start, end = period_bounds(date_from, date_to)
    qs = _base(start, end, service_point, agency_ids).filter(column_conditions(start, end)[column])
    if group_by is not None and group_key is not None:
        qs = qs.filter(**{GROUPS[group_by][0]: group_key})
    elif group_by is not None:
        qs = qs.filter(**{f"{GROUPS[group_by][0]}__isnull": True})
    return qs.order_by("received_at", "pk")
