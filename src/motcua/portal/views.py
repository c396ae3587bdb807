"""Public pages: the home page and the procedure catalogue (list with search and filters, detail)."""
from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import selectors
from motcua.catalog.models import Field, ProcedureVersion
from motcua.catalog.translation import translated
from motcua.core.text import vi_sort_key
from motcua.organization.models import AdministrativeLevel

PAGE_SIZE = 20


class CatalogueSearchForm(forms.Form):
    """Search box and filters; choices are read when the form is built so new fields show at once."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    field = forms.ChoiceField(label=gettext_lazy("Field"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Level"), required=False)
    online_level = forms.ChoiceField(label=gettext_lazy("Online service"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["field"].choices = everything + [(f.code, translated(f, "name").text) for f in Field.objects.all()]
        self.fields["level"].choices = everything + [(lv.code, lv.display_name()) for lv in AdministrativeLevel.objects.all()]
        self.fields["online_level"].choices = everything + list(ProcedureVersion.OnlineLevel.choices)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("e.g. dang ky khai sinh")})
        # Fields in Vietnamese dictionary order (Đ after D), whatever language their names are in.
        self.fields["field"].choices = everything + sorted(self.fields["field"].choices[1:],
                                                           key=lambda choice: vi_sort_key(str(choice[1])))


def home(request):
    # In dictionary order of the names as shown (English ones on an English page).
    fields = sorted(Field.objects.filter(versions__status=ProcedureVersion.Status.PUBLISHED).distinct(),
                    key=lambda field: vi_sort_key(translated(field, "name").text))
    return render(request, "portal/home.html", {"form": CatalogueSearchForm(), "fields": fields})


def procedure_list(request):
    form = CatalogueSearchForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        queryset = selectors.filter_catalogue(
            selectors.published(),
            field=data.get("field"),
            level=data.get("level"),
            online_level=data.get("online_level"),
        )
        queryset = selectors.for_list(selectors.search(queryset, data.get("q")))
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("lang", None)
    return render(
        request, "portal/procedure_list.html", {"form": form, "page": page, "query_string": params.urlencode()}
    )


def procedure_detail(request, code):
    version = selectors.published_by_code(code)
    if version is None:
        raise Http404(_("No procedure in force has this code."))
    agencies, places = selectors.where_to_submit(version)
    online_limit = None
    if version.online_time_limit is not None:
        online_limit = selectors.time_limit_text(version.online_time_limit, version.time_limit_unit)
    cases = [
        {
            "case": case,
            "limit": selectors.time_limit_text(case.time_limit, case.time_limit_unit)
            if case.time_limit is not None
            else None,
        }
        for case in version.cases.all()
    ]
    context = {
        "version": version,
        "procedure": version.procedure,
        "time_limit": selectors.time_limit_text(version.time_limit, version.time_limit_unit),
        "online_limit": online_limit,
        "service_promise": selectors.time_limit_text(version.service_promise, version.time_limit_unit)
        if version.service_promise is not None
        else None,
        "cases": cases,
        "agencies": agencies,
        "places": places,
        "channels": selectors.channels(version),
    }
    return render(request, "portal/procedure_detail.html", context)
