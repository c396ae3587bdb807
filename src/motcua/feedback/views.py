"""Public pages: rating (signed link, portal, counter kiosk) and feedback (submit, track, published)."""
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

from . import ratings, selectors, services
from .errors import FeedbackError
from .forms import AnswerRatingForm, FeedbackForm, PortalRatingForm, ProvideInfoForm, RatingForm
from .links import code_from_token
from .models import Feedback, Level, Rating, RatingChannel, Reason, State


def client_ip(request) -> str:
    """The client's address as the server sees it (behind a proxy, configure it to set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "")


def _officer_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.full_name if profile else (user.get_full_name() or user.username)


def _dossier_facts(dossier: Dossier) -> dict:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "applicant": mask_name(dossier.applicant_name),
        "returned_at": dossier.returned_at,
        "officer": _officer_name(ratings.served_by(dossier)),
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
    """Rating from the portal: the dossier code and the applicant's phone or citizen ID."""
    form = PortalRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dossier = Dossier.objects.filter(code=data["code"].strip()).first()
        if dossier is None or not applicant_matches(dossier, data["secret"]):
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
    return render(request, "feedback/rate_portal.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def kiosk(request, counter_id):
    """The tablet at a counter: the officer's last returned dossier is offered; big buttons."""
    counter = get_object_or_404(Counter.objects.select_related("service_point"), pk=counter_id, is_active=True)
    error = ""
    thanks = False
    if request.method == "POST":
        dossier = ratings.kiosk_dossier(counter, request.POST.get("code", ""))
        if dossier is None:
            error = _("No dossier with this code was handled at this counter.")
        else:
            try:
                ratings.rate(dossier, level=request.POST.get("level", ""), reasons=request.POST.getlist("reasons"),
                             comment=request.POST.get("comment", ""), channel=RatingChannel.KIOSK, counter=counter)
            except FeedbackError as error_:
                error = error_.message
            else:
                thanks = True
    typed = request.GET.get("ma", "").strip()
    if typed and not thanks:
        dossier = ratings.kiosk_dossier(counter, typed)
        if dossier is None:
            error = _("No dossier with this code was handled at this counter.")
    else:
        dossier = None if thanks else ratings.kiosk_offer(counter)
    context = {
        "counter": counter, "dossier": _dossier_facts(dossier) if dossier else None,
        "dossier_returned": bool(dossier and dossier.status == 10), "error": error, "thanks": thanks,
        "levels": Level.choices, "reasons": Reason.choices,
    }
    return render(request, "feedback/kiosk.html", context, status=400 if error and request.method == "POST" else 200)


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
