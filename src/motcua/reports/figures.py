"""The seeds' other figures for a period: postal uses, on-the-spot resolutions, Saturday work,
digitisation and re-use, notifications, online payments, ratings, feedback, procedures offered
online, apologies and late steps by unit.

    period_figures(date(2024, 1, 1), date(2024, 6, 30))                  # province-wide
    period_figures(..., agency_ids=[3, 4]) / (..., level=2) / (..., service_point=centre)
    figures_by(date(2024, 1, 1), date(2024, 6, 30), "agency")            # one row per agency

Dossier figures are grouped counts on the dossier row (three queries: received, finished and
returned in the period); the other apps' figures come from their own selectors
(`payments`, `feedback`, `notifications`, `documents`). Scope: a dossier belongs to its competent
agency, level and receiving service point; the selectors take agency ids, so a level or a
service point is turned into the agencies at that level / served by its counters. Definitions
are in docs/reports.md ("The other figures").
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.documents.selectors import digitisation_counts
from motcua.dossiers.counting import RESULT_STATUSES, in_time_q, received_between_q, received_q
from motcua.dossiers.models import Channel, Dossier, DossierDocument, DossierEvent, DossierStep, Outcome, ResultKind
from motcua.dossiers.models import ReturnChannel
from motcua.feedback.selectors import feedback_summary, rating_summary
from motcua.notifications.selectors import sent_counts
from motcua.organization.models import Agency, Counter, ServicePoint
from motcua.payments.selectors import online_payment_totals

from .local_time import on_saturday, same_local_day
from .dossier_table import (COUNTED, GROUPS, ZERO_WHEN_FINISHED, ZERO_WHEN_PENDING, _labels, _percent, base_parts,
                           column_conditions, count, grouped_counts, period_bounds)

FIGURE_GROUPS = ("agency", "level", "service_point")
REUSED = (DossierDocument.Digitization.REUSED_DOCUMENT, DossierDocument.Digitization.REUSED_RESULT)


def _scoped(qs, agency_ids=None, service_point=None, level=None, prefix: str = ""):
    """Dossiers (or rows reaching a dossier through `prefix`) of the scope."""
    if agency_ids is not None:
        qs = qs.filter(**{f"{prefix}competent_agency_id__in": list(agency_ids)})
    if service_point is not None:
        qs = qs.filter(**{f"{prefix}service_point_id": getattr(service_point, "pk", service_point)})
    if level is not None:
        qs = qs.filter(**{f"{prefix}level_id": getattr(level, "pk", level)})
    return qs


def _grouped(qs, column: str | None, aggregates: dict) -> dict:
    """{group key: counts} (key None for the whole set when column is None)."""
    if column is None:
        return {None: qs.order_by().aggregate(**aggregates)}
    return {row.pop(column): row for row in qs.order_by().values(column).annotate(**aggregates).order_by(column)}


# The additive dossier figures, by the set each is counted in: dossiers received in the period,
# resolved in it, returned in it, and the period's events (apologies, transfers).
RECEIVED_COUNTS = ("received", "received_online", "postal_intakes", "saturday_receipts", "digitised", "reused",
                   "with_fee", "paid_online")
RESOLVED_COUNTS = ("resolved", "on_the_spot", "electronic_results")
RETURNED_COUNTS = ("returned", "home_deliveries", "saturday_returns")
EVENT_COUNTS = ("apologies", "transfers")
ALL_COUNTS = RECEIVED_COUNTS + RESOLVED_COUNTS + RETURNED_COUNTS + EVENT_COUNTS


def figure_conditions(start, end, finished_in: Q | None = None, scan_start=None) -> dict[str, Q]:
    """The condition on a received dossier (`counting.received_q`) for each dossier figure of the
    period [start, end) (the events' two aside): the one definition `dossier_counts` and the
    dashboard's `dossier_pass` count, as `dossier_table.column_conditions` is the 06a table's.
    `finished_in` replaces "finished in the period" where the rows read are known to be (Q():
    always true); `scan_start` is where the rows read begin when before `start` (the trend's)."""
    received_in = Q(received_at__gte=start, received_at__lt=end)
    if finished_in is None:
        finished_in = Q(finished_at__gte=start, finished_at__lt=end)
    # Resolved: finished with a result (dossiers.counting: 9, or 10 once returned).
    resolved = finished_in & Q(status__in=RESULT_STATUSES)
    # Uncorrelated, so PostgreSQL hashes it once instead of probing the documents per dossier.
    reused = Q(pk__in=DossierDocument.objects.filter(digitization__in=REUSED).values("dossier_id"))
    fee = Q(fee_due__gt=0)
    same_day = same_local_day("finished_at", "received_at", scan_start or start, end)
    # The on-the-spot procedure versions are a few ids: a list, not a join per dossier.
    spot_versions = list(ProcedureVersion.objects.filter(is_on_the_spot=True).values_list("pk", flat=True))
    on_the_spot = Q(procedure_version_id__in=spot_versions) | same_day if spot_versions else same_day
    return {
        "received": received_in,
        "received_online": received_in & Q(channel_in=Channel.ONLINE),
        "postal_intakes": received_in & Q(channel_in=Channel.POST),
        "saturday_receipts": received_in & on_saturday("received_at", start, end),
        "digitised": received_in & Q(is_digitized=True),
        "reused": received_in & reused,
        "with_fee": received_in & fee,
        "paid_online": received_in & Q(paid_online=True),
        # Not an additive figure: the procedures with a fee paid online (`procedure_sets_from_pass`).
        "paid_fee_online": received_in & fee & Q(paid_online=True),
        "resolved": resolved,
        "on_the_spot": resolved & on_the_spot,
        "electronic_results": resolved & Q(result_kind=ResultKind.ELECTRONIC),
        **returned_conditions(start, end),
    }


def returned_conditions(start, end) -> dict[str, Q]:
    """The returned figures of `figure_conditions` (read in a query of their own by the pass)."""
    returned_in = Q(returned_at__gte=start, returned_at__lt=end)
    return {
        "returned": returned_in,
        "home_deliveries": returned_in & Q(return_channel=ReturnChannel.POST),
        "saturday_returns": returned_in & on_saturday("returned_at", start, end),
    }


def _counts(names, conditions: dict, counted: str = "pk") -> dict:
    return {name: Count(counted, filter=conditions[name]) for name in names}


def dossier_counts(date_from: datetime.date, date_to: datetime.date, group_by: str | None = None,
                   agency_ids=None, service_point=None, level=None) -> dict:
    """The additive dossier figures of the period, {group key: {figure: count}} (key None when
    not grouped). Each figure is a count of dossiers (apologies: of apology events), read in
    one scan per set (`figure_conditions`)."""
    start, end = period_bounds(date_from, date_to)
    column = GROUPS[group_by][0] if group_by else None
    scope = {"agency_ids": agency_ids, "service_point": service_point, "level": level}
    received = _scoped(Dossier.objects.filter(received_q()), **scope)
    conditions = figure_conditions(start, end)

    parts = [
        _grouped(received.filter(conditions["received"]), column, _counts(RECEIVED_COUNTS, conditions)),
        _grouped(received.filter(conditions["resolved"]), column, _counts(RESOLVED_COUNTS, conditions)),
        # A dossier is returned after it is finished, so finished_at < end narrows the scan.
        _grouped(received.filter(conditions["returned"], finished_at__lt=end), column,
                 _counts(RETURNED_COUNTS, conditions)),
    ]
    prefix = "dossier__" + column if column else None
    events = _scoped(DossierEvent.objects.filter(at__gte=start, at__lt=end), prefix="dossier__", **scope)
    parts.append(_grouped(events.filter(kind="apologise"), prefix, {"apologies": Count("pk")}))
    parts.append(_grouped(transfer_events(events), prefix, {"transfers": Count("dossier", distinct=True)}))

    keys = {key for part in parts for key in part} or {None}
    result = {}
    for key in keys:
        row = dict.fromkeys(ALL_COUNTS, 0)
        for part in parts:
            row.update({k: v or 0 for k, v in part.get(key, {}).items()})
        result[key] = _derive(row)
    return result


PASS_COLUMNS = ("competent_agency_id", "procedure_id")
# The pass's counts of dossiers finished in the period (or the trend's range): zero for those
# still pending at its end.
FINISHED_ONLY = RESOLVED_COUNTS + ("trend_resolved", "trend_in_time")


def dossier_pass(date_from: datetime.date, date_to: datetime.date, agency_ids=None, group_column=None,
                 trend_from: datetime.date | None = None) -> list[dict]:
    """The dashboard's one scan of the dossiers: the 06a table's counted columns and every other
    dossier figure of the period, by (competent agency, procedure[, group_column]).

    It reads the 06a base set (received before the end, not finished before the start; on
    PostgreSQL an index-only scan of the covering index of migration 0005), which holds every
    dossier received in the period and every dossier finished in it that had been received (a
    resolved dossier always was). `dossier_counts` reads the same figures in three scans of the
    table. The dossiers returned in the period are one more small query (`returned_counts`):
    some were finished before the period.

    With `trend_from` the same scan also counts the monthly trend from that day to date_to: when
    it is before date_from the scan reads the base set of that longer range (the period's own
    figures keep to the period's base set), and the rows are also grouped by the month received
    (`rm`) and the month finished (`fm`) within the trend's range (`trend_received`,
    `trend_resolved`, `trend_in_time`; see `dashboard.monthly_trend`)."""
    start, end = period_bounds(date_from, date_to)
    scan_start = start
    with_trend = trend_from is not None
    if with_trend:
        trend_start = period_bounds(trend_from, date_to)[0]
        scan_start = min(start, trend_start)
    # Each FILTER is evaluated on its own for every row: a figure with the same condition as
    # another is copied from it after the query instead (`_same_counts`).
    same_as = _same_counts(scan_start == start, with_trend and trend_start == start)
    finished_in_part = Q() if scan_start == start else Q(finished_at__gte=start)
    in_time = in_time_q()
    figures_of = {finished: figure_conditions(start, end, finished_in_part if finished else None, scan_start)
                  for finished in (True, False)}

    def aggregates_for(kind: str) -> dict:
        """The counts of one kind of part of the base set: in the "finished" part every dossier
        was finished before the end and since scan_start, so "finished in the period" needs no
        test when the scan starts with the period; in the "pending" parts nothing was finished
        before the end: their finished counts are zero and left out."""
        finished_part = kind == "finished"
        finished_in = finished_in_part if finished_part else None
        conditions = column_conditions(start, end, finished_in=finished_in)
        if scan_start != start:  # the trend's longer scan: the period's figures keep to its base set
            in_period = Q(finished_at__isnull=True) | Q(finished_at__gte=start)
            conditions = {name: condition & in_period for name, condition in conditions.items()}
        zero = {"finished": ZERO_WHEN_FINISHED, "pending": ZERO_WHEN_PENDING + FINISHED_ONLY}.get(kind, ())
        aggregates = {name: count(conditions[name]) for name in COUNTED}
        figures = figures_of[finished_part]
        # "paid_fee_online" before "paid_online": once that alias exists, Q(paid_online=...)
        # would mean the count.
        for name in ("paid_fee_online", *RECEIVED_COUNTS, *RESOLVED_COUNTS):
            aggregates[name] = count(figures[name])
        if with_trend:
            trend_received = Q(received_at__gte=trend_start, received_at__lt=end)
            trend_finished = Q() if finished_part and trend_start == scan_start else \
                Q(finished_at__gte=trend_start, finished_at__lt=end)
            aggregates.update({
                "trend_received": count(trend_received),
                "trend_resolved": count(trend_finished),
                "trend_in_time": count(trend_finished & in_time),
            })
        return {name: a for name, a in aggregates.items() if name not in zero and name not in same_as}

    columns = list(PASS_COLUMNS) + ([group_column] if group_column and group_column not in PASS_COLUMNS else [])
    annotations = None
    if with_trend:
        tz = timezone.get_default_timezone()
        # The plain month expressions: the extended statistics of migration 0005 know how many
        # (month received, month finished) pairs there are, so the planner hashes the groups.
        annotations = {"rm": TruncMonth("received_at", tzinfo=tz), "fm": TruncMonth("finished_at", tzinfo=tz)}
        columns += ["rm", "fm"]
    rows = grouped_counts(base_parts(scan_start, end, agency_ids=agency_ids), columns, aggregates_for, annotations)
    for r in rows:
        for name, source in same_as.items():
            r[name] = r[source]
    return rows


def _same_counts(period_scan: bool, trend_from_start: bool) -> dict:
    """{figure: the figure counted under the same condition} for the pass's duplicates: when the
    scan reads the period's own base set, the received online / by post are the new online /
    postal dossiers of the table; when the trend starts with the period, its received are the
    period's."""
    same = {"received_online": "new_online", "postal_intakes": "new_postal"} if period_scan else {}
    if trend_from_start:
        same["trend_received"] = "received"
    return same


def returned_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """{competent agency id: {"returned", "home_deliveries", "saturday_returns"}}."""
    start, end = period_bounds(date_from, date_to)
    conditions = returned_conditions(start, end)
    # A dossier is returned after it is finished, so finished_at < end narrows the scan.
    returned = _scoped(Dossier.objects.filter(conditions["returned"], finished_at__lt=end), agency_ids)
    # Counting returned_at, not the id: every column read is in the partial index of migration 0005.
    return _grouped(returned, "competent_agency_id", _counts(RETURNED_COUNTS, conditions, "returned_at"))


def event_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """{competent agency id: {"apologies", "transfers"}} from the period's events."""
    start, end = period_bounds(date_from, date_to)
    events = _scoped(DossierEvent.objects.filter(at__gte=start, at__lt=end), agency_ids, prefix="dossier__")
    column = "dossier__competent_agency_id"
    out: dict = {}
    for key, row in _grouped(events.filter(kind="apologise"), column, {"apologies": Count("pk")}).items():
        out.setdefault(key, {}).update(row)
    for key, row in _grouped(transfer_events(events), column, {"transfers": Count("dossier", distinct=True)}).items():
        out.setdefault(key, {}).update(row)
    return out


def counts_from_pass(rows: list[dict], returned: dict, events: dict) -> dict:
    """`dossier_counts(..., "agency")` from the single pass: {agency id: figures}."""
    parts: dict = {}
    summed = tuple(n for n in ALL_COUNTS if n not in RETURNED_COUNTS and n not in ("apologies", "transfers"))
    # Agencies with a figure (dossier_counts also has zero rows, e.g. for an agency whose only
    # dossier of the period was withdrawn: they weigh nothing in any sum or score).
    for r in rows:
        if not any(r[name] for name in summed):
            continue
        part = parts.setdefault(r["competent_agency_id"], dict.fromkeys(ALL_COUNTS, 0))
        for name in summed:
            part[name] += r[name]
    for extra in (returned, events):
        for key, row in extra.items():
            part = parts.setdefault(key, dict.fromkeys(ALL_COUNTS, 0))
            for name, value in row.items():
                part[name] += value or 0
    # Like the grouped queries: a zero row under None when there is no row at all.
    return {key: _derive(row) for key, row in parts.items()} or {None: _derive(dict.fromkeys(ALL_COUNTS, 0))}


def _derive(row: dict) -> dict:
    row["postal_uses"] = row["transfers"] + row["postal_intakes"] + row["home_deliveries"]
    row["digitisation_rate"] = _percent(row["digitised"], row["received"])
    row["reuse_rate"] = _percent(row["reused"], row["received"])
    row["online_share"] = _percent(row["received_online"], row["received"])
    return row


def total_of(by_key: dict) -> dict:
    """The whole scope's figures: the sum of its agencies' (every count is additive)."""
    total = dict.fromkeys(ALL_COUNTS, 0)
    for row in by_key.values():
        for name in ALL_COUNTS:
            total[name] += row[name]
    return _derive(total)


def procedure_sets_from_pass(rows: list[dict]) -> dict:
    """{agency id: {"with_online_dossiers", "fee_procedures", "paid_procedures"}} (procedure ids)."""
    sets: dict = {}
    for r in rows:
        if not (r["received_online"] or r["with_fee"]):
            continue
        s = sets.setdefault(r["competent_agency_id"], {"with_online_dossiers": set(), "fee_procedures": set(),
                                                       "paid_procedures": set()})
        if r["received_online"]:
            s["with_online_dossiers"].add(r["procedure_id"])
        if r["with_fee"]:
            s["fee_procedures"].add(r["procedure_id"])
        if r["paid_fee_online"]:
            s["paid_procedures"].add(r["procedure_id"])
    return sets


def transfer_events(events):
    """Transfers between the centre and the agencies: the first hand-over of a paper dossier (at
    the counter or by post) received at a service point, i.e. the moment its file leaves the
    counter for the agency's office (the seeds' "hồ sơ luân chuyển từ Trung tâm đến các sở")."""
    earlier = DossierEvent.objects.filter(dossier=OuterRef("dossier"), kind="hand_over", at__lt=OuterRef("at"))
    return events.filter(
        kind="hand_over", dossier__service_point__isnull=False,
        dossier__channel_in__in=(Channel.COUNTER, Channel.POST),
    ).exclude(Exists(earlier))


def postal_figures(date_from, date_to, agency_ids, counts: dict) -> dict:
    """Postal uses from the postal app's shipments (transfers, pick-ups, home deliveries: each
    counted when handed to the post); the dossier-inferred figures only where the period has no
    shipment at all (data from before the postal app)."""
    from motcua.postal.selectors import postal_counts

    shipments = postal_counts(date_from, date_to, agency_ids)
    if shipments["total"] or shipments["transfers_back"]:
        return {k: shipments[k] for k in ("transfers", "intakes", "home_deliveries", "total")}
    return {"transfers": counts["transfers"], "intakes": counts["postal_intakes"],
            "home_deliveries": counts["home_deliveries"], "total": counts["postal_uses"]}


def late_steps_by_unit(date_from: datetime.date, date_to: datetime.date, agency_ids=None, service_point=None,
                       level=None) -> list[dict]:
    """Steps finished in the period, per agency and unit, with how many were late (the seeds
    name the step and unit where a late dossier lost its time). Units with a late step first."""
    start, end = period_bounds(date_from, date_to)
    steps = DossierStep.objects.filter(finished_at__gte=start, finished_at__lt=end)
    if agency_ids is not None:
        steps = steps.filter(agency_id__in=list(agency_ids))
    steps = _scoped(steps, service_point=service_point, level=level, prefix="dossier__")
    rows = (steps.order_by().values("agency_id", "agency__name", "unit")
            .annotate(steps=Count("pk"), late=Count("pk", filter=Q(outcome=Outcome.LATE))))
    out = [{"agency_id": r["agency_id"], "agency": r["agency__name"], "unit": r["unit"], "steps": r["steps"],
            "late": r["late"], "late_rate": _percent(r["late"], r["steps"])} for r in rows]
    return sorted(out, key=lambda r: (-r["late"], r["agency"] or "", r["unit"]))


def procedures_online(date_from: datetime.date, date_to: datetime.date, agency_ids=None, service_point=None,
                      level=None, used: set | None = None) -> dict:
    """Procedures in force (published versions) of the scope's agencies; those offered online
    (fully or partly); and those that actually had an online dossier received in the period."""
    start, end = period_bounds(date_from, date_to)
    versions = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    if agency_ids is not None:
        versions = versions.filter(competent_agencies__in=list(agency_ids))
    if level is not None:
        versions = versions.filter(levels=getattr(level, "pk", level))
    offered = set(versions.values_list("procedure_id", flat=True))
    online = set(versions.exclude(online_level=ProcedureVersion.OnlineLevel.NONE).values_list("procedure_id", flat=True))
    if used is None:  # else given by the dashboard's single pass
        dossiers = _scoped(Dossier.objects.filter(received_between_q(start, end), channel_in=Channel.ONLINE),
                           agency_ids, service_point, level)
        used = set(dossiers.order_by().values_list("procedure_id", flat=True).distinct())
    return {
        "procedures": len(offered),
        "offered_online": len(online),
        "with_online_dossiers": len(used),
        "offered_online_rate": _percent(len(online), len(offered)),
        # of the procedures offered online, the share that had an online dossier
        "used_online_rate": _percent(len(used & online), len(online)),
        "ids": {"procedures": offered, "offered_online": online, "with_online_dossiers": used},
    }


def selector_agency_ids(agency_ids=None, service_point=None, level=None):
    """The agencies the other apps' selectors are asked about (None: all)."""
    if service_point is None and level is None:
        return None if agency_ids is None else list(agency_ids)
    agencies = Agency.objects.all()
    if level is not None:
        agencies = agencies.filter(level_id=getattr(level, "pk", level))
    if service_point is not None:
        served = Counter.objects.filter(service_point_id=getattr(service_point, "pk", service_point))
        agencies = agencies.filter(pk__in=served.values("agencies"))
    ids = set(agencies.values_list("pk", flat=True))
    return sorted(ids if agency_ids is None else ids & set(agency_ids))


def reused_document_counts(date_from: datetime.date, date_to: datetime.date) -> dict:
    """The documents half of `documents.selectors.digitisation_counts` for the whole province:
    re-used documents of the dossiers received in the period (reads only the re-used ones)."""
    start, end = period_bounds(date_from, date_to)
    return DossierDocument.objects.filter(
        received_between_q(start, end, prefix="dossier__"), digitization__in=REUSED,
    ).aggregate(
        reused_documents=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_DOCUMENT)),
        reused_results=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_RESULT)),
    )


