"""The public statistics pages (`/thong-ke/`, no sign-in): docs/reports.md, "Public statistics".

    /thong-ke/?ky=thang&nam=2026&thang=11      a month (default: the last closed month)
    /thong-ke/?ky=quy&nam=2026&quy=4           a quarter
    /thong-ke/?ky=nam&nam=2026                 a year
    /thong-ke/thong-ke.csv?...  /thong-ke/thong-ke.json?...   the same figures

An impossible period (month 13, a year the working calendar does not cover...) answers 400 with
the form and its message; a period not closed yet answers 200 saying its figures are not
published yet.
"""
from __future__ import annotations

import csv
import io
import json

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.db_routing import heavy_reads
from motcua.core.formatting import vn_number

from .charts import hbar_chart
from .dossier_table import ReportError
from .publicstats import FIGURES, Period, last_closed_month, plain, public_figures

KIND_PARAM = {"thang": "month", "quy": "quarter", "nam": "year"}
SORTS = ("name", "level", *FIGURES)
# The agencies' table: (sort key, heading); every heading sorts, a second click reverses.
COLUMNS = (
    ("name", gettext_lazy("Agency")),
    ("level", gettext_lazy("Level")),
    ("received", gettext_lazy("Received")),
    ("resolved", gettext_lazy("Resolved")),
    ("on_time_rate", gettext_lazy("On time (%)")),
    ("online_share", gettext_lazy("Online (%)")),
    ("pending_overdue", gettext_lazy("Pending, overdue")),
    ("score", gettext_lazy("766 score")),
)


class PeriodForm(forms.Form):
    ky = forms.ChoiceField(label=gettext_lazy("Period"), choices=[
        ("thang", gettext_lazy("Month")), ("quy", gettext_lazy("Quarter")), ("nam", gettext_lazy("Year"))])
    nam = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    thang = forms.TypedChoiceField(label=gettext_lazy("Month"), coerce=int, required=False,
                                   choices=[("", "—")] + [(m, f"{m:02d}") for m in range(1, 13)])
    quy = forms.TypedChoiceField(label=gettext_lazy("Quarter"), coerce=int, required=False,
                                 choices=[("", "—")] + [(q, f"{q}") for q in range(1, 5)])

    def clean(self):
        data = super().clean()
        kind = data.get("ky")
        if kind == "thang" and not data.get("thang"):
            self.add_error("thang", _("Choose the month."))
        if kind == "quy" and not data.get("quy"):
            self.add_error("quy", _("Choose the quarter."))
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        kind = KIND_PARAM[data["ky"]]
        number = {"month": data.get("thang"), "quarter": data.get("quy"), "year": 1}[kind]
        return Period(kind, data["nam"], number)


def _form(request) -> tuple[PeriodForm, Period | None, str]:
    """The bound form (the last closed month when no period is asked for), its period, and the
    message when the period is impossible."""
    default = last_closed_month()
    if not any(name in request.GET for name in ("ky", "nam", "thang", "quy")):
        form = PeriodForm({"ky": "thang", "nam": default.year, "thang": default.number})
    else:
        form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None, _("This period does not exist: check the year, the month or the quarter.")
    return form, form.period(), ""


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        return rows
    if key in ("name", "level"):
        field = "level_rank" if key == "level" else "name"
        return sorted(rows, key=lambda r: (r[field], r["name"]), reverse=descending)
    present = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key], reverse=descending)
    return present + [r for r in rows if r[key] is None]  # "—" last either way


def _two_decimals(value) -> str:
    return vn_number(value, 2)


def _cells(row: dict) -> list[str]:
    """A row's figures as the tables print them (Vietnamese format, "—" for no data)."""
    def rate(value):
        return "—" if value is None else vn_number(value, 2)
    return [vn_number(row["received"]), vn_number(row["resolved"]), rate(row["on_time_rate"]),
            rate(row["online_share"]), vn_number(row["pending_overdue"]), rate(row["score"])]


def _rows_html(rows: list[dict], first: str) -> str:
    """The <tr> of a table, built here rather than in the template: forty agencies of eight
    figures are a thousand template nodes, most of the page's time (docs/performance.md)."""
    return format_html_join("", "<tr><th scope=\"row\">{}</th><td{}>{}</td>{}</tr>", (
        (r["name"], "" if first == "agencies" else mark_safe(' class="text"'),
         vn_number(r["agencies"]) if first == "agencies" else r["level"],
         format_html_join("", "<td>{}</td>", ((c,) for c in _cells(r)))) for r in rows))


