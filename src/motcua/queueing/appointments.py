"""Online appointments (đặt lịch hẹn): a citizen books a time slot at a service point's queue,
gets an SMS with a code, checks in at the kiosk and is called in their slot before walk-ins.

    slots = available_slots(queue, day)                           # the booking page
    appointment = book(queue, starts_at, full_name, phone, procedure=None)
    cancel(appointment)                                           # the signed link of the SMS
    ticket, outcome = check_in(service_point, code)               # the kiosk

Slots come from the queue's `SlotTemplate`s, the legal calendar (days off, make-up Saturdays) and
the point's opening hours (`services.opening_periods`). A `Slot` row is created at its first
booking and locked (SELECT ... FOR UPDATE) while a booking takes a place: two people racing for
the last place, one gets it. A `PhoneDay` row is locked the same way for the limit of bookings per
phone a day. Every change is recorded as an `AppointmentEvent` (append-only).
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.signed_links import SignedCode
from motcua.core.site import absolute

from . import rules, services
from .errors import QueueError
from .models import (
    ACTIVE_APPOINTMENTS, Appointment, AppointmentEvent, AppointmentStatus, PhoneDay, Queue, Slot, SlotTemplate,
    Ticket, TicketEvent,
)


# Two signed links to an appointment's page (cancel), valid until after the longest booking: the
# one the booking page redirects to, and the one in the SMS. Only the SMS's shows the code (and its
# QR code for the kiosk's scanner): the code proves the phone, which the limit per phone relies on.
CANCEL_LINK = SignedCode(salt="motcua.queueing.appointment.cancel",
                         max_age_seconds=lambda: (rules.BOOKING_HORIZON_DAYS + 2) * 24 * 3600)
SMS_LINK = SignedCode(salt="motcua.queueing.appointment.sms",
                      max_age_seconds=lambda: (rules.BOOKING_HORIZON_DAYS + 2) * 24 * 3600)
CODE_DIGITS = 6


@dataclass(frozen=True)
class SlotOffer:
    queue_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


def _tz():
    return timezone.get_current_timezone()


def _templates_of(queue: Queue, day: date):
    return [
        (t.start, t.end, t.slot_minutes, t.capacity)
        for t in SlotTemplate.objects.filter(queue=queue, is_active=True).filter(
            Q(weekday=day.weekday()) | Q(weekday__isnull=True))
    ]


def slots_of_day(queue: Queue, day: date) -> list[SlotOffer]:
    """Every slot of a queue on a day (booked or not): none on a day off or a closed weekday."""
    periods = services.opening_periods(queue.service_point, day)
    if not periods:
        return []
    times = rules.slot_times(_templates_of(queue, day), periods)
    starts = [datetime.combine(day, start, tzinfo=_tz()) for start, _end, _cap in times]
    booked = dict(Slot.objects.filter(queue=queue, starts_at__in=starts).values_list("starts_at", "booked"))
    return [
        SlotOffer(queue.pk, begins, datetime.combine(day, end, tzinfo=_tz()), capacity, booked.get(begins, 0))
        for begins, (_start, end, capacity) in zip(starts, times)
    ]


def available_slots(queue: Queue, day: date, now: datetime | None = None) -> list[SlotOffer]:
    """The slots still bookable now: not started, within the horizon, with a free place."""
    now = timezone.localtime(now or timezone.now())
    return [s for s in slots_of_day(queue, day) if s.free and rules.booking_refusal(s.starts_at, now) is None]


def bookable_days(queue: Queue, now: datetime | None = None) -> list[date]:
    """The days from today to the horizon with at least one free slot."""
    now = timezone.localtime(now or timezone.now())
    days = []
    for offset in range(rules.BOOKING_HORIZON_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        try:
            if available_slots(queue, day, now):
                days.append(day)
        except QueueError:  # beyond the calendar's covered years
            break
    return days


def _event(appointment, kind, at, note="") -> None:
    AppointmentEvent.objects.create(appointment=appointment, kind=kind, at=at, note=note[:255])


def _new_code(slot: Slot) -> str:
    """Six digits, unique among the day's bookings of the service point (what the kiosk looks up)."""
    day = timezone.localtime(slot.starts_at).date()
    for _attempt in range(50):
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if not _of_day(slot.queue.service_point_id, day).filter(code=code).exists():
            return code
    raise QueueError("full", _("No appointment code is free for this day; please try again."))


