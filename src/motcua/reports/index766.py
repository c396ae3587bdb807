"""The service index of Decision 766/QĐ-TTg (23 June 2022): a score out of 100 per agency, level
and the province, in six groups (transparency 18, progress 20, online service 12, online payment
10, satisfaction 18, digitisation 22), each the sum of its indicators' points.

    index = service_index(date(2024, 1, 1), date(2024, 6, 30))
    index["province"]["score"], index["agencies"][0]["groups"][1]["indicators"][0]["rate"]

An indicator has a rate (percent) and earns its points in full at its threshold, else
rate x points / threshold. Weights and thresholds are data (`IndexWeights`, editable in the
admin, the set in force on the period's last day). Indicators motcua cannot compute from its own
data (publication on the national database, the average resolution time's national benchmark),
and indicators whose base is empty, are shown as "no data" and count full or zero by the weights'
`no_data_rule`. Synchronisation to the national portal is computed from what the portal
acknowledged (`national.selectors.sync_counts`).

All counts are additive over agencies (one grouped query each), so the levels and the province
are sums of their agencies' counts; only procedure sets are unions.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.counting import received_between_q
from motcua.dossiers.models import Channel, Dossier
from motcua.feedback.models import Feedback, Rating, SubjectKind
from motcua.feedback.selectors import rating_breakdown
from motcua.national.selectors import sync_counts
from motcua.organization.models import Agency

from .dossier_table import _percent, dossier_table, period_bounds
from .figures import dossier_counts

GROUPS = (
    ("transparency", _("Transparency")),
    ("progress", _("Progress of resolution")),
    ("online", _("Online public service")),
    ("payment", _("Online payment")),
    ("satisfaction", _("Satisfaction")),
    ("digitisation", _("Digitisation")),
)

# code -> (group, label, default points, default threshold %, computable)
INDICATORS = {
    "publication": ("transparency", _("Procedures published on time and complete"), 8, 100, False),
    "portal_sync": ("transparency", _("Dossiers synchronised to the national portal"), 10, 100, True),
    "on_time": ("progress", _("(Resolved early or on time + pending within limit) / dossiers to resolve"), 14, 100, True),
    "resolution_time": ("progress", _("Average resolution time"), 6, 100, False),
    "offered_online": ("online", _("Procedures offered online"), 4, 100, True),
    "used_online": ("online", _("Procedures offered online that had online dossiers"), 4, 100, True),
    "online_share": ("online", _("Dossiers received online"), 4, 50, True),
    "payment_procedures": ("payment", _("Fee-bearing procedures paid online"), 5, 80, True),
    "paid_online": ("payment", _("Fee-bearing dossiers paid online"), 5, 80, True),
    "feedback_in_time": ("satisfaction", _("Feedback handled in time"), 6, 100, True),
    "satisfaction": ("satisfaction", _("Satisfaction: 100% - (late rate + complaint or dissatisfied rate)"), 12, 90, True),
    "electronic_results": ("digitisation", _("Dossiers with an electronic result"), 8, 100, True),
    "digitised": ("digitisation", _("Digitised dossiers"), 8, 80, True),
    "reuse": ("digitisation", _("Dossiers re-using digitised data"), 6, 80, True),
}
DEFAULT_INDICATORS = {code: (points, threshold) for code, (_g, _l, points, threshold, _c) in INDICATORS.items()}

ADDITIVE = ("to_resolve", "early", "on_time", "late", "resolved", "pending_within", "new_total", "new_online",
            "received", "digitised", "reused", "with_fee", "paid_online", "resolved_status", "electronic_results",
            "ratings", "dissatisfied", "feedback", "feedback_overdue", "complaints", "sync_base", "synced")
SETS = ("procedures", "offered_online", "with_online_dossiers", "fee_procedures", "paid_procedures")


def weights_on(day: datetime.date) -> dict:
    """{"name", "effective_from", "no_data_rule", "indicators": {code: (points, threshold)}}."""
    from .models import IndexWeights

    weights = IndexWeights.objects.filter(effective_from__lte=day).prefetch_related("indicators").first()
    if weights is None:
        return {"name": "766/QĐ-TTg", "effective_from": None, "no_data_rule": "full",
                "indicators": {c: (Decimal(p), Decimal(t)) for c, (p, t) in DEFAULT_INDICATORS.items()}}
    return {
        "name": weights.name, "effective_from": weights.effective_from, "no_data_rule": weights.no_data_rule,
        "indicators": {w.code: (w.points, w.threshold) for w in weights.indicators.all()},
    }


def feedback_late_q(now: datetime.datetime) -> Q:
    """Feedback not handled in time: flagged overdue by a step taken late (refused, asked for
    information or answered after its deadline, or published late) or by the sweep (still open
    after its resolution deadline), or answered in time but published more than two working days
    (feedback.services.PUBLISH_WITHIN) after the answer: published after `publish_due_at`, or not published and that
    moment passed (`now`). Publishing is part of handling: an answer in time published late is
    not handled in time."""
    published_late = Q(publish_due_at__isnull=False) & (
        Q(published_at__gt=F("publish_due_at")) | Q(published_at__isnull=True, publish_due_at__lt=now))
    return Q(is_overdue=True) | published_late


def _empty() -> dict:
    return {**dict.fromkeys(ADDITIVE, 0), **{name: set() for name in SETS}}


def agency_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None,
                  single_pass: tuple | None = None) -> dict[int, dict]:
    """{competent agency id: the counts the indicators are computed from}. `single_pass`, from
    the dashboard: (the 06a rows by agency, `counts_from_pass`, `procedure_sets_from_pass`) of the
    same period and agencies, instead of querying them again."""
    start, end = period_bounds(date_from, date_to)
    counts: dict[int, dict] = defaultdict(_empty)
    if single_pass is None:
        table_rows = dossier_table(date_from, date_to, group_by="agency", agency_ids=agency_ids)["rows"]
        by_agency = dossier_counts(date_from, date_to, "agency", agency_ids=agency_ids)
    else:
        table_rows, by_agency, procedure_sets = single_pass
    for row in table_rows:
        c = counts[row["key"]]
        for name in ("to_resolve", "early", "on_time", "late", "resolved", "pending_within", "new_total", "new_online"):
            c[name] += row[name]
    for key, row in by_agency.items():
        c = counts[key]
        for name in ("received", "digitised", "reused", "with_fee", "paid_online", "electronic_results"):
            c[name] += row[name]
        c["resolved_status"] += row["resolved"]

    ratings = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if agency_ids is not None:
        ratings = ratings.filter(agency_id__in=list(agency_ids))
    for row in rating_breakdown(ratings, "agency"):
        counts[row["key"]]["ratings"] += row["count"]
        counts[row["key"]]["dissatisfied"] += row["dissatisfied"]

    feedback = Feedback.objects.filter(received_at__gte=start, received_at__lt=end, agency__isnull=False)
    if agency_ids is not None:
        feedback = feedback.filter(agency_id__in=list(agency_ids))
    for row in feedback.order_by().values("agency_id").annotate(
        total=Count("pk"), overdue=Count("pk", filter=feedback_late_q(timezone.now())),
        complaints=Count("pk", filter=Q(subject_kind=SubjectKind.DOSSIER, dossier__isnull=False)),
    ):
        c = counts[row["agency_id"]]
        c["feedback"] += row["total"]
        c["feedback_overdue"] += row["overdue"]
        c["complaints"] += row["complaints"]

    # Received dossiers whose latest state the national portal acknowledged.
    for agency_id, (base, synced) in sync_counts(start, end, agency_ids).items():
        counts[agency_id]["sync_base"] += base
        counts[agency_id]["synced"] += synced

    versions = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    if agency_ids is not None:
        versions = versions.filter(competent_agencies__in=list(agency_ids))
    for agency_id, procedure_id, online_level in versions.values_list(
            "competent_agencies", "procedure_id", "online_level"):
        if agency_id is None or (agency_ids is not None and agency_id not in set(agency_ids)):
            continue
        counts[agency_id]["procedures"].add(procedure_id)
        if online_level != ProcedureVersion.OnlineLevel.NONE:
            counts[agency_id]["offered_online"].add(procedure_id)

    if single_pass is not None:
        for agency_id, sets in procedure_sets.items():
            for name, ids in sets.items():
                counts[agency_id][name] |= ids
        return dict(counts)
    received = Dossier.objects.filter(received_between_q(start, end))
    if agency_ids is not None:
        received = received.filter(competent_agency_id__in=list(agency_ids))
    for agency_id, procedure_id in (received.filter(channel_in=Channel.ONLINE).order_by()
                                    .values_list("competent_agency_id", "procedure_id").distinct()):
        counts[agency_id]["with_online_dossiers"].add(procedure_id)
    for agency_id, procedure_id, paid in (received.filter(fee_due__gt=0).order_by()
                                          .values_list("competent_agency_id", "procedure_id", "paid_online")
                                          .distinct()):
        counts[agency_id]["fee_procedures"].add(procedure_id)
        if paid:
            counts[agency_id]["paid_procedures"].add(procedure_id)
    return dict(counts)


def combine(many) -> dict:
    total = _empty()
    for c in many:
        for name in ADDITIVE:
            total[name] += c[name]
        for name in SETS:
            total[name] |= c[name]
    return total


def rates(c: dict) -> dict[str, float | None]:
    """Each computable indicator's rate in percent; None when its base is empty (no data)."""

    def rate(part, whole):
        return _percent(part, whole) if whole else None

    late_rate = rate(c["late"], c["resolved"])
    unhappy = rate(c["complaints"] + c["dissatisfied"], c["resolved"])
    satisfaction = None
    if late_rate is not None or c["ratings"] or c["complaints"]:
        satisfaction = max(0.0, round(100.0 - (late_rate or 0.0) - (unhappy or 0.0), 3))
    return {
        "portal_sync": rate(c["synced"], c["sync_base"]),
        "on_time": rate(c["early"] + c["on_time"] + c["pending_within"], c["to_resolve"]),
        "offered_online": rate(len(c["offered_online"]), len(c["procedures"])),
        "used_online": rate(len(c["offered_online"] & c["with_online_dossiers"]), len(c["offered_online"])),
        "online_share": rate(c["new_online"], c["new_total"]),
        "payment_procedures": rate(len(c["paid_procedures"]), len(c["fee_procedures"])),
        "paid_online": rate(c["paid_online"], c["with_fee"]),
        "feedback_in_time": rate(c["feedback"] - c["feedback_overdue"], c["feedback"]),
        "satisfaction": satisfaction,
        "electronic_results": rate(c["electronic_results"], c["resolved_status"]),
        "digitised": rate(c["digitised"], c["received"]),
        "reuse": rate(c["reused"], c["received"]),
    }