def _headings(query: dict, sort: str) -> list[dict]:
    """The sortable headings: their link (ascending first; the current one reversed) and aria-sort."""
    out = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        first = key if key in ("name", "level") else f"-{key}"  # figures: the highest first
        target = (key if descending else f"-{key}") if current else first
        out.append({"key": key, "label": label, "url": "?" + urlencode({**query, "sap_xep": target}),
                    "aria_sort": ("descending" if descending else "ascending") if current else "none"})
    return out


def _figures_or_error(form, period):
    """(figures, status, message): figures None when there is nothing to show."""
    if period is None:
        return None, 400, _("This period does not exist: check the year, the month or the quarter.")
    try:
        figures = public_figures(period)
    except ReportError as error:  # a year the working calendar does not cover
        form.add_error(None, str(error))
        return None, 400, str(error)
    if figures is None:
        return None, 200, ""
    return figures, 200, ""


@heavy_reads
def public_stats(request):
    form, period, message = _form(request)
    figures, status, message = _figures_or_error(form, period)
    sort = request.GET.get("sap_xep", "")
    query = {k: v for k, v in request.GET.items() if k in ("ky", "nam", "thang", "quy", "lang") and v}
    if period is not None and "ky" not in query:
        query = {"ky": {"month": "thang", "quarter": "quy", "year": "nam"}[period.kind], "nam": period.year,
                 **({"thang": period.number} if period.kind == "month" else {}),
                 **({"quy": period.number} if period.kind == "quarter" else {})}
    context = {"form": form, "period": period, "figures": figures, "error": message,
               "not_published": status == 200 and figures is None, "query": urlencode(query),
               "sort": sort}
    if figures is not None:
        agencies = _sorted(figures["agencies"], sort) if sort else figures["agencies"]
        context.update({
            "agencies": agencies,
            "agency_rows": _rows_html(agencies, "level"),
            "level_rows": _rows_html(figures["levels"], "agencies"),
            "province_cells": _cells(figures["province"]),
            "columns": _headings(query, sort),
            "levels": figures["levels"],
            "on_time_chart": hbar_chart(
                [(a["name"], a["on_time_rate"]) for a in sorted(
                    (a for a in figures["agencies"] if a["on_time_rate"] is not None),
                    key=lambda a: (-a["on_time_rate"], a["name"]))],
                _("On-time rate by agency (%)"), value_text=_two_decimals),
            "score_chart": hbar_chart(
                [(a["name"], float(a["score"])) for a in sorted(
                    (a for a in figures["agencies"] if a["score"] is not None),
                    key=lambda a: (-a["score"], a["name"]))],
                _("Service index (Decision 766) by agency, out of 100"), value_text=_two_decimals),
        })
    return render(request, "reports/public_stats.html", context, status=status)


def _rows_for_download(figures: dict) -> list[dict]:
    province = {"unit": "province", "code": "", "name": _("Whole province"), "level": "", **figures["province"]}
    levels = [{"unit": "level", "code": lv["code"], "name": lv["name"], "level": lv["name"],
               **{k: lv[k] for k in FIGURES}} for lv in figures["levels"]]
    agencies = [{"unit": "agency", "code": a["code"], "name": a["name"], "level": a["level"],
                 **{k: a[k] for k in FIGURES}} for a in figures["agencies"]]
    return [province, *levels, *agencies]


@heavy_reads
def public_stats_download(request, fmt: str):
    if fmt not in ("csv", "json"):
        raise Http404
    form, period, _message = _form(request)
    figures, status, message = _figures_or_error(form, period)
    if figures is None:
        if status == 200:
            status, message = 404, _("The figures of this period are not published yet: they are published "
                                     "after the period ends.")
        if fmt == "json":
            return JsonResponse({"error": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    rows = [{k: plain(v) for k, v in row.items()} for row in _rows_for_download(figures)]
    filename = f"thong-ke_{period.slug}.{fmt}"
    if fmt == "json":
        body = json.dumps({"period": {"kind": period.kind, "from": period.first_day.isoformat(),
                                      "to": period.last_day.isoformat(), "label": period.label},
                           "index_weights": figures["weights"], "columns": list(FIGURES), "rows": rows},
                          ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["unit", "code", "name", "level", *FIGURES])
        writer.writeheader()
        writer.writerows(rows)
        # A byte-order mark so that Excel opens the Vietnamese names as UTF-8.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