def _of_day(service_point_id, day: date):
    start = datetime.combine(day, datetime.min.time(), tzinfo=_tz())
    return Appointment.objects.filter(
        slot__queue__service_point_id=service_point_id, slot__starts_at__gte=start,
        slot__starts_at__lt=start + timedelta(days=1))


@transaction.atomic
def book(queue: Queue, starts_at: datetime, full_name: str, phone: str, procedure=None,
         now: datetime | None = None, ip_address: str | None = None) -> Appointment:
    """Book a place in the slot of `queue` starting at `starts_at` and queue the SMS with the code.

    Refused: a bad name or phone; an inactive queue; a slot in the past or more than
    BOOKING_HORIZON_DAYS days ahead; a day off or a time that is not one of the day's slots; a full
    slot; a phone that already holds BOOKINGS_PER_PHONE_A_DAY bookings for that day; an address
    that made BOOKINGS_PER_ADDRESS_AN_HOUR bookings in the last hour."""
    from motcua.notifications.phones import InvalidPhone, normalize_mobile

    now = timezone.localtime(now or timezone.now())
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > 200:
        raise QueueError("invalid", _("Enter your full name."))
    try:
        phone = normalize_mobile(phone)
    except InvalidPhone:
        raise QueueError("invalid", _("Enter a Vietnamese mobile number, e.g. 0912 345 678.")) from None
    if not queue.is_active:
        raise QueueError("inactive", _("This queue is not in service."))
    if ip_address and Appointment.objects.filter(
            booked_from=ip_address, booked_at__gt=now - timedelta(hours=1)).count() >= rules.BOOKINGS_PER_ADDRESS_AN_HOUR:
        raise QueueError("throttled", _("Too many bookings from this connection; please try again in an hour."))
    starts_at = timezone.localtime(starts_at)
    refusal = rules.booking_refusal(starts_at, now)
    if refusal == "past":
        raise QueueError("invalid", _("This time has passed; choose a later slot."))
    if refusal == "too_far":
        raise QueueError("invalid", _("Appointments are taken at most %(days)s days ahead.") % {
            "days": rules.BOOKING_HORIZON_DAYS})
    day = starts_at.date()
    offers = {offer.starts_at: offer for offer in slots_of_day(queue, day)}
    if not offers and not services.opening_periods(queue.service_point, day):
        raise QueueError("closed", _("The service point is closed on %(date)s (a day off); choose another day.") % {
            "date": day.strftime("%d/%m/%Y")})
    offer = offers.get(starts_at)
    if offer is None:
        raise QueueError("invalid", _("There is no appointment slot at %(time)s on %(date)s.") % {
            "time": starts_at.strftime("%H:%M"), "date": day.strftime("%d/%m/%Y")})
    # The phone's day first, then the slot: always in this order, so two bookings never deadlock.
    PhoneDay.objects.get_or_create(phone=phone, service_date=day)
    PhoneDay.objects.select_for_update().get(phone=phone, service_date=day)
    held = Appointment.objects.filter(phone=phone, status__in=ACTIVE_APPOINTMENTS).filter(
        slot__starts_at__gte=datetime.combine(day, datetime.min.time(), tzinfo=_tz()),
        slot__starts_at__lt=datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=_tz()),
    ).count()
    if held >= rules.BOOKINGS_PER_PHONE_A_DAY:
        raise QueueError("full", _("This phone number already holds %(n)s appointments on %(date)s.") % {
            "n": rules.BOOKINGS_PER_PHONE_A_DAY, "date": day.strftime("%d/%m/%Y")})
    slot = _locked_slot(queue, offer)
    if slot.booked >= slot.capacity:
        raise QueueError("full", _("This slot has just been fully booked; choose another one."))
    slot.booked += 1
    slot.save(update_fields=["booked"])
    appointment = Appointment.objects.create(
        slot=slot, procedure=procedure, full_name=full_name, phone=phone, code=_new_code(slot), booked_at=now,
        booked_from=ip_address or None)
    _event(appointment, AppointmentEvent.Kind.BOOKED, now)
    _send_confirmation(appointment)
    return appointment


