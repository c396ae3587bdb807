"""The dashboard's figures in as few scans of the dossiers as possible (docs/reports.md).

    data = dashboard_data(date(2024, 1, 1), date(2024, 12, 31), "field", agency_ids=None)

- one grouped query over the 06a base set (`figures.dossier_pass`) by (competent agency,
  procedure, the table's grouping) counts the table's columns and the other dossier figures
  (received, finished in the period); the table, the agencies' rows (ranking, 766 inputs), the
  total, the period figures and the 766 procedure sets are sums of its rows;
- one small query for the dossiers returned in the period, and the events (apologies, transfers);
- the monthly trend: the same pass, also grouped by (month received, month finished), counts the
  months not stored yet; months already over are kept as snapshots, so an open period's page
  counts only the current month.

A closed period's whole result is a snapshot (`snapshots.cached`), computed on its first view.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.dossiers.counting import in_time_q

from . import snapshots
from .dossier_table import GROUPS, _base, period_bounds, table_from_counts
from .figures import (counts_from_pass, dossier_pass, event_counts, period_figures, procedure_sets_from_pass,
                      returned_counts)
from .index766 import service_index


def dashboard_data(date_from: datetime.date, date_to: datetime.date, group_by: str = "field",
                   agency_ids=None) -> dict:
    """{"table", "index", "ranking", "trend", "figures"} for the period and the agencies (None:
    the province), from a snapshot when the period is closed."""
    scope = {"agency_ids": None if agency_ids is None else sorted(agency_ids), "group_by": group_by}
    return snapshots.cached("dashboard", date_from, date_to, scope,
                            lambda: compute_dashboard(date_from, date_to, group_by, agency_ids))


def compute_dashboard(date_from, date_to, group_by="field", agency_ids=None) -> dict:
    group_column = GROUPS[group_by][0]
    spans = _months(date_to, TREND_MONTHS)
    missing = _missing_months(spans, agency_ids)
    # The trend's months not stored yet are counted by the same scan (over the longer of the two
    # ranges' base sets): one scan of the dossiers for the whole page.
    trend_from = missing[0][0] if missing else None
    rows = dossier_pass(date_from, date_to, agency_ids, group_column, trend_from=trend_from)
    table = table_from_counts(rows, date_from, date_to, group_by)
    by_agency = table_from_counts(rows, date_from, date_to, "agency")["rows"]
    counts_by_agency = counts_from_pass(rows, returned_counts(date_from, date_to, agency_ids),
                                        event_counts(date_from, date_to, agency_ids))
    index = service_index(date_from, date_to, agency_ids,
                          single_pass=(by_agency, counts_by_agency, procedure_sets_from_pass(rows)))
    figures = period_figures(date_from, date_to, agency_ids=agency_ids, single_pass=(rows, counts_by_agency))
    scores = {a["key"]: a["score"] for a in index["agencies"]}
    ranking = sorted(
        ({"name": r["name"], "resolved": r["resolved"],
          "on_time_rate": round(r["early_rate"] + r["on_time_rate"], 3) if r["resolved"] else 0.0,
          "score": scores.get(r["key"])} for r in by_agency),
        key=lambda r: (-r["on_time_rate"], r["name"]))
    trend_counts = _month_counts_from_pass(rows) if trend_from is not None else None
    return {"table": table, "index": index, "ranking": ranking, "figures": figures,
            "trend": monthly_trend(date_to, agency_ids, counted=trend_counts)}


TREND_MONTHS = 12


def _month_counts_from_pass(rows) -> dict:
    out: dict = {}
    for r in rows:
        if r["trend_received"]:
            out.setdefault(_month_key(r["rm"]), dict.fromkeys(("received", "resolved", "in_time"), 0))[
                "received"] += r["trend_received"]
        if r["trend_resolved"]:
            f = out.setdefault(_month_key(r["fm"]), dict.fromkeys(("received", "resolved", "in_time"), 0))
            f["resolved"] += r["trend_resolved"]
            f["in_time"] += r["trend_in_time"]
    return out


def _month_key(value):
    return value.date().replace(day=1) if isinstance(value, datetime.datetime) else value


def _months(date_to: datetime.date, months: int) -> list[tuple[datetime.date, datetime.date]]:
    """The (first day, last day counted) of each month ending with date_to's (cut at date_to)."""
    first = datetime.date(date_to.year, date_to.month, 1)
    for _i in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    out, month = [], first
    while month <= date_to:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        out.append((month, min(following - datetime.timedelta(days=1), date_to)))
        month = following
    return out


