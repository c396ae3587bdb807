"""The public pages of the queue under /xep-hang/: the kiosk, a ticket's status page, the board
and its JSON (polled every 2 seconds with an ETag, 304 when nothing changed)."""

from django.http import Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.site import absolute
from motcua.organization.models import ServicePoint

from . import board_cache, selectors, services
from .errors import QueueError
from .links import TICKET_LINK
from .models import PriorityGroup, Ticket

# What each refusal answers: closed or full is a conflict with the state of the day, not bad input.
STATUS_OF = {"closed": 409, "full": 409, "inactive": 409, "invalid": 400}


def _point(code) -> ServicePoint:
    return get_object_or_404(ServicePoint, code=code)


def kiosk(request, code):
    """The touch screen at the entrance: pick a queue (and a priority group), get a ticket."""
    point = _point(code)
    queues = point.queues.filter(is_active=True).order_by("order", "letter")
    groups = PriorityGroup.objects.filter(is_active=True)
    error, status = None, 200
    if request.method == "POST" and "appointment_code" in request.POST:
        return _check_in(request, point, queues, groups)
    if request.method == "POST":
        queue = _chosen(queues, request.POST.get("queue"))
        group = _chosen(groups, request.POST.get("priority_group")) if request.POST.get("priority_group") else None
        if queue is None or (request.POST.get("priority_group") and group is None):
            error, status = _("Choose a queue (and, if it applies to you, a priority group) from the list."), 400
        else:
            try:
                ticket = services.issue_ticket(queue, group)
            except QueueError as refusal:
                error, status = refusal.message, STATUS_OF.get(refusal.code, 400)
            else:
                return HttpResponseRedirect(
                    reverse("queueing:ticket", args=[TICKET_LINK.token_for(str(ticket.pk))]) + "?kiosk=1")
    return render(request, "queueing/kiosk.html", {
        "point": point, "queues": queues, "groups": groups, "error": error,
    }, status=status)


def _check_in(request, point, queues, groups):
    """The kiosk's appointment form: the SMS code (typed, or read by the kiosk's scanner, which
    types it) gives the appointment ticket; late, an ordinary ticket."""
    from . import appointments

    try:
        ticket, outcome = appointments.check_in(point, request.POST.get("appointment_code", ""))
    except QueueError as refusal:
        return render(request, "queueing/kiosk.html", {
            "point": point, "queues": queues, "groups": groups, "check_in_error": refusal.message,
            "code": request.POST.get("appointment_code", "")[:20],
        }, status=409 if refusal.code in ("closed", "wrong_state", "early") else 400)
    link = reverse("queueing:ticket", args=[TICKET_LINK.token_for(str(ticket.pk))]) + "?kiosk=1"
    return HttpResponseRedirect(link + ("&hen=tre" if outcome == "late" else ""))


def _chosen(queryset, value):
    try:
        return queryset.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


@require_GET
def ticket_status(request, token):
    """A ticket as printed (80 mm) and its place in line: people ahead and the estimated wait."""
    ticket_id = TICKET_LINK.code_from_token(token)
    ticket = Ticket.objects.select_related("queue__service_point", "priority_group", "counter").filter(
        pk=ticket_id).first() if ticket_id and ticket_id.isdigit() else None
    if ticket is None:
        raise Http404(_("This ticket link is invalid or has expired."))
    import segno

    link = absolute(reverse("queueing:ticket", args=[token]))
    return render(request, "queueing/ticket.html", {
        "ticket": ticket, "place": selectors.place_in_line(ticket), "link": link,
        "qr_svg": mark_safe(segno.make(link, error="m").svg_inline(scale=3, border=2)),  # segno's SVG: no script
        "from_kiosk": request.GET.get("kiosk") == "1", "came_late": request.GET.get("hen") == "tre",
        "slot_start": timezone.localtime(ticket.slot_start) if ticket.slot_start else None,
        "kiosk_url": reverse("queueing:kiosk", args=[ticket.queue.service_point.code]),
        "issued_at": timezone.localtime(ticket.issued_at),
    })


@require_GET
def board(request, code):
    point = _point(code)
    return render(request, "queueing/board.html", {"point": point, "board": selectors.board(point)})


@require_GET
def board_json(request, code):
    """The board's state; an ETag of its content, and 304 when the caller already has it. The body
    is kept a moment per process (board_cache.py): most polls answer 304 without a query."""
    body, etag = board_cache.board_json(code, timezone.localdate(), _point)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response

