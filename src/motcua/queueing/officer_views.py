"""Officer pages: the counter panel (call next, recall, no-show, transfer, start, end) for the
counters where the officer sits today, and the statistics for centre managers."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.organization.access import staff_required
from motcua.organization.permissions import admin_scope

from motcua.dossiers.selectors import visible_dossier

from . import intake_link, selectors, services
from .errors import QueueError
from .models import Queue, Ticket

STATUS_OF = {"not_assigned": 403, "invalid": 400}  # every other refusal: 409, the state has moved on

TICKET_ACTIONS = {
    "recall": services.recall,
    "no_show": services.mark_no_show,
    "start": services.start_service,
    "end": services.end_service,
}
DONE = {
    "call": gettext_lazy("Ticket %(ticket)s called."),
    "recall": gettext_lazy("Ticket %(ticket)s called again."),
    "no_show": gettext_lazy("Ticket %(ticket)s marked as not come."),
    "start": gettext_lazy("Service of ticket %(ticket)s started."),
    "end": gettext_lazy("Service of ticket %(ticket)s ended."),
    "transfer": gettext_lazy("Transferred: the person now holds ticket %(ticket)s."),
}


def _panel(request, error=None, status=200):
    today = timezone.localdate()
    return render(request, "queueing/panel.html", {
        "panels": [selectors.counter_panel(counter, today) for counter in services.counters_of(request.user, today)],
        "error": error, "today": today, "may_see_statistics": _manages_a_point(request.user),
    }, status=status)


def _manages_a_point(user) -> bool:
    scope = admin_scope(user)
    return scope.everything or bool(scope.service_point_ids)


@staff_required
def panel(request):
    return _panel(request)


@staff_required
@require_POST
def act(request, counter_id, action):
    counter = get_object_or_404(services.counters_of(request.user), pk=counter_id)
    if action not in DONE:
        return _panel(request, _("Unknown action."), 400)
    try:
        if action == "call":
            ticket = services.call_next(request.user, counter)
        else:
            in_hand = selectors.counter_panel(counter, timezone.localdate())["in_hand"]
            if in_hand is None or str(in_hand.pk) != request.POST.get("ticket", ""):
                return _panel(request, _("The page was out of date: check the ticket at your counter and try again."),
                              409)
            if action == "transfer":
                to_queue = Queue.objects.filter(pk=request.POST.get("queue") or 0).first() \
                    if (request.POST.get("queue") or "").isdigit() else None
                if to_queue is None:
                    return _panel(request, _("Choose the queue to transfer to."), 400)
                ticket = services.transfer(request.user, in_hand, to_queue)
            else:
                ticket = TICKET_ACTIONS[action](request.user, in_hand)
    except QueueError as refusal:
        return _panel(request, refusal.message, STATUS_OF.get(refusal.code, 409))
    messages.success(request, DONE[action] % {"ticket": ticket.display})
    return HttpResponseRedirect(reverse("queueing_officer:panel"))


BY = {"queue": gettext_lazy("Per queue"), "counter": gettext_lazy("Per counter"),
      "officer": gettext_lazy("Per officer")}


def _day(value, default):
    if not value:
        return default
    return date.fromisoformat(value)


@staff_required
def statistics(request):
    """Waiting and service times of the service points the person manages (all for the province)."""
    if not _manages_a_point(request.user):
        raise PermissionDenied(_("The queue statistics are for the managers of a service point."))
    scope = admin_scope(request.user)
    today = timezone.localdate()
    by = request.GET.get("theo", "queue")
    error, status = None, 200
    try:
        date_from = _day(request.GET.get("tu"), today)
        date_to = _day(request.GET.get("den"), date_from)
    except ValueError:
        date_from = date_to = today
        error, status = _("Give the dates as YYYY-MM-DD."), 400
    if date_to < date_from:
        error, status = _("The start of the period must not be after its end."), 400
        date_to = date_from
    if by not in BY:
        error, status, by = _("Choose per queue, per counter or per officer."), 400, "queue"
    return render(request, "queueing/statistics.html", {
        "rows": selectors.statistics(scope.service_points(), date_from, date_to, by),
        "date_from": date_from, "date_to": date_to, "by": by, "choices": BY.items(), "error": error,
        "long_wait": selectors.LONG_WAIT_MINUTES,
    }, status=status)



@staff_required
@require_POST
def dossier_link(request, ticket_id):
    """Link a dossier to a ticket in hand (or served today) at the officer's counter, or undo the
    link: from the intake and receipt pages and the counter panel."""
    ticket = get_object_or_404(Ticket.objects.filter(counter__in=services.counters_of(request.user)), pk=ticket_id)
    action = request.POST.get("action", "")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("queueing_officer:panel")
    try:
        if action == "unlink":
            ticket = intake_link.unlink_dossier(request.user, ticket)
            messages.success(request, _("The dossier is no longer linked to ticket %(ticket)s.") % {
                "ticket": ticket.display})
        elif action == "link":
            dossier = visible_dossier(request.user, request.POST.get("code", "").strip())
            if dossier is None:
                return _panel(request, _("No dossier you may see has this code."), 400)
            ticket = intake_link.link_dossier(request.user, ticket, dossier)
            messages.success(request, _("Dossier %(code)s is linked to ticket %(ticket)s.") % {
                "code": dossier.code, "ticket": ticket.display})
        else:
            return _panel(request, _("Unknown action."), 400)
    except QueueError as refusal:
        return _panel(request, refusal.message, STATUS_OF.get(refusal.code, 409))
    return HttpResponseRedirect(back)
