"""Public pages: rating (signed link, portal, counter kiosk) and feedback (submit, track, published)."""
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import applicant_matches, mask_name
from motcua.organization.models import Counter

from . import devices, proofs, ratings, selectors, services
from .errors import FeedbackError
from .forms import AnswerRatingForm, FeedbackForm, PortalRatingForm, ProvideInfoForm, RatingForm
from .links import code_from_token
from .models import CounterDevice, Feedback, Level, Rating, RatingChannel, Reason, State


def client_ip(request) -> str:
    """The client's address as the server sees it (behind a proxy, configure it to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def officer_initials(user) -> str:
    """'Nguyễn Thị Quầy' -> 'N.T.Q.': public pages never show an officer's full name."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    name = profile.full_name if profile else user.get_full_name()
    return "".join(part[0].upper() + "." for part in (name or "").split())


def _dossier_facts(dossier: Dossier, *, public_screen: bool = False) -> dict:
    procedure = dossier.procedure_version
    sensitive = public_screen and procedure.procedure.is_sensitive
    return {
        "code": dossier.code,
        "procedure": "" if sensitive else procedure.name,
        "applicant": mask_name(dossier.applicant_name),
        "returned_at": dossier.returned_at,
        "officer": officer_initials(ratings.served_by(dossier)),
    }


# --- ratings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rate_link(request, token):
    """The signed link from the "returned" notice."""
    code = code_from_token(token)
    dossier = Dossier.objects.select_related("procedure_version").filter(code=code).first() if code else None
    if dossier is None:
        return render(request, "feedback/rate.html",
                      {"link_error": _("This rating link is invalid or has expired.")}, status=404)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratings.rate(dossier, channel=RatingChannel.LINK, **form.cleaned_data)
        except FeedbackError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you: your rating of dossier %(code)s was recorded.") % {"code": code})
            return HttpResponseRedirect(request.path)
    return _rating_page(request, dossier, form)


def _rating_page(request, dossier, form, extra=None):
    rating = Rating.objects.filter(dossier=dossier).first()
    context = {"form": form, "dossier": _dossier_facts(dossier), "rating": rating,
               "returned": dossier.status == 10, **(extra or {})}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "feedback/rate.html", context, status=status)


@require_http_methods(["GET", "POST"])
def rate_portal(request):
    """Rating from the portal: the dossier code and the applicant's phone or citizen ID (wrong
    proofs throttled like public tracking, `proofs.py`)."""
    form = PortalRatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["code"].strip()
        dossier = Dossier.objects.filter(code=code).first()
        try:
            proven = proofs.attempt(code, client_ip(request),
                                    lambda: dossier is not None and applicant_matches(dossier, data["secret"]))
        except proofs.ProofThrottled as throttled:
            form.add_error(None, throttled.message)
            status = 429
        else:
            if not proven:
                form.add_error(None, _("No dossier matches this code and phone or citizen ID."))
            else:
                try:
                    ratings.rate(dossier, level=data["level"], reasons=data["reasons"], comment=data["comment"],
                                 channel=RatingChannel.PORTAL)
                except FeedbackError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("Thank you: your rating of dossier %(code)s was recorded.")
                                     % {"code": dossier.code})
                    return HttpResponseRedirect(request.path)
    if form.errors and status == 200:
        status = 400
    return render(request, "feedback/rate_portal.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def kiosk(request, counter_id):
    """The tablet at a counter: only on a device registered to the counter (or in the session of an
    officer seated there), and only for the queue ticket or the dossier just served there; big
    buttons."""
    counter = get_object_or_404(Counter.objects.select_related("service_point"), pk=counter_id, is_active=True)
    if not devices.tablet_allowed(request, counter):
        return render(request, "feedback/kiosk_unregistered.html",
                      {"counter": counter, "may_manage": devices.may_manage(request.user, counter)}, status=403)
    error = ""
    thanks = False
    ticket = ratings.ticket_offer(counter)
    offer = None if ticket is not None else ratings.kiosk_offer(counter)
    if request.method == "POST":
        posted_ticket, posted_code = request.POST.get("ticket", "").strip(), request.POST.get("code", "").strip()
        rating = {"level": request.POST.get("level", ""), "reasons": request.POST.getlist("reasons"),
                  "comment": request.POST.get("comment", "")}
        try:
            if ticket is not None and posted_ticket == str(ticket.pk):
                ratings.rate_ticket(ticket, counter=counter, **rating)
            elif offer is not None and posted_code == offer.code and not posted_ticket:
                ratings.rate(offer, channel=RatingChannel.KIOSK, counter=counter, **rating)
            else:
                error = _("Only the dossier just served at this counter can be rated on this tablet. To rate "
                          "another dossier, use the link in the message you received or the rating page of the "
                          "portal.")
        except FeedbackError as error_:
            error = error_.message
        if not error:
            thanks, offer, ticket = True, None, None
    context = {
        "counter": counter, "dossier": _dossier_facts(offer, public_screen=True) if offer else None,
        "ticket": _ticket_facts(ticket) if ticket else None,
        "error": error, "thanks": thanks, "levels": Level.choices, "reasons": Reason.choices,
    }
    return render(request, "feedback/kiosk.html", context, status=400 if error else 200)


def _ticket_facts(ticket) -> dict:
    """What the tablet shows of a ticket: its number, the serving officer's initials and, when a
    dossier was linked at intake, its code and procedure (not for a sensitive procedure)."""
    dossier = ticket.dossier
    procedure = ""
    if dossier is not None and not dossier.procedure_version.procedure.is_sensitive:
        procedure = dossier.procedure_version.name
    return {"pk": ticket.pk, "display": ticket.display, "officer": officer_initials(ticket.served_by),
            "dossier": dossier.code if dossier else "", "procedure": procedure}


@require_http_methods(["GET", "POST"])
def kiosk_devices(request, counter_id):
    """Register this browser as the counter's rating tablet, or revoke one (officers of the counter,
    its service point's managers, province administrators)."""
    counter = get_object_or_404(Counter.objects.select_related("service_point"), pk=counter_id, is_active=True)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('backoffice:login')}?{urlencode({'next': request.get_full_path()})}")
    if not devices.may_manage(request.user, counter):
        return render(request, "feedback/kiosk_unregistered.html", {"counter": counter, "may_manage": False,
                                                                    "forbidden": True}, status=403)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                typed = request.POST.get("device", "")
                device = CounterDevice.objects.filter(pk=int(typed), counter=counter).first() if (
                    typed.isascii() and typed.isdigit() and len(typed) < 12) else None
                if device is None:
                    raise FeedbackError("not_found", _("No such device at this counter."))
                devices.revoke(request.user, device)
                messages.success(request, _("The device %(name)s was revoked.") % {"name": device.name})
                return HttpResponseRedirect(request.path)
            device, token = devices.register(request.user, counter, request.POST.get("name", ""))
        except FeedbackError as exc:
            error = exc.message
        else:
            messages.success(request, _("This device is now the rating tablet of counter %(number)s.")
                             % {"number": counter.number})
            response = HttpResponseRedirect(reverse("feedback:kiosk", args=[counter.pk]))
            devices.set_cookie(response, counter, device, token)
            return response
    context = {
        "counter": counter, "error": error, "this_device": devices.device_of(request, counter),
        "devices": CounterDevice.objects.filter(counter=counter).select_related("registered_by", "revoked_by"),
    }
    return render(request, "feedback/kiosk_devices.html", context, status=400 if error else 200)


