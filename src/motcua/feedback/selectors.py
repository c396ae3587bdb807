"""Reads of ratings and feedback: scoped for officers, and the figures the reports use."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from motcua.core.periods import local_day_bounds
from motcua.organization.models import Counter

from .models import HANDLED_STATES, Feedback, FeedbackChannel, Level, Rating, State, TicketRating
from .services import handler_agency_ids, is_province_wide


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


# --- ratings ----------------------------------------------------------------------------------


def ratings_visible_to(user) -> QuerySet[Rating]:
    """Ratings of the agencies the user serves (all for province-wide roles)."""
    qs = Rating.objects.select_related("dossier", "officer", "officer__staff_profile", "counter", "agency")
    if is_province_wide(user):
        return qs
    ids = handler_agency_ids(user)
    return qs.filter(agency_id__in=ids) if ids else qs.none()


def rating_summary(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """Ratings given between two local dates (inclusive), optionally for some competent agencies:
    {"count", "very_satisfied", "satisfied", "dissatisfied", "satisfaction_rate"} where the rate
    is (very satisfied + satisfied) / count in percent (0.0 when there is none)."""
    start, end = local_day_bounds(date_from, date_to)
    qs = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    figures = qs.aggregate(
        count=Count("pk"),
        very_satisfied=Count("pk", filter=Q(level=Level.VERY_SATISFIED)),
        satisfied=Count("pk", filter=Q(level=Level.SATISFIED)),
        dissatisfied=Count("pk", filter=Q(level=Level.DISSATISFIED)),
    )
    figures["satisfaction_rate"] = _percent(figures["very_satisfied"] + figures["satisfied"], figures["count"])
    return figures


def ticket_ratings_visible_to(user) -> QuerySet[TicketRating]:
    """Counter tablet ratings of queue tickets served at counters of the agencies the user serves
    (all for province-wide roles)."""
    qs = TicketRating.objects.select_related("ticket__queue", "dossier", "officer__staff_profile", "counter")
    if is_province_wide(user):
        return qs
    ids = handler_agency_ids(user)
    if not ids:
        return qs.none()
    # A subquery, not a join: a counter serving two of the user's agencies must not count twice.
    return qs.filter(counter_id__in=Counter.objects.filter(agencies__in=ids).values("pk"))


def rating_breakdown(ratings: QuerySet[Rating] | QuerySet[TicketRating], by: str) -> list[dict]:
    """Counts per officer, counter or agency: [{"key", "label", "count", levels..., "rate"}]."""
    fields = {
        "officer": ("officer_id", "officer__staff_profile__full_name", "officer__username"),
        "counter": ("counter_id", "counter__name", "counter__number"),
        "agency": ("agency_id", "agency__name", "agency__code"),
    }[by]
    rows = (
        ratings.order_by().values(*fields)
        .annotate(
            count=Count("pk"),
            very_satisfied=Count("pk", filter=Q(level=Level.VERY_SATISFIED)),
            satisfied=Count("pk", filter=Q(level=Level.SATISFIED)),
            dissatisfied=Count("pk", filter=Q(level=Level.DISSATISFIED)),
        )
        .order_by("-count", fields[0])
    )
    result = []
    for row in rows:
        label = row[fields[1]] or (str(row[fields[2]]) if row[fields[2]] is not None else "")
        result.append({
            "key": row[fields[0]], "label": label, "count": row["count"],
            "very_satisfied": row["very_satisfied"], "satisfied": row["satisfied"],
            "dissatisfied": row["dissatisfied"],
            "rate": _percent(row["very_satisfied"] + row["satisfied"], row["count"]),
        })
    return result


# --- feedback ---------------------------------------------------------------------------------


def feedback_visible_to(user) -> QuerySet[Feedback]:
    """Feedback routed to the agencies the user serves; province-wide roles see all, unrouted too."""
    qs = Feedback.objects.select_related("agency", "dossier", "procedure")
    if is_province_wide(user):
        return qs
    ids = handler_agency_ids(user)
    return qs.filter(agency_id__in=ids) if ids else qs.none()


def visible_feedback(user, code: str) -> Feedback | None:
    return feedback_visible_to(user).filter(code=code).first()


def published_feedback() -> QuerySet[Feedback]:
    """What the portal lists: only the published public texts (no personal data), newest first."""
    return (
        Feedback.objects.filter(state=State.PUBLISHED)
        .select_related("agency")
        .only("code", "title", "subject_kind", "public_question", "public_answer", "published_at",
              "received_at", "agency__name", "state")
        .order_by("-published_at", "-pk")
    )


def feedback_summary(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """Feedback received between two local dates (inclusive), optionally for some responsible
    agencies: {"total", "by_channel": {channel: n}, "by_state": {state: n}, "handled", "overdue"}.
    Every channel and state appears (0 when none); "handled" = refused, answered or published;
    "overdue" = flagged overdue (past a deadline, handled late or not yet)."""
    start, end = local_day_bounds(date_from, date_to)
    qs = Feedback.objects.filter(received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    aggregates = {"total": Count("pk"), "handled": Count("pk", filter=Q(state__in=HANDLED_STATES)),
                  "overdue": Count("pk", filter=Q(is_overdue=True))}
    for channel in FeedbackChannel.values:
        aggregates[f"channel_{channel}"] = Count("pk", filter=Q(channel=channel))
    for state in State.values:
        aggregates[f"state_{state}"] = Count("pk", filter=Q(state=state))
    row = qs.aggregate(**aggregates)
    return {
        "total": row["total"],
        "by_channel": {c: row[f"channel_{c}"] for c in FeedbackChannel.values},
        "by_state": {s: row[f"state_{s}"] for s in State.values},
        "handled": row["handled"],
        "overdue": row["overdue"],
    }


def events_of(feedback: Feedback):
    return feedback.events.select_related("actor", "actor__staff_profile").order_by("at", "pk")