def _locked_slot(queue: Queue, offer: SlotOffer) -> Slot:
    try:
        with transaction.atomic():  # a savepoint: a concurrent first booking may create it first
            Slot.objects.get_or_create(queue=queue, starts_at=offer.starts_at, defaults={
                "ends_at": offer.ends_at, "capacity": offer.capacity})
    except IntegrityError:
        pass
    return Slot.objects.select_for_update().get(queue=queue, starts_at=offer.starts_at)


def cancel_url(appointment: Appointment) -> str:
    """The SMS's link to the appointment's page (with the code)."""
    return absolute(reverse("queueing:cancel_appointment", args=[SMS_LINK.token_for(str(appointment.pk))]))


def _send_confirmation(appointment: Appointment) -> None:
    """The SMS with the code and the cancel link, through the notifications outbox (its simulator
    provider in the demo), handed to the worker once the booking commits."""
    from motcua.notifications.models import Channel, EventKind
    from motcua.notifications.services import queue_message
    from motcua.notifications.tasks import send

    slot = appointment.slot
    begins = timezone.localtime(slot.starts_at)
    message, created = queue_message(
        kind=EventKind.APPOINTMENT_BOOKED, channel=Channel.SMS, recipient=appointment.phone, context={
            "appointment_code": appointment.code, "full_name": appointment.full_name,
            "service_point_name": slot.queue.service_point.name, "queue_name": slot.queue.name,
            "slot_time": begins.strftime("%H:%M"), "slot_date": begins.strftime("%d/%m/%Y"),
            "procedure_name": str(appointment.procedure.current_version.name)
            if appointment.procedure and appointment.procedure.current_version else "",
            "cancel_url": cancel_url(appointment),
        })
    if message is None or not created:
        return
    transaction.on_commit(functools.partial(send, message.pk))


