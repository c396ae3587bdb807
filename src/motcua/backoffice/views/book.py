"""The tracking book (sổ theo dõi hồ sơ) as an HTML list for a period; form 06 prints it."""
from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from motcua.dossiers import selectors
from motcua.organization.permissions import agencies_for

from motcua.organization.access import staff_required

PAGE_SIZE = 50
MAX_DAYS = 366


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All my agencies"))] + [(a.pk, a.name) for a in agencies]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most one year."))
        return data


@staff_required
def tracking_book(request):
    agencies = list(agencies_for(request.user, "dossier.view").order_by("name"))
    if not agencies:
        raise Http404
    today = timezone.localdate()
    data = request.GET if "date_from" in request.GET else {
        "date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat(),
    }
    form = PeriodForm(data, agencies=agencies)
    rows = page_obj = None
    total = 0
    pdf_url = ""
    querystring = ""
    status = 200
    if form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        chosen = form.cleaned_data.get("agency")
        ids = [a.pk for a in agencies if chosen in (None, a.pk)]
        rows = selectors.tracking_book(ids, start, end)
        mine = request.GET.get("mine") == "1"  # the home page's "received by me today"
        if mine:
            rows = rows.filter(received_by=request.user)
        page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        total = page_obj.paginator.count
        params = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        if chosen:
            params["agency"] = chosen
        if mine:
            params["mine"] = "1"
        querystring = urlencode(params)
        # Form 06 is served by the printouts app at /mot-cua/so-theo-doi/.
        pdf_params = {"from": start.isoformat(), "to": end.isoformat(), **({"agency": chosen} if chosen else {})}
        pdf_url = f"/mot-cua/so-theo-doi/?{urlencode(pdf_params)}"
    else:
        status = 400
    context = {"form": form, "rows": rows, "page_obj": page_obj, "total": total, "pdf_url": pdf_url,
               "querystring": querystring}
    return render(request, "backoffice/book.html", context, status=status)