def period_figures(date_from: datetime.date, date_to: datetime.date, agency_ids=None, service_point=None,
                   level=None, single_pass: tuple | None = None) -> dict:
    """Every figure of the seeds besides the 06a table, for one scope. `single_pass`, from the
    dashboard, is (`dossier_pass` rows, `counts_from_pass` result) of the same period and agencies
    (no service point or level): the dossier figures are then summed from it, not queried."""
    if isinstance(service_point, int):
        service_point = ServicePoint.objects.get(pk=service_point)
    scope = {"agency_ids": agency_ids, "service_point": service_point, "level": level}
    ids = selector_agency_ids(**scope)
    used = None
    if single_pass is not None:
        rows, by_agency = single_pass
        counts = total_of(by_agency)
        used = {r["procedure_id"] for r in rows if r["received_online"]}
    else:
        counts = dossier_counts(date_from, date_to, None, **scope)[None]
    if single_pass is not None and ids is None:
        # Province-wide the receiving agencies are every agency: the pass already counted them.
        digitisation = {"dossiers": counts["received"], "digitised": counts["digitised"],
                        **reused_document_counts(date_from, date_to)}
    else:
        digitisation = digitisation_counts(date_from, date_to, ids)
    ratings = rating_summary(date_from, date_to, ids)
    feedback = feedback_summary(date_from, date_to, ids)
    notifications = sent_counts(date_from, date_to, ids)
    payments = online_payment_totals(date_from, date_to, ids)
    procedures = procedures_online(date_from, date_to, **scope, used=used)
    procedures.pop("ids")
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "postal": postal_figures(date_from, date_to, ids, counts),
        "on_the_spot": counts["on_the_spot"],
        "resolved": counts["resolved"],
        "saturday": {"receipts": counts["saturday_receipts"], "returns": counts["saturday_returns"]},
        "digitisation": {
            **digitisation,
            "rate": _percent(digitisation["digitised"], digitisation["dossiers"]),
            "reused_dossiers": counts["reused"],
            "reuse_rate": counts["reuse_rate"],
        },
        "notifications": {**notifications, "sent": notifications["sms"] + notifications["email"]},
        "online_payments": payments,
        "ratings": ratings,
        "feedback": feedback,
        "procedures": procedures,
        "apologies": counts["apologies"],
        "late_steps": late_steps_by_unit(date_from, date_to, **scope),
        "dossiers": counts,
    }


def figures_by(date_from: datetime.date, date_to: datetime.date, group_by: str, agency_ids=None) -> list[dict]:
    """The dossier figures per agency, level or service point: [{"key", "code", "name", ...}]."""
    if group_by not in FIGURE_GROUPS:
        raise ValueError(group_by)
    counts = dossier_counts(date_from, date_to, group_by, agency_ids=agency_ids)
    counts = {k: v for k, v in counts.items() if any(v[name] for name in ("received", "resolved", "returned"))}
    labels = _labels(group_by, list(counts))
    rows = [{"key": key, "code": labels.get(key, ("", ""))[0], "name": labels.get(key, ("", "—"))[1], **row}
            for key, row in counts.items()]
    return sorted(rows, key=lambda r: (r["key"] is None, r["name"]))

