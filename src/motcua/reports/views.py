"""Dashboard pages for officers with `reports.view` (centre managers, leaders, province
administrators), scoped to the agencies they serve; province administrators see the province."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.organization.access import staff_required
from motcua.organization.models import Role
from motcua.organization.permissions import active_assignments, agencies_for, has_permission

from .charts import bar_chart, hbar_chart
from .dossier_table import (COLUMNS, GROUPS, ReportError, check_period_covered, dossier_table, dossier_table_cell,
                            period_bounds)
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


def _period(request) -> tuple[datetime.date, datetime.date, str]:
    """?from=&to= (YYYY-MM-DD); default: 1 January of this year to today. Bad dates: the default
    with a message."""
    today = timezone.localdate()
    default = (datetime.date(today.year, 1, 1), today)
    try:
        date_from = datetime.date.fromisoformat(request.GET.get("from") or default[0].isoformat())
        date_to = datetime.date.fromisoformat(request.GET.get("to") or default[1].isoformat())
        period_bounds(date_from, date_to)
    except ValueError as error:
        message = str(error) if isinstance(error, ReportError) else _("The dates must be written YYYY-MM-DD.")
        return default[0], default[1], message
    return date_from, date_to, ""


def _not_covered(request, date_from, date_to, group_by, agency_ids):
    """When the working calendar does not cover the period (a year whose days off were never
    entered): the dashboard page with the calendar's message and no figures, 400, nothing computed
    or stored. None when it covers the period."""
    try:
        check_period_covered(date_from, date_to)
    except ReportError as error:
        return render(request, "reports/dashboard.html", {
            "error": str(error), "not_covered": True, "date_from": date_from, "date_to": date_to,
            "group_by": group_by, "groups": TABLE_GROUPS, "province_wide": agency_ids is None,
        }, status=400)
    return None


def _group_by(request) -> str:
    return request.GET.get("group_by") if request.GET.get("group_by") in TABLE_GROUPS else "field"


@staff_required
def dashboard(request):
    agency_ids = report_scope(request.user)
    date_from, date_to, error = _period(request)
    group_by = _group_by(request)
    refused = _not_covered(request, date_from, date_to, group_by, agency_ids)
    if refused is not None:
        return refused
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
        "error": error, "date_from": date_from, "date_to": date_to, "group_by": group_by,
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


@staff_required
def cell_dossiers(request):
    """The dossiers behind one number of the 06a table."""
    agency_ids = report_scope(request.user)
    date_from, date_to, error = _period(request)
    column = request.GET.get("column", "")
    group_by = request.GET.get("group_by") or None
    key = request.GET.get("key") or None
    if column not in COLUMNS or (group_by is not None and group_by not in GROUPS):
        return render(request, "reports/cell.html", {"error": _("Unknown column or grouping.")}, status=400)
    try:
        qs = dossier_table_cell(date_from, date_to, column, group_key=int(key) if key else None,
                                group_by=group_by, agency_ids=agency_ids)
    except (ReportError, ValueError):
        return render(request, "reports/cell.html", {"error": _("Unknown column or grouping.")}, status=400)
    page = Paginator(qs.select_related("competent_agency"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/cell.html", {
        "page": page, "column": column, "title": COLUMN_TITLES[column], "date_from": date_from, "date_to": date_to, "error": error,
        "count": page.paginator.count,
    })


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def download_table(request):
    agency_ids = report_scope(request.user)
    date_from, date_to, _error = _period(request)
    group_by = _group_by(request)
    refused = _not_covered(request, date_from, date_to, group_by, agency_ids)
    if refused is not None:
        return refused
    table = dossier_table(date_from, date_to, group_by=group_by, agency_ids=agency_ids)
    return _download(to_xlsx(table), f"bieu-06a_{date_from}_{date_to}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@staff_required
def download_report(request, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404
    agency_ids = report_scope(request.user)
    date_from, date_to, _error = _period(request)
    refused = _not_covered(request, date_from, date_to, _group_by(request), agency_ids)
    if refused is not None:
        return refused
    content = report_content(date_from, date_to, agency_ids=agency_ids)
    if request.GET.get("xep_hang") == "1":  # the optional queue section (issue 12)
        add_queue_section(content, date_from, date_to, agency_ids)
    if fmt == "pdf":
        return _download(to_pdf(content), f"bao-cao_{date_from}_{date_to}.pdf", "application/pdf")
    return _download(to_docx(content), f"bao-cao_{date_from}_{date_to}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
