"""The demo's past year: finished dossiers of the twelve months before the demo's own weeks of
counter work, brought in the way a province brings its old system's dossiers (the legacy import,
docs/import.md), so the dashboard's trend and the public statistics (/thong-ke/) show figures for
past months. No person: an imported dossier carries the import's placeholder for the applicant.

Loaded once: nothing is imported when history dossiers (codes "LS-...") already exist.
"""
from __future__ import annotations

import datetime
import random

from django.utils import timezone

from motcua.calendar.services import legal_calendar
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.organization.models import ServicePoint
from motcua.reports.legacy_import import import_rows

PREFIX = "LS-"
MONTHS = 12


def _pairs():
    """(procedure code, agency code, service point code) of each published procedure and agency."""
    centre = ServicePoint.objects.filter(kind=ServicePoint.Kind.PROVINCIAL_CENTRE).order_by("pk").first()
    hosted = {p.host_agency_id: p.code for p in ServicePoint.objects.filter(host_agency__isnull=False).order_by("-pk")}
    out = []
    for version in (ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
                    .select_related("procedure").prefetch_related("competent_agencies__level")
                    .order_by("procedure__code")):
        for agency in version.competent_agencies.all():
            # Province-level agencies receive at the centre, the others at their own one-stop unit.
            point = centre.code if centre and agency.level.rank == 1 else hosted.get(agency.pk, "")
            out.append((version.procedure.code, agency.code, point or (centre.code if centre else "")))
    return out


def history_rows(now: datetime.datetime, seed: int = 766) -> list[dict]:
    """Rows of the legacy file for the twelve months ending 29 days before `now` (the demo's
    counter work fills the last four weeks): received at working moments, finished before the
    first of `now`'s month, most early or on time, a few late; returned at the counter or online."""
    rng = random.Random(seed)
    cal = legal_calendar()
    pairs = _pairs()
    if not pairs:
        return []
    tz = timezone.get_default_timezone()
    local_now = timezone.localtime(now)
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    until = min(month_start, local_now - datetime.timedelta(days=29))
    since = (month_start - datetime.timedelta(days=MONTHS * 31)).replace(day=1)
    rows = []
    day = since.date()
    while day < until.date():
        if cal.is_working_day(day):
            for _i in range(rng.randint(3, 9)):
                procedure, agency, point = rng.choice(pairs)
                received = datetime.datetime.combine(day, datetime.time(rng.randint(7, 15), rng.randint(0, 59)),
                                                     tzinfo=tz)
                limit = rng.choice((1, 3, 5, 10, 15))
                due = cal.add(received, limit, "working_days")
                # Mostly early or on time, about one in twenty late.
                late = rng.random() < 0.05
                finished = due + datetime.timedelta(days=rng.randint(1, 4)) if late else \
                    received + (due - received) * rng.uniform(0.3, 1.0)
                finished = min(finished, until - datetime.timedelta(hours=1))
                if finished < received:
                    continue
                online = rng.random() < 0.4
                returned = finished + datetime.timedelta(hours=rng.randint(1, 30))
                rows.append({
                    "code": f"{PREFIX}{received:%Y%m%d}-{len(rows) + 1:05d}",
                    "procedure_code": procedure, "agency_code": agency, "service_point_code": point,
                    "channel": "2" if online else "1", "received_at": received, "due_at": due,
                    "finished_at": finished, "returned_at": returned, "status": "10",
                    "return_channel": "online" if online else "counter",
                    "digitized": "1" if rng.random() < 0.7 else "0", "paid_online": "0", "fee_amount": "0",
                })
        day += datetime.timedelta(days=1)
    return rows


def load_demo_history(now: datetime.datetime | None = None) -> dict:
    """Import the past year once; {"history dossiers": n} (empty when already there)."""
    if Dossier.objects.filter(code__startswith=PREFIX).exists():
        return {}
    rows = history_rows(now or timezone.now())
    if not rows:
        return {}
    result = import_rows(rows)
    if not result.ok:
        raise RuntimeError("; ".join(str(e) for e in result.errors[:5]))
    return {"history dossiers": len(rows)}
