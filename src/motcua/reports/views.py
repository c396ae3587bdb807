"""Dashboard pages for officers with `reports.view` (centre managers, leaders, province
administrators), scoped to the agencies they serve; province administrators see the province."""
from __future__ import annotations

import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.core.db_routing import heavy_reads
from motcua.organization.access import staff_required
from motcua.organization.models import Role
from motcua.organization.permissions import active_assignments, agencies_for, has_permission

from .charts import bar_chart, hbar_chart
from .dossier_table import COLUMNS, GROUPS, ReportError, check_period_covered, dossier_table, dossier_table_cell
from .forms import ReportPeriodForm
from .exports import XLSX_COLUMNS, to_xlsx, xlsx_values
from .dashboard import dashboard_data
from .periodic import report_content, to_docx, to_pdf
from .queue_section import add_queue_section, queue_figures
from .table_headings import COLUMN_TITLES, DRILL_COLUMN, heading_rows

TABLE_GROUPS = ("field", "agency", "level", "service_point")


def report_scope(user) -> list[int] | None:
    """The competent agencies the user may report on; None for the whole province."""
    if not has_permission(user, "reports.view"):
        raise PermissionDenied
    if user.is_superuser or active_assignments(user).filter(role=Role.PROVINCE_ADMIN).exists():
        return None
    return sorted(agencies_for(user, "reports.view").values_list("pk", flat=True))


def _period_form(request) -> ReportPeriodForm:
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        form.mark_invalid()
    return form


def _refused(request, form, messages, agency_ids, template="reports/dashboard.html", extra=None):
    """The page with the period form and its messages, no figures, 400: nothing computed or stored."""
    return render(request, template, {
        "errors": messages, "refused": True, "period_form": form, "group_by": _group_by(request),
        "groups": TABLE_GROUPS, "province_wide": agency_ids is None, **(extra or {}),
    }, status=400)


class AskedPeriod(NamedTuple):
    agency_ids: list[int] | None
    form: ReportPeriodForm
    date_from: datetime.date
    date_to: datetime.date


def _asked_period(request, template="reports/dashboard.html", extra=None) -> AskedPeriod | HttpResponse:
    """The person's report scope and the period asked for, if it can be reported on; else the 400
    page: an impossible period (`ReportPeriodForm`), or one the working calendar does not cover
    (a year whose days off were never entered)."""
    agency_ids = report_scope(request.user)
    form = _period_form(request)
    if not form.is_valid():
        return _refused(request, form, form.messages(), agency_ids, template, extra)
    try:
        check_period_covered(*form.period())
    except ReportError as error:
        return _refused(request, form, [str(error)], agency_ids, template, extra)
    return AskedPeriod(agency_ids, form, *form.period())


def _group_by(request) -> str:
    return request.GET.get("group_by") if request.GET.get("group_by") in TABLE_GROUPS else "field"


@heavy_reads
@staff_required
def dashboard(request):
    asked = _asked_period(request)
    if isinstance(asked, HttpResponse):
        return asked
    agency_ids, form, date_from, date_to = asked
    group_by = _group_by(request)
    data = dashboard_data(date_from, date_to, group_by, agency_ids)
    table, index, ranking, trend, figures = (data[k] for k in ("table", "index", "ranking", "trend", "figures"))
    query = {"from": date_from.isoformat(), "to": date_to.isoformat()}

    def cell_url(column, key=None, grouped=True):
        params = dict(query, column=column)
        if grouped:
            params.update(group_by=group_by, key="" if key is None else key)
        return f"{reverse('reports:cell')}?{urlencode(params)}"

    def form_cells(row, key=None, grouped=True):
        """(figure, drill-down URL or "") in the form's column order (table_headings)."""
        return [(value, cell_url(DRILL_COLUMN.get(name, name), key, grouped) if DRILL_COLUMN.get(name, name) else "")
                for (name, _h, _n), value in zip(XLSX_COLUMNS, xlsx_values(row))]

    rows = [{"name": r["name"], "cells": form_cells(r, r["key"])} for r in table["rows"]]
    total = form_cells(table["total"], grouped=False)
    return render(request, "reports/dashboard.html", {
        "period_form": form, "date_from": date_from, "date_to": date_to, "group_by": group_by,
        "groups": TABLE_GROUPS, "headings": heading_rows(group_by), "table": table, "rows": rows, "total": total,
        "figures": figures, "index": index, "ranking": ranking, "trend": trend,
        "query": urlencode(query), "province_wide": agency_ids is None,
        "queue": queue_figures(date_from, date_to, agency_ids),
        "trend_chart": bar_chart([(t["label"], t["received"]) for t in trend], _("Dossiers received per month")),
        "ranking_chart": hbar_chart([(r["name"], r["on_time_rate"]) for r in ranking[:15]],
                                    _("Agencies by on-time rate (%)")),
        "index_chart": hbar_chart([(a["name"], float(a["score"])) for a in index["agencies"][:15]],
                                  _("Agencies by service index score")),
    })


@heavy_reads
@staff_required
def cell_dossiers(request):
    """The dossiers behind one number of the 06a table."""
    column = request.GET.get("column", "")
    group_by = request.GET.get("group_by") or None
    key = request.GET.get("key") or None
    drill = {"column": column, "drill_group_by": group_by or "", "key": key or ""}
    asked = _asked_period(request, "reports/cell.html", drill)
    if isinstance(asked, HttpResponse):
        return asked
    agency_ids, form, date_from, date_to = asked
    if column not in COLUMNS or (group_by is not None and group_by not in GROUPS):
        return render(request, "reports/cell.html", {"errors": [_("Unknown column or grouping.")], "period_form": form,
                                                      "refused": True, **drill}, status=400)
    try:
        qs = dossier_table_cell(date_from, date_to, column, group_key=int(key) if key else None,
                                group_by=group_by, agency_ids=agency_ids)
    except (ReportError, ValueError):
        return render(request, "reports/cell.html", {"errors": [_("Unknown column or grouping.")], "period_form": form,
                                                      "refused": True, **drill}, status=400)
    page = Paginator(qs.select_related("competent_agency"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/cell.html", {
        "page": page, "column": column, "title": COLUMN_TITLES[column], "date_from": date_from, "date_to": date_to,
        "period_form": form, **drill,
        "count": page.paginator.count,
    })


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@heavy_reads
@staff_required
def download_table(request):
    asked = _asked_period(request)
    if isinstance(asked, HttpResponse):
        return asked
    agency_ids, form, date_from, date_to = asked
    group_by = _group_by(request)
    table = dossier_table(date_from, date_to, group_by=group_by, agency_ids=agency_ids)
    return _download(to_xlsx(table), f"bieu-06a_{date_from}_{date_to}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@heavy_reads
@staff_required
def download_report(request, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404
    asked = _asked_period(request)
    if isinstance(asked, HttpResponse):
        return asked
    agency_ids, form, date_from, date_to = asked
    content = report_content(date_from, date_to, agency_ids=agency_ids)
    if request.GET.get("xep_hang") == "1":  # the optional queue section (issue 12)
        add_queue_section(content, date_from, date_to, agency_ids)
    if fmt == "pdf":
        return _download(to_pdf(content), f"bao-cao_{date_from}_{date_to}.pdf", "application/pdf")
    return _download(to_docx(content), f"bao-cao_{date_from}_{date_to}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