# --- feedback ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback_submit(request):
    initial = {}
    if request.GET.get("ho_so"):
        initial = {"subject_kind": "dossier", "dossier_code": request.GET["ho_so"][:40]}
    form = FeedbackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback = services.submit_from_portal(user=request.user, client_ip=client_ip(request),
                                                       **form.cleaned_data)
            except FeedbackError as error:
                form.add_error(None, error.message)
                status = 429 if error.code == "throttled" else 400
            else:
                messages.success(request, _("Your feedback was received with the code %(code)s. Keep it to follow "
                                            "the handling.") % {"code": feedback.code})
                return HttpResponseRedirect(f"{reverse('feedback:track')}?ma={feedback.code}")
        else:
            status = 400
    return render(request, "feedback/submit.html", {"form": form}, status=status)


def published_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.published_feedback()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(public_question__icontains=q) | Q(public_answer__icontains=q))
    page = Paginator(qs, 20).get_page(request.GET.get("trang"))
    return render(request, "feedback/published_list.html", {"page": page, "q": q})


@require_http_methods(["GET", "POST"])
def track(request):
    """The sender's page, found by the code: state, dates, answer; give more information; rate."""
    code = (request.GET.get("ma") or request.POST.get("ma") or "").strip()
    feedback = Feedback.objects.select_related("agency").filter(code=code).first() if code else None
    info_form = ProvideInfoForm(request.POST if request.POST.get("form") == "info" else None, prefix="info")
    rating_form = AnswerRatingForm(request.POST if request.POST.get("form") == "rating" else None, prefix="rating")
    status = 200
    if request.method == "POST" and feedback is not None:
        form = info_form if request.POST.get("form") == "info" else rating_form
        if form.is_valid():
            try:
                if form is info_form:
                    services.provide_info(feedback, text=form.cleaned_data["text"], user=request.user)
                    messages.success(request, _("Thank you: the information was added to your feedback."))
                else:
                    services.rate_answer(feedback, user=request.user, **form.cleaned_data)
                    messages.success(request, _("Thank you for rating the answer."))
            except FeedbackError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                return HttpResponseRedirect(f"{reverse('feedback:track')}?ma={feedback.code}")
        else:
            status = 400
    if code and feedback is None:
        status = 404
    context = {"code": code, "feedback": feedback, "info_form": info_form, "rating_form": rating_form,
               "not_found": bool(code and feedback is None), "State": State}
    return render(request, "feedback/track.html", context, status=status)


def published_detail(request, code):
    feedback = get_object_or_404(selectors.published_feedback(), code=code)
    return render(request, "feedback/published_detail.html", {"feedback": feedback})
