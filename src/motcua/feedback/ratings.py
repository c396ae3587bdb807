"""Satisfaction ratings: the only writes to `Rating`.

A rating is accepted only once the result has been returned (status 10), never before (seed 002:
ratings given at submission mean little). One rating per dossier; within
RATING_CHANGE_WINDOW_HOURS of the first rating a new one replaces it (the old one is kept in
`history`), later it is refused.

Which channel wins (a tablet rating is given by whoever stands at the counter, the link and the
portal form prove the applicant: the link was sent to their phone or e-mail, the form asks their
phone or citizen ID): a rating by link or portal replaces a tablet rating at any time, even after
the change window, and a tablet rating never replaces one by link or portal. The tablet itself
rates only the dossier just served at its counter (`kiosk_offer`), or the queue ticket just served
there (`ticket_offer`, `rate_ticket`: a `TicketRating`, and its linked dossier once returned).
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.organization.models import Counter, CounterAssignment
from motcua.queueing.models import Ticket, TicketStatus

from . import conf
from .errors import FeedbackError
from .models import Level, Rating, RatingChannel, Reason, TicketRating
from .text import clean_text

# The channels that prove the applicant (module docstring): they override a tablet rating.
PROVEN_CHANNELS = (RatingChannel.LINK, RatingChannel.PORTAL)
# What an officer does with the person in front of the counter: the last of these closes the
# tablet's offer of the dossier served before.
SERVED_KINDS = ("receive_at_counter", "receive_supplement", "refuse_intake", "record_payment", "return_result")


def served_by(dossier: Dossier):
    """The officer who served the person: who returned the result, else who received the dossier."""
    event = (
        DossierEvent.objects.filter(dossier_id=dossier.pk, kind="return_result", actor__isnull=False)
        .select_related("actor").order_by("-at", "-pk").first()
    )
    if event is not None:
        return event.actor
    return dossier.received_by


def counter_of(officer, dossier: Dossier, on: datetime.date | None = None) -> Counter | None:
    """The counter the officer sits at in the dossier's service point (official seat first)."""
    if officer is None or dossier.service_point_id is None:
        return None
    assignment = (
        CounterAssignment.objects.valid_on(on or timezone.localdate())
        .filter(user=officer, counter__service_point_id=dossier.service_point_id)
        .select_related("counter").order_by("kind", "pk").first()
    )
    return assignment.counter if assignment else None


def _clean_reasons(reasons) -> list[str]:
    reasons = list(dict.fromkeys(reasons or []))
    unknown = [r for r in reasons if r not in Reason.values]
    if unknown:
        raise FeedbackError("invalid", _("Unknown reason: %(reasons)s.") % {"reasons": ", ".join(map(str, unknown))})
    return reasons


def rate(dossier: Dossier, *, level: str, reasons=(), comment: str = "", channel: str = RatingChannel.PORTAL,
         counter: Counter | None = None, at: datetime.datetime | None = None) -> Rating:
    """Record (or, within the change window, replace) the rating of a returned dossier."""
    if level not in Level.values:
        raise FeedbackError("invalid", _("Choose very satisfied, satisfied or dissatisfied."))
    if channel not in RatingChannel.values:
        raise FeedbackError("invalid", _("Unknown rating channel."))
    reasons = _clean_reasons(reasons)
    comment = clean_text(comment, 2000, _("Comment"))
    now = at or timezone.now()
    with transaction.atomic():
        # Locking the dossier row serialises two ratings of the same dossier.
        row = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if row is None:
            raise FeedbackError("not_found", _("No such dossier."))
        if row.status != Status.RETURNED:
            raise FeedbackError(
                "not_returned", _("A dossier can be rated only after its result has been returned.")
            )
        existing = Rating.objects.filter(dossier=row).first()
        if existing is not None:
            if channel == RatingChannel.KIOSK and existing.channel in PROVEN_CHANNELS:
                raise FeedbackError("already_rated", _("The applicant has already rated this dossier."))
            window = datetime.timedelta(hours=conf.rating_change_window_hours())
            proven_over_tablet = channel in PROVEN_CHANNELS and existing.channel == RatingChannel.KIOSK
            if now - existing.created_at > window and not proven_over_tablet:
                raise FeedbackError(
                    "window_closed",
                    _("This dossier was already rated; a rating can be changed only within %(hours)s hours.")
                    % {"hours": conf.rating_change_window_hours()},
                )
            existing.history = [*existing.history, {
                "level": existing.level, "reasons": existing.reasons, "comment": existing.comment,
                "channel": existing.channel, "at": existing.updated_at.isoformat(),
            }]
            existing.level, existing.reasons, existing.comment = level, reasons, comment
            existing.channel = channel
            if counter is not None:
                existing.counter = counter
            existing.updated_at = now
            existing.save()
            return existing
        officer = served_by(row)
        return Rating.objects.create(
            dossier=row, officer=officer, counter=counter or counter_of(officer, row, timezone.localdate(now)),
            agency_id=row.competent_agency_id, level=level, reasons=reasons, comment=comment, channel=channel,
            created_at=now, updated_at=now,
        )