def _month_counts(date_from, date_to, agency_ids) -> dict:
    """{first day of month: {"received", "resolved", "in_time"}} for [date_from, date_to], one
    query grouped by (month received, month finished)."""
    start, end = period_bounds(date_from, date_to)
    tz = timezone.get_default_timezone()
    received_in = Q(received_at__gte=start, received_at__lt=end)
    finished_in = Q(finished_at__gte=start, finished_at__lt=end)
    # The 06a base set of the range holds every dossier received in it and every received one
    # finished in it: an index-only scan on PostgreSQL. Resolved and in time as in the 06a table
    # (finished in the month; early or on time by `counting.outcome_conditions`).
    qs = _base(start, end, agency_ids=agency_ids)
    rows = (qs.order_by().annotate(rm=TruncMonth("received_at", tzinfo=tz), fm=TruncMonth("finished_at", tzinfo=tz))
            .values("rm", "fm")
            .annotate(received=Count("pk", filter=received_in),
                      resolved=Count("pk", filter=finished_in),
                      in_time=Count("pk", filter=finished_in & in_time_q())))

    def month_key(value):
        return value.date().replace(day=1) if isinstance(value, datetime.datetime) else value

    out: dict = {}
    for r in rows:
        if r["received"]:
            out.setdefault(month_key(r["rm"]), dict.fromkeys(("received", "resolved", "in_time"), 0))["received"] += r["received"]
        if r["resolved"]:
            f = out.setdefault(month_key(r["fm"]), dict.fromkeys(("received", "resolved", "in_time"), 0))
            f["resolved"] += r["resolved"]
            f["in_time"] += r["in_time"]
    return out


def _trend_scope(agency_ids) -> dict:
    return {"agency_ids": None if agency_ids is None else sorted(agency_ids)}


def _stored_months(spans, agency_ids) -> dict:
    """{first day: counts} of the months stored as snapshots."""
    found = {}
    if snapshots.is_closed(spans[0][1]):
        from .models import ReportSnapshot

        key = snapshots.scope_key(_trend_scope(agency_ids))
        for first, last, payload in ReportSnapshot.objects.filter(
                kind="trend-month", scope=key, date_from__in=[s[0] for s in spans]).values_list(
                "date_from", "date_to", "payload"):
            if (first, last) in spans:
                found[first] = snapshots.loads(payload)
    return found


def _missing_months(spans, agency_ids) -> list:
    found = _stored_months(spans, agency_ids)
    return [s for s in spans if s[0] not in found]


def monthly_trend(date_to: datetime.date, agency_ids=None, months: int = TREND_MONTHS,
                  counted: dict | None = None) -> list[dict]:
    """Dossiers received and resolved (as in the 06a table) per month, for the months ending with
    date_to's month. Months over before today come from snapshots; the others from one query
    (or `counted`, the dashboard's pass having counted every month not stored)."""
    scope = _trend_scope(agency_ids)
    spans = _months(date_to, months)
    found = _stored_months(spans, agency_ids)
    missing = [s for s in spans if s[0] not in found]
    if missing:
        counts = counted if counted is not None else _month_counts(missing[0][0], missing[-1][1], agency_ids)
        for first, last in missing:
            value = counts.get(first, {"received": 0, "resolved": 0, "in_time": 0})
            found[first] = value
            if snapshots.is_closed(last):
                snapshots.cached("trend-month", first, last, scope, lambda value=value: value)
    rows = []
    for first, _last in spans:
        f = found[first]
        rate = round(100.0 * f["in_time"] / f["resolved"], 2) if f["resolved"] else 0.0
        rows.append({"month": first, "label": f"{first:%m/%Y}", "received": f["received"],
                     "resolved": f["resolved"], "on_time_rate": rate})
    return rows
