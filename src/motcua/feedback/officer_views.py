"""Officer pages under /mot-cua/: feedback list, detail with its actions, logging, and ratings.

Scoped to the agencies the officer serves; province administrators see everything, unrouted
feedback included. Feedback of another agency answers 404.
"""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.periods import local_day_bounds
from motcua.organization.access import staff_required
from motcua.organization.models import Agency
from motcua.organization.permissions import agencies_for

from . import devices, selectors, services, transitions
from .errors import FeedbackError
from .forms import AnswerForm, InfoRequestForm, OfficerFeedbackForm, PeriodForm, PublishForm, ReasonForm, RouteForm
from .models import OPEN_STATES, FeedbackChannel, State

ACTIONS = {
    # action of transitions.TRANSITIONS: (form class, service call)
    "route": (RouteForm, lambda user, fb, d: services.route(user, fb, agency=d["agency"], note=d["note"])),
    "accept": (None, lambda user, fb, d: services.accept(user, fb)),
    "refuse": (ReasonForm, lambda user, fb, d: services.refuse(user, fb, reason=d["reason"])),
    "request_info": (InfoRequestForm, lambda user, fb, d: services.request_info(user, fb, request=d["request"])),
    "answer": (AnswerForm, lambda user, fb, d: services.answer(user, fb, text=d["text"])),
    "publish": (PublishForm, lambda user, fb, d: services.publish(user, fb, **d)),
}
DONE = {
    "route": gettext_lazy("Feedback routed."), "accept": gettext_lazy("Feedback taken up."),
    "refuse": gettext_lazy("Feedback refused."), "request_info": gettext_lazy("More information was asked for."),
    "answer": gettext_lazy("Answer recorded; the sender is notified."),
    "publish": gettext_lazy("Answer published on the portal."),
}


def _agencies_for_routing(user):
    if services.is_province_wide(user):
        return Agency.objects.all()
    return agencies_for(user, "dossier.view")


@staff_required
def feedback_list(request):
    qs = selectors.feedback_visible_to(request.user)
    state = request.GET.get("trang_thai", "")
    if state in State.values:
        qs = qs.filter(state=state)
    elif state == "open":  # the home page's "open feedback": every state still to be handled
        qs = qs.filter(state__in=OPEN_STATES)
    if request.GET.get("qua_han"):
        qs = qs.filter(is_overdue=True)
    if request.GET.get("chua_giao") and services.is_province_wide(request.user):
        qs = qs.filter(agency__isnull=True)
    page = Paginator(qs.order_by("resolve_due_at", "pk"), 30).get_page(request.GET.get("trang"))
    return render(request, "feedback/officer_list.html", {
        "page": page, "states": State.choices, "state": state, "now": timezone.now(),
        "province_wide": services.is_province_wide(request.user),
    })


@staff_required
def feedback_log(request):
    agencies = _agencies_for_routing(request.user)
    form = OfficerFeedbackForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            received_at = data.pop("received_at")
            if received_at is not None:
                received_at = timezone.make_aware(received_at) if timezone.is_naive(received_at) else received_at
            try:
                feedback = services.log_by_officer(request.user, received_at=received_at, **data)
            except FeedbackError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                messages.success(request, _("Feedback logged with the code %(code)s.") % {"code": feedback.code})
                if services.can_handle(request.user, feedback):
                    return HttpResponseRedirect(reverse("feedback_officer:detail", args=[feedback.code]))
                return HttpResponseRedirect(reverse("feedback_officer:list"))
        else:
            status = 400
    return render(request, "feedback/officer_log.html", {"form": form, "channels": FeedbackChannel.choices},
                  status=status)


def _visible_or_404(request, code):
    feedback = selectors.visible_feedback(request.user, code)
    if feedback is None:
        raise Http404
    return feedback


def _action_forms(user, feedback, bound=None):
    forms = {}
    if not services.can_handle(user, feedback):
        return forms
    for name, (form_class, _call) in ACTIONS.items():
        if not transitions.is_allowed(name, feedback.state):
            continue
        if name == "request_info" and (feedback.is_anonymous or not (feedback.sender_phone or feedback.sender_email)):
            continue
        if name == "accept" and feedback.agency_id is None:
            continue
        if name in ("answer",) and feedback.agency_id is None:
            continue
        if bound and bound[0] == name:
            forms[name] = bound[1]
        elif form_class is None:
            forms[name] = None
        elif name == "publish":
            question, answer_text = services.public_texts(feedback)
            forms[name] = PublishForm(prefix=name, initial={"question": question, "answer_text": answer_text})
        else:
            forms[name] = form_class(prefix=name)
        if name == "route" and forms[name] is not None:
            forms[name].fields["agency"].queryset = _agencies_for_routing(user)
    return forms


def _detail(request, feedback, bound=None, status=200):
    return render(request, "feedback/officer_detail.html", {
        "feedback": feedback, "events": selectors.events_of(feedback), "now": timezone.now(),
        "forms": _action_forms(request.user, feedback, bound),
    }, status=status)


@staff_required
def feedback_detail(request, code):
    return _detail(request, _visible_or_404(request, code))


@staff_required
@require_POST
def feedback_action(request, code, action):
    feedback = _visible_or_404(request, code)
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    form = form_class(request.POST, prefix=action) if form_class else None
    if form is not None and action == "route":
        form.fields["agency"].queryset = _agencies_for_routing(request.user)
    if form is not None and not form.is_valid():
        return _detail(request, feedback, (action, form), status=400)
    try:
        call(request.user, feedback, form.cleaned_data if form is not None else {})
    except FeedbackError as error:
        if form is None:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("feedback_officer:detail", args=[code]))
        form.add_error(None, error.message)
        return _detail(request, feedback, (action, form), status=403 if error.code == "forbidden" else 400)
    messages.success(request, DONE[action])
    if selectors.visible_feedback(request.user, code) is None:  # routed away from the officer's agencies
        return HttpResponseRedirect(reverse("feedback_officer:list"))
    return HttpResponseRedirect(reverse("feedback_officer:detail", args=[code]))


@staff_required
def rating_report(request):
    """Ratings per officer, counter and agency over a period, within the officer's agencies."""
    form = PeriodForm(request.GET or None)
    date_from, date_to = form.period()
    start, end = local_day_bounds(date_from, date_to)
    ratings = selectors.ratings_visible_to(request.user).filter(created_at__gte=start, created_at__lt=end)
    total = ratings.order_by().count()
    tickets = selectors.ticket_ratings_visible_to(request.user).filter(created_at__gte=start, created_at__lt=end)
    summary = selectors.rating_summary(date_from, date_to, None if services.is_province_wide(request.user)
                                       else services.handler_agency_ids(request.user))
    return render(request, "feedback/officer_ratings.html", {
        "form": form, "date_from": date_from, "date_to": date_to, "summary": summary, "total": total,
        "by_officer": selectors.rating_breakdown(ratings, "officer"),
        "by_counter": selectors.rating_breakdown(ratings, "counter"),
        "by_agency": selectors.rating_breakdown(ratings, "agency"),
        "latest": ratings.order_by("-created_at", "-pk")[:50],
        "ticket_by_officer": selectors.rating_breakdown(tickets, "officer"),
        "ticket_by_counter": selectors.rating_breakdown(tickets, "counter"),
        "tablet_counters": devices.counters_of(request.user),
    })
