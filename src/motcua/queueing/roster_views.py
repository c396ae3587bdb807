"""The centre manager's Saturday duty roster page, /mot-cua/xep-hang/lich-truc/?ngay=YYYY-MM-DD:
the duties of a Saturday at the service points they manage (every point for the province), a form
to add one and a button to remove one. The scope is checked on every change (a tampered form is
refused), the change itself is roster.set_duty / remove_duty."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.organization.access import staff_required
from motcua.organization.models import Agency
from motcua.organization.permissions import admin_scope

from . import roster
from .errors import QueueError
from .models import SaturdayDuty, Shift

WEEKS_SHOWN = 6


def _scope(user):
    scope = admin_scope(user)
    if not (scope.everything or scope.service_point_ids):
        raise PermissionDenied(_("The Saturday duty roster is for the managers of a service point."))
    return scope


def _saturday(value, default):
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day.weekday() == roster.SATURDAY else None


def _page(request, scope, day, error=None, status=200, form=None):
    counters = scope.counters().filter(is_active=True).select_related("service_point").prefetch_related(
        "agencies").order_by("service_point__name", "number")
    duties = SaturdayDuty.objects.filter(date=day, counter__in=counters).select_related(
        "counter__service_point", "agency", "officer__staff_profile").order_by(
        "counter__service_point__name", "counter__number", "shift") if day else []
    agencies = Agency.objects.filter(counters__in=counters).distinct().order_by("name")
    return render(request, "queueing/roster.html", {
        "day": day, "duties": duties, "counters": counters, "agencies": agencies,
        "officers": scope.officers().filter(is_active=True).select_related("staff_profile").order_by("username"),
        "shifts": Shift.choices, "saturdays": roster.saturdays(WEEKS_SHOWN, timezone.localdate()),
        "error": error, "form": form or {},
    }, status=status)


@staff_required
def roster_page(request):
    scope = _scope(request.user)
    upcoming = roster.saturdays(1, timezone.localdate())[0]
    day = _saturday(request.GET.get("ngay"), upcoming)
    if day is None:
        return _page(request, scope, upcoming, _("Choose a Saturday (YYYY-MM-DD)."), 400)
    return _page(request, scope, day)


@staff_required
@require_POST
def add_duty(request):
    scope = _scope(request.user)
    form = {key: request.POST.get(key, "") for key in ("date", "counter", "officer", "agency", "shift")}
    day = _saturday(form["date"], None)
    if day is None:
        return _page(request, scope, roster.saturdays(1, timezone.localdate())[0],
                     _("Choose a Saturday (YYYY-MM-DD)."), 400, form)
    counter = scope.counters().filter(pk=form["counter"]).first() if form["counter"].isdigit() else None
    officer = scope.officers().filter(pk=form["officer"]).first() if form["officer"].isdigit() else None
    agency = Agency.objects.filter(pk=form["agency"]).first() if form["agency"].isdigit() else None
    if counter is None or officer is None or agency is None or form["shift"] not in Shift.values:
        return _page(request, scope, day, _("Choose the counter, the officer, the agency and the shift."), 400, form)
    if not scope.allows_counter_assignment(officer.pk, counter, agency.pk):
        return _page(request, scope, day, _("You may not seat this officer at this counter for this agency."), 403,
                     form)
    try:
        roster.set_duty(request.user, day, counter, officer, agency, form["shift"])
    except QueueError as refusal:
        return _page(request, scope, day, refusal.message, 409 if refusal.code == "busy" else 400, form)
    messages.success(request, _("Duty added."))
    return HttpResponseRedirect(reverse("queueing_officer:roster") + f"?ngay={day.isoformat()}")


@staff_required
@require_POST
def remove_duty(request, duty_id):
    scope = _scope(request.user)
    duty = get_object_or_404(SaturdayDuty.objects.filter(counter__in=scope.counters()), pk=duty_id)
    day = duty.date
    roster.remove_duty(request.user, duty)
    messages.success(request, _("Duty removed."))
    return HttpResponseRedirect(reverse("queueing_officer:roster") + f"?ngay={day.isoformat()}")
