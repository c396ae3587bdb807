"""The 06a table's headings as on the form (Biểu II.06a/VPCP/KSTT) and as in the Excel export
(`exports.to_xlsx`): three grouped heading rows and the row of column numbers, for the dashboard's
HTML table; and each column's title in words for the drill-down page."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .exports import GROUP_HEADINGS, XLSX_COLUMNS

# The dashboard's figure behind each form column (the form's (1) is the table's "to_resolve";
# (3) is counter plus post, a sum with no list of its own).
DRILL_COLUMN = {"received_total": "to_resolve", "new_offline": None}

# What a figure counts, in words: the drill-down page's title.
COLUMN_TITLES = {
    "carried_over": _("Dossiers carried over from the previous period"),
    "new_online": _("Dossiers received online in the period"),
    "new_counter": _("Dossiers received at the counter in the period"),
    "new_postal": _("Dossiers received by post in the period"),
    "new_total": _("Dossiers received in the period"),
    "to_resolve": _("Dossiers to resolve"),
    "resolved": _("Dossiers resolved"),
    "early": _("Dossiers resolved before the time limit"),
    "on_time": _("Dossiers resolved on time"),
    "late": _("Dossiers resolved late"),
    "pending": _("Dossiers being resolved"),
    "pending_within": _("Dossiers being resolved, not yet due"),
    "pending_overdue": _("Dossiers being resolved, overdue"),
}


def heading_rows(group_by: str | None) -> list[list[dict]]:
    """[[{text, colspan, rowspan}]] row by row, as the Excel's heading rows 5-8."""
    cell = lambda text, colspan=1, rowspan=1: {"text": text, "colspan": colspan, "rowspan": rowspan}  # noqa: E731
    headings = {name: (heading, number) for name, heading, number in XLSX_COLUMNS}
    names = [name for name, _h, _n in XLSX_COLUMNS]
    received = names[: names.index("carried_over") + 1]
    results = names[len(received):]
    in_period = received[1:-1]
    resolved = results[: results.index("pending")]
    pending = results[len(resolved):]
    return [
        [cell("STT", rowspan=3), cell(GROUP_HEADINGS.get(group_by, GROUP_HEADINGS[None]), rowspan=3),
         cell("Số hồ sơ nhận giải quyết", colspan=len(received)), cell("Kết quả giải quyết", colspan=len(results))],
        [cell(headings["received_total"][0], rowspan=2), cell("Trong kỳ", colspan=len(in_period)),
         cell(headings["carried_over"][0], rowspan=2), cell("Số hồ sơ đã giải quyết", colspan=len(resolved)),
         cell("Số hồ sơ đang giải quyết", colspan=len(pending))],
        [cell(headings[name][0]) for name in in_period + resolved + pending],
        [cell("(A)"), cell("(B)")] + [cell(headings[name][1]) for name in names],
    ]