# --- the counter kiosk ------------------------------------------------------------------------


def kiosk_officer_ids(counter: Counter, on: datetime.date | None = None) -> list[int]:
    return list(
        CounterAssignment.objects.valid_on(on or timezone.localdate())
        .filter(counter=counter).values_list("user_id", flat=True)
    )


def _last_served_event(counter: Counter, now: datetime.datetime) -> DossierEvent | None:
    officer_ids = kiosk_officer_ids(counter, timezone.localdate(now))
    if not officer_ids:
        return None
    since = now - datetime.timedelta(minutes=conf.kiosk_window_minutes())
    return (
        DossierEvent.objects.filter(kind__in=SERVED_KINDS, actor_id__in=officer_ids, at__gte=since, at__lte=now)
        .select_related("dossier__procedure_version").order_by("-at", "-pk").first()
    )


def last_served(counter: Counter, now: datetime.datetime | None = None) -> Dossier | None:
    """The dossier of the person last served by an officer seated at this counter (received, refused
    at intake, supplemented, paid or returned), within RATING_KIOSK_WINDOW_MINUTES."""
    event = _last_served_event(counter, now or timezone.now())
    return event.dossier if event else None


def kiosk_offer(counter: Counter, now: datetime.datetime | None = None) -> Dossier | None:
    """The only dossier the counter's tablet may rate: the one just served there, once its result
    has been returned and while nobody has rated it yet."""
    dossier = last_served(counter, now)
    if dossier is None or dossier.status != Status.RETURNED or Rating.objects.filter(dossier=dossier).exists():
        return None
    return dossier


# --- the queue ticket just served (issue 12) ---------------------------------------------------


def last_ticket(counter: Counter, now: datetime.datetime | None = None) -> Ticket | None:
    """The queue ticket whose service ended last at this counter, today and within
    RATING_KIOSK_WINDOW_MINUTES."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=conf.kiosk_window_minutes())
    return (
        Ticket.objects.filter(counter=counter, status=TicketStatus.DONE, service_date=timezone.localdate(now),
                              ended_at__gte=since, ended_at__lte=now)
        .select_related("queue", "served_by__staff_profile", "dossier__procedure_version__procedure")
        .order_by("-ended_at", "-pk").first()
    )


def ticket_offer(counter: Counter, now: datetime.datetime | None = None) -> Ticket | None:
    """The ticket the tablet offers: the one just served at the counter, while nobody rated it, and
    unless a dossier was served there after it without a ticket (that person stands there now)."""
    now = now or timezone.now()
    ticket = last_ticket(counter, now)
    if ticket is None or TicketRating.objects.filter(ticket=ticket).exists():
        return None
    event = _last_served_event(counter, now)
    if event is not None and event.at > ticket.ended_at and event.dossier_id != ticket.dossier_id:
        return None
    return ticket


def rate_ticket(ticket: Ticket, *, level: str, reasons=(), comment: str = "", counter: Counter | None = None,
                at: datetime.datetime | None = None) -> TicketRating:
    """Record the tablet's rating of a ticket served at its counter: once per ticket. The rating
    keeps the ticket's linked dossier; a linked dossier whose result was returned is rated too
    (channel tablet, the dossier's own rules: a rating the applicant gave by link stays)."""
    if level not in Level.values:
        raise FeedbackError("invalid", _("Choose very satisfied, satisfied or dissatisfied."))
    reasons = _clean_reasons(reasons)
    comment = clean_text(comment, 2000, _("Comment"))
    now = at or timezone.now()
    with transaction.atomic():
        row = Ticket.objects.select_for_update(of=("self",)).select_related("queue", "dossier").filter(pk=ticket.pk).first()
        if row is None:
            raise FeedbackError("not_found", _("No such ticket."))
        if row.status != TicketStatus.DONE or (counter is not None and row.counter_id != counter.pk):
            raise FeedbackError("not_served", _("Only a ticket whose service has ended at this counter can be rated."))
        if TicketRating.objects.filter(ticket=row).exists():
            raise FeedbackError("already_rated", _("Ticket %(ticket)s has already been rated.") % {
                "ticket": row.display})
        dossier = row.dossier
        rating = TicketRating.objects.create(
            ticket=row, dossier=dossier, officer_id=row.served_by_id, counter_id=row.counter_id,
            agency_id=dossier.competent_agency_id if dossier else None, level=level, reasons=reasons,
            comment=comment, created_at=now,
        )
        if dossier is not None and dossier.status == Status.RETURNED:
            try:
                with transaction.atomic():
                    rate(dossier, level=level, reasons=reasons, comment=comment, channel=RatingChannel.KIOSK,
                         counter=counter, at=now)
            except FeedbackError:
                pass  # already rated by the applicant, or past the change window: the ticket's rating stands
        return rating