@transaction.atomic
def cancel(appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Cancel a booking before its slot starts; the place goes back to the slot."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise QueueError("wrong_state", _("This appointment has already been cancelled."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise QueueError("wrong_state", _("You have already checked in for this appointment."))
    slot = Slot.objects.select_for_update().get(pk=appointment.slot_id)
    if slot.starts_at <= now:
        raise QueueError("wrong_state", _("The time of this appointment has passed; it can no longer be cancelled."))
    slot.booked = max(0, slot.booked - 1)
    slot.save(update_fields=["booked"])
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    _event(appointment, AppointmentEvent.Kind.CANCELLED, now)
    return appointment


@transaction.atomic
def check_in(service_point, code: str, now: datetime | None = None) -> tuple[Ticket, str]:
    """The kiosk: the booking of today with this code at this service point becomes a ticket.

    From CHECK_IN_EARLY before to CHECK_IN_LATE after the slot start: an appointment ticket, called
    before walk-ins once its slot begins ("on_time"); it takes a number of its queue without the
    daily cap (the booking was the place). Later the same day: an ordinary walk-in ticket
    (`issue_ticket`, cap included: "late"). Earlier: refused with the time check-in opens."""
    now = timezone.localtime(now or timezone.now())
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != CODE_DIGITS:
        raise QueueError("invalid", _("Enter the %(n)s-digit code of your appointment SMS.") % {"n": CODE_DIGITS})
    found = _of_day(service_point.pk, now.date()).filter(code=code).select_related("slot__queue").first()
    if found is None:
        raise QueueError("invalid", _("No appointment today at this service point has this code."))
    appointment = Appointment.objects.select_for_update().select_related("slot__queue").get(pk=found.pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise QueueError("wrong_state", _("This appointment was cancelled."))
    if appointment.ticket_id is not None:
        raise QueueError("wrong_state", _("This appointment has already been checked in: ticket %(ticket)s.") % {
            "ticket": appointment.ticket.display})
    queue = appointment.slot.queue
    slot_start = timezone.localtime(appointment.slot.starts_at)
    outcome = rules.check_in_outcome(slot_start, now)
    if outcome == "early":
        raise QueueError("early", _("Check-in for your %(slot)s appointment opens at %(time)s.") % {
            "slot": slot_start.strftime("%H:%M"), "time": (slot_start - rules.CHECK_IN_EARLY).strftime("%H:%M")})
    if outcome == "late":
        # Past the check-in window: an ordinary ticket, as the kiosk gives anyone (hours, daily cap).
        ticket = services.issue_ticket(queue, now=now)
    else:
        services._check_open(queue.service_point, now)
        number = services._next_number(queue, now.date())  # the queue day's row is locked from here
        # The place in line is the slot start; the ticket is called first once the slot begins.
        ticket = Ticket.objects.create(queue=queue, service_date=now.date(), number=number, issued_at=now,
                                       queued_at=slot_start, slot_start=slot_start)
        services._event(ticket, TicketEvent.Kind.ISSUED, now, note=_("appointment %(code)s at %(time)s") % {
            "code": appointment.code, "time": slot_start.strftime("%H:%M")})
    on_time = outcome == "on_time"
    appointment.ticket = ticket
    appointment.status = AppointmentStatus.CHECKED_IN if on_time else AppointmentStatus.WALK_IN
    appointment.save(update_fields=["ticket", "status"])
    _event(appointment, AppointmentEvent.Kind.CHECKED_IN if on_time else AppointmentEvent.Kind.WALK_IN, now,
           note=ticket.display)
    return ticket, outcome


def appointment_from_token(token: str) -> tuple[Appointment | None, bool]:
    """The appointment of a link, and whether it is the SMS's link (None for a bad link)."""
    for link, from_sms in ((SMS_LINK, True), (CANCEL_LINK, False)):
        value = link.code_from_token(token)
        if value and value.isdigit():
            found = Appointment.objects.select_related("slot__queue__service_point").filter(pk=int(value)).first()
            return found, from_sms
    return None, False


# --- reads for the booking page ---------------------------------------------------------------------


def procedures_for_booking(text: str = "", limit: int = 30):
    """Published procedures received at the counter, matching `text` (as the catalogue's search)."""
    from motcua.catalog import selectors as catalog

    versions = catalog.published().filter(accepts_counter=True)
    if text:
        versions = catalog.search(versions, text)
    return catalog.for_list(versions)[:limit]


def queues_for_procedure(version) -> list[Queue]:
    """The active queues taking bookings (a slot template) that serve a procedure: a queue of its
    field, or of one of its receiving agencies (the competent ones when none is named), or a queue
    naming neither agency nor field ("other matters") at a point whose counters serve one of them.
    At most one queue per service point, the most specific one."""
    agencies = {a.pk for a in version.receiving_agencies.all()} or {a.pk for a in version.competent_agencies.all()}
    candidates = Queue.objects.filter(is_active=True, slot_templates__is_active=True).distinct().select_related(
        "service_point").prefetch_related("agencies", "fields", "service_point__counters__agencies")
    best: dict[int, tuple[int, Queue]] = {}
    for queue in candidates:
        queue_agencies = {a.pk for a in queue.agencies.all()}
        queue_fields = {f.pk for f in queue.fields.all()}
        if queue_fields and version.field_id in queue_fields:
            rank = 0
        elif queue_agencies & agencies:
            rank = 1
        elif not queue_agencies and not queue_fields and any(
                {a.pk for a in counter.agencies.all()} & agencies
                for counter in queue.service_point.counters.all() if counter.is_active):
            rank = 2
        else:
            continue
        point = queue.service_point_id
        if point not in best or (rank, queue.order, queue.letter) < (best[point][0], best[point][1].order,
                                                                    best[point][1].letter):
            best[point] = (rank, queue)
    return sorted((queue for _rank, queue in best.values()), key=lambda q: q.service_point.name)
