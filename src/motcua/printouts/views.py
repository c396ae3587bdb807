"""PDF printouts for officers, scoped to the dossiers they may see."""
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organization.permissions import agencies_for

from .adapters import name_on, place_of
from .registry import render_form


def dossiers_visible_to(user):
    # Imported late: the printouts app loads even where the dossier engine is absent.
    from motcua.dossiers.selectors import dossiers_visible_to as visible

    return visible(user)

DOSSIER_FORMS = ("01", "02", "03", "04", "05")
MAX_BOOK_DAYS = 366


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def dossier_form(request, code: str, form: str):
    """Forms 01-05 of one dossier; a dossier of an agency the officer does not serve is a 404."""
    if form not in DOSSIER_FORMS:
        raise Http404(_("Unknown form."))
    dossier = get_object_or_404(dossiers_visible_to(request.user), code=code)
    return _pdf_response(render_form(form, dossier), f"{dossier.code}-mau-{form}.pdf")


def _parse_day(value: str) -> date:
    value = (value or "").strip()
    for parse in (date.fromisoformat, lambda v: date(int(v[6:10]), int(v[3:5]), int(v[0:2]))):
        try:
            return parse(value)
        except (ValueError, IndexError):
            continue
    raise ValueError(value)


@login_required
def tracking_book(request):
    """Form 06 for a period (?from=&to=, ISO or dd/mm/yyyy; default: this month so far)."""
    today = timezone.localdate()
    try:
        date_from = _parse_day(request.GET["from"]) if request.GET.get("from") else today.replace(day=1)
        date_to = _parse_day(request.GET["to"]) if request.GET.get("to") else today
    except ValueError:
        return HttpResponseBadRequest(_("Dates must be written as YYYY-MM-DD or DD/MM/YYYY."))
    if date_to < date_from:
        return HttpResponseBadRequest(_("The end date must not be before the start date."))
    if date_to - date_from > timedelta(days=MAX_BOOK_DAYS):
        return HttpResponseBadRequest(_("The period may not be longer than one year."))

    agencies = agencies_for(request.user)
    if not agencies.exists():
        raise Http404(_("You do not serve any agency."))
    agency = None
    if request.GET.get("agency"):
        agency = agencies.filter(pk=request.GET["agency"]).first() if request.GET["agency"].isdigit() else None
        if agency is None:
            raise Http404(_("Unknown agency."))
    elif agencies.count() == 1:
        agency = agencies.first()
    params = {
        "date_from": date_from,
        "date_to": date_to,
        "queryset": dossiers_visible_to(request.user),
        "agency_ids": [agency.pk] if agency else None,
        # The names in force at the end of the period (an older period keeps the names of its time).
        "agency_name": name_on(agency, date_to) if agency else _("Agencies you serve"),
        "parent_agency_name": name_on(agency.parent, date_to) if agency and agency.parent_id else "",
        "place": place_of(agency) if agency else "",
    }
    content = render_form("06", params)
    return _pdf_response(content, f"so-theo-doi-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf")
