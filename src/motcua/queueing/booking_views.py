"""Public pages of online appointments and the Saturday service, under /xep-hang/:

    dat-hen/                 procedure -> service point -> day -> time slot, then name and phone
    hen/<signed id>/         the booking (after booking; the SMS's link also shows the code): cancel it
    thu-bay/                 the next Saturdays: counters on duty, agencies, procedures served
"""
from datetime import date

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import published
from motcua.organization.audit import client_ip

from . import appointments, roster, rules, services
from .errors import QueueError
from .models import AppointmentStatus, SaturdayDuty

# Refusals: the state of the day (closed, full, already cancelled) is a conflict; bad input 400.
STATUS_OF = {"closed": 409, "full": 409, "inactive": 409, "wrong_state": 409, "early": 409, "throttled": 429}
SATURDAYS_SHOWN = 4


def _version(code):
    if not code:
        return None
    return published().filter(procedure__code=code).select_related("procedure", "field").first()


def _parse_day(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def book(request):
    """One page, one step at a time, each step a link (works without script on any phone)."""
    now = timezone.localtime()
    params = request.POST if request.method == "POST" else request.GET
    version = _version(params.get("thu_tuc"))
    context = {"now": now, "version": version, "query": (request.GET.get("q") or "").strip()[:200],
               "horizon": rules.BOOKING_HORIZON_DAYS, "per_phone": rules.BOOKINGS_PER_PHONE_A_DAY}
    error, status = None, 200
    if params.get("thu_tuc") and version is None:
        error, status = _("This procedure is not in the catalogue."), 404
    if version is None:
        context["procedures"] = appointments.procedures_for_booking(context["query"]) if context["query"] else []
        return _render(request, context, error, status)
    queues = appointments.queues_for_procedure(version)
    context["queues"] = queues
    queue = next((q for q in queues if str(q.pk) == params.get("hang")), None)
    if params.get("hang") and queue is None:
        error, status = _("Choose a service point from the list."), 400
    context["queue"] = queue
    if queue is None:
        return _render(request, context, error, status)
    context["days"] = appointments.bookable_days(queue, now)
    day = _parse_day(params.get("ngay"))
    if params.get("ngay") and day is None:
        error, status = _("Give the date as YYYY-MM-DD."), 400
    context["day"] = day
    if day is not None:
        try:
            context["slots"] = appointments.available_slots(queue, day, now)
        except QueueError as refusal:
            error, status = refusal.message, STATUS_OF.get(refusal.code, 400)
            context["slots"] = []
        if not context["slots"] and error is None:
            error, status = _("No free slot on this day; choose another day."), 200
    if request.method == "POST":
        context["form"] = {"full_name": params.get("full_name", ""), "phone": params.get("phone", ""),
                           "slot": params.get("slot", "")}
        starts_at = parse_datetime(params.get("slot") or "")
        if day is None or starts_at is None or timezone.is_naive(starts_at):
            return _render(request, context, _("Choose a time slot."), 400)
        try:
            appointment = appointments.book(queue, starts_at, params.get("full_name", ""), params.get("phone", ""),
                                            procedure=version.procedure, now=now, ip_address=client_ip(request))
        except QueueError as refusal:
            if refusal.code == "full" or refusal.code == "invalid":
                context["slots"] = appointments.available_slots(queue, day, now)
            return _render(request, context, refusal.message, STATUS_OF.get(refusal.code, 400))
        token = appointments.CANCEL_LINK.token_for(str(appointment.pk))
        return HttpResponseRedirect(reverse("queueing:cancel_appointment", args=[token]) + "?moi=1")
    return _render(request, context, error, status)


def _render(request, context, error, status):
    context["error"] = error
    return render(request, "queueing/book.html", context, status=status)


def appointment(request, token):
    """The booking as its holder sees it (the page after booking; the SMS's cancel link)."""
    found, from_sms = appointments.appointment_from_token(token)
    if found is None:
        raise Http404(_("This appointment link is invalid or has expired."))
    import segno

    error, status = None, 200
    if request.method == "POST":
        try:
            found = appointments.cancel(found)
        except QueueError as refusal:
            error, status = refusal.message, STATUS_OF.get(refusal.code, 400)
        else:
            return HttpResponseRedirect(request.path + "?da_huy=1")
    begins = timezone.localtime(found.slot.starts_at)
    return render(request, "queueing/appointment.html", {
        "appointment": found, "begins": begins, "error": error,
        "just_booked": request.GET.get("moi") == "1", "just_cancelled": request.GET.get("da_huy") == "1",
        "cancellable": found.status == AppointmentStatus.BOOKED and found.slot.starts_at > timezone.now(),
        "check_in_from": begins - rules.CHECK_IN_EARLY, "check_in_to": begins + rules.CHECK_IN_LATE,
        "phone_hint": f"0{found.phone[2:5]} *** {found.phone[-3:]}",
        "kiosk_url": reverse("queueing:kiosk", args=[found.slot.queue.service_point.code]),
        "from_sms": from_sms,
        # segno's SVG of the code only: what the kiosk's scanner types into its code field.
        "qr_svg": mark_safe(segno.make(found.code, error="m", micro=False).svg_inline(scale=6, border=2)) if from_sms else "",
    }, status=status)


def saturday(request):
    """The next Saturdays: for each, the service points open, the counters on duty (agency, shift);
    and the procedures the catalogue serves on Saturdays, by agency."""
    today = timezone.localdate()
    days = roster.saturdays(SATURDAYS_SHOWN, today)
    duties = SaturdayDuty.objects.filter(date__in=days).select_related(
        "counter__service_point", "agency").order_by("date", "counter__service_point__name", "counter__number", "shift")
    by_day = {day: {} for day in days}
    for duty in duties:
        by_day[duty.date].setdefault(duty.counter.service_point, []).append(duty)
    saturdays = []
    for day in days:
        open_points = []
        for point, rows in by_day[day].items():
            try:
                periods = services.opening_periods(point, day)
            except QueueError:
                periods = []
            open_points.append({"point": point, "duties": rows, "periods": periods})
        saturdays.append({"date": day, "points": open_points, "makeup": roster.is_makeup_day(day)})
    versions = published().exclude(saturday_service=ProcedureVersion.SaturdayService.NONE).select_related(
        "procedure", "field").prefetch_related("receiving_agencies", "competent_agencies").order_by("name")
    by_agency: dict = {}
    for version in versions:
        for agency in (list(version.receiving_agencies.all()) or list(version.competent_agencies.all())):
            by_agency.setdefault(agency, []).append(version)
    on_duty = {duty.agency_id for duty in duties}
    return render(request, "queueing/saturday.html", {
        "saturdays": saturdays,
        "agencies": [{"agency": agency, "versions": rows, "on_duty": agency.pk in on_duty}
                     for agency, rows in sorted(by_agency.items(), key=lambda item: item[0].name)],
        "procedure_count": len(versions),
    })