def _points(rate: float | None, points: Decimal, threshold: Decimal, no_data_rule: str) -> Decimal:
    if rate is None:
        return points if no_data_rule == "full" else Decimal(0)
    earned = points if Decimal(str(rate)) >= threshold else Decimal(str(rate)) * points / threshold
    return earned.quantize(Decimal("0.01"), ROUND_HALF_UP)


def score(c: dict, weights: dict) -> dict:
    """{"score", "groups": [{"code", "name", "max", "score", "indicators": [...]}]}."""
    computed = rates(c)
    groups = []
    for group_code, group_name in GROUPS:
        indicators = []
        for code, (group, label, _p, _t, computable) in INDICATORS.items():
            if group != group_code or code not in weights["indicators"]:
                continue
            points, threshold = weights["indicators"][code]
            rate = computed.get(code) if computable else None
            indicators.append({
                "code": code, "name": str(label), "rate": rate, "no_data": rate is None,
                "max": points, "threshold": threshold,
                "points": _points(rate, points, threshold, weights["no_data_rule"]),
            })
        groups.append({
            "code": group_code, "name": str(group_name), "indicators": indicators,
            "max": sum((i["max"] for i in indicators), Decimal(0)),
            "score": sum((i["points"] for i in indicators), Decimal(0)),
        })
    return {"score": sum((g["score"] for g in groups), Decimal(0)), "groups": groups}


