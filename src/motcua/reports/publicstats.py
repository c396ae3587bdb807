"""Public statistics (`/thong-ke/`, no sign-in): per agency and administrative level, for a closed
month, quarter or year, the dossiers received, resolved, the on-time rate, the online share and
the service index of Decision 766/QĐ-TTg, as on the national portal's public statistics pages.

    period = Period.month(2026, 11)
    figures = public_figures(period)        # from its snapshot; computed and stored the first time

Only counts and rates of agencies: no person, no dossier code. The figures are the dashboard's
(the same one pass over the dossiers, `figures.dossier_pass`, the same 06a columns and the same
766 index), read for the whole province and kept as a small snapshot of kind "public-stats" per
period and language, so the page reads one short row. Only closed periods (ended before today)
are published: an open period's figures still change every day.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.organization.models import Agency

from . import snapshots
from .dossier_table import _percent, check_period_covered, table_from_counts
from .figures import counts_from_pass, dossier_pass, event_counts, procedure_sets_from_pass, returned_counts
from .index766 import service_index

KIND = "public-stats"
KINDS = ("month", "quarter", "year")
# The figures of a row, in the order of the tables and the downloads.
FIGURES = ("received", "received_online", "resolved", "resolved_in_time", "on_time_rate", "online_share",
           "pending", "pending_overdue", "score")


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    number: int = 1  # the month (1-12) or the quarter (1-4); 1 for a year

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", year, month)

    @property
    def first_day(self) -> datetime.date:
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return datetime.date(self.year, month, 1)

    @property
    def last_day(self) -> datetime.date:
        month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def closed(self) -> bool:
        return snapshots.is_closed(self.last_day)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("month %(month)02d/%(year)d") % {"month": self.number, "year": self.year}
        if self.kind == "quarter":
            return _("quarter %(quarter)d/%(year)d") % {"quarter": self.number, "year": self.year}
        return _("year %(year)d") % {"year": self.year}

    @property
    def slug(self) -> str:
        """For file names: 2026-11, 2026-q4, 2026."""
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-q{self.number}",
                "year": f"{self.year}"}[self.kind]


def last_closed_month(today: datetime.date | None = None) -> Period:
    """The month before today's month (local time): the latest month whose figures are final."""
    today = today or timezone.localdate()
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return Period.month(previous.year, previous.month)


def _row(counts: dict, score) -> dict:
    """The public figures of one agency, level or the province, from its 06a row."""
    in_time = counts["early"] + counts["on_time"]
    return {
        "received": counts["new_total"],
        "received_online": counts["new_online"],
        "resolved": counts["resolved"],
        "resolved_in_time": in_time,
        # None (shown "—") rather than 0% when nothing was resolved or received.
        "on_time_rate": _percent(in_time, counts["resolved"]) if counts["resolved"] else None,
        "online_share": _percent(counts["new_online"], counts["new_total"]) if counts["new_total"] else None,
        "pending": counts["pending"],
        "pending_overdue": counts["pending_overdue"],
        "score": score,
    }


def compute_public_figures(period: Period) -> dict:
    """The figures of the period for the whole province, computed from the dossiers (the
    dashboard's pass, grouped by agency)."""
    date_from, date_to = period.first_day, period.last_day
    rows = dossier_pass(date_from, date_to, None, "competent_agency_id")
    by_agency = table_from_counts(rows, date_from, date_to, "agency")
    counts_by_agency = counts_from_pass(rows, returned_counts(date_from, date_to), event_counts(date_from, date_to))
    index = service_index(date_from, date_to, None,
                          single_pass=(by_agency["rows"], counts_by_agency, procedure_sets_from_pass(rows)))
    scores = {a["key"]: a["score"] for a in index["agencies"]}
    level_scores = {lv["key"]: lv["score"] for lv in index["levels"]}
    agencies = {a.pk: a for a in Agency.objects.filter(
        pk__in=[r["key"] for r in by_agency["rows"] if r["key"]]).select_related("level")}

    agency_rows, level_counts = [], {}
    for r in by_agency["rows"]:
        agency = agencies.get(r["key"])
        if agency is None:  # dossiers without a competent agency count in the province only
            continue
        level = agency.level
        agency_rows.append({"code": agency.code, "name": r["name"], "level": level.display_name(),
                            "level_rank": level.rank, **_row(r, scores.get(agency.pk))})
        totals = level_counts.setdefault(level.pk, {"level": level, "counts": {}})["counts"]
        for name in ("new_total", "new_online", "resolved", "early", "on_time", "pending", "pending_overdue"):
            totals[name] = totals.get(name, 0) + r[name]
    agency_rows.sort(key=lambda a: (a["level_rank"], a["name"]))
    levels = [{"code": v["level"].code, "name": v["level"].display_name(), "level_rank": v["level"].rank,
               "agencies": sum(1 for a in agency_rows if a["level_rank"] == v["level"].rank),
               **_row(v["counts"], level_scores.get(key))}
              for key, v in sorted(level_counts.items(), key=lambda kv: kv[1]["level"].rank)]
    return {
        "period": {"kind": period.kind, "year": period.year, "number": period.number,
                   "from": date_from, "to": date_to},
        "province": _row(by_agency["total"], index["province"]["score"] if agency_rows else None),
        "levels": levels,
        "agencies": agency_rows,
        "weights": index["weights"]["name"],
    }


def public_figures(period: Period) -> dict | None:
    """The published figures of a closed period (its snapshot, computed and stored on first use);
    None for a period not closed yet. A ReportError when the working calendar does not cover it."""
    if not period.closed:
        return None
    check_period_covered(period.first_day, period.last_day)
    return snapshots.cached(KIND, period.first_day, period.last_day, {"public": 1},
                            lambda: compute_public_figures(period))


def plain(value):
    """A figure as JSON/CSV writes it: scores as numbers with 2 decimals."""
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal("0.01")))
    return value


def store_public_figures(year: int) -> int:
    """The public statistics (`publicstats`) of the year's closed months, quarters and the year,
    in both languages (their names are stored translated). Returns the periods stored or kept."""
    periods = [Period("month", year, m) for m in range(1, 13)] + [Period("quarter", year, q) for q in range(1, 5)]
    periods.append(Period("year", year))
    stored = 0
    for language in ("vi", "en"):
        with translation.override(language):
            for period in periods:
                if public_figures(period) is not None:
                    stored += 1
    return stored