def service_index(date_from: datetime.date, date_to: datetime.date, agency_ids=None,
                  single_pass: tuple | None = None) -> dict:
    """The index per agency, per level and for the whole scope ("province")."""
    weights = weights_on(date_to)
    # Agencies without a dossier to resolve in the period are left out (they have nothing to score).
    counts = {k: c for k, c in agency_counts(date_from, date_to, agency_ids, single_pass).items()
              if c["to_resolve"] or c["received"] or c["resolved_status"]}
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=[k for k in counts if k]).select_related("level")}
    by_level: dict = defaultdict(list)
    rows = []
    for agency_id, c in counts.items():
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        by_level[agency.level].append(c)
        rows.append({"key": agency_id, "code": agency.code, "name": agency.name, **score(c, weights)})
    levels = [{"key": level.pk if level else None, "code": level.code if level else "",
               "name": level.name if level else "", **score(combine(many), weights)}
              for level, many in sorted(by_level.items(), key=lambda kv: (kv[0] is None, kv[0] and kv[0].rank))]
    rows.sort(key=lambda r: (-r["score"], r["name"]))
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "weights": {"name": weights["name"], "effective_from": weights["effective_from"],
                    "no_data_rule": weights["no_data_rule"]},
        "province": {"name": str(_("Province")), **score(combine(counts.values()), weights)},
        "levels": levels,
        "agencies": rows,
    }
