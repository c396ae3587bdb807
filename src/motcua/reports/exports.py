"""The 06a table as JSON, CSV (stable English names) and Excel (the official Vietnamese headings
of Biểu II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP)."""
from __future__ import annotations

import csv
import datetime
import io
import json

from django.utils.translation import gettext as _

from motcua.core.spreadsheets import csv_row, workbook_bytes

from .dossier_table import COLUMNS, RATES

GROUP_FIELDS = ("key", "code", "name")

# Group heading of the first column, by grouping (the form's "Lĩnh vực, công việc giải quyết").
GROUP_HEADINGS = {
    None: "Đơn vị",
    "field": "Lĩnh vực",
    "agency": "Cơ quan, đơn vị",
    "level": "Cấp",
    "procedure": "Thủ tục hành chính",
    "service_point": "Nơi tiếp nhận",
}

# (column, heading, number on the form). The form has one column for counter and post
# together, (3); motcua adds its split as (3a) and (3b).
XLSX_COLUMNS = (
    ("received_total", "Tổng số", "(1)=(2)+(3)+(4)"),
    ("new_online", "Trực tuyến", "(2)"),
    ("new_offline", "Trực tiếp, dịch vụ bưu chính", "(3)"),
    ("new_counter", "Trong đó: trực tiếp", "(3a)"),
    ("new_postal", "Trong đó: dịch vụ bưu chính", "(3b)"),
    ("carried_over", "Từ kỳ trước chuyển qua", "(4)"),
    ("resolved", "Tổng số", "(5)=(6)+(7)+(8)"),
    ("early", "Trả trước hạn", "(6)"),
    ("on_time", "Trả đúng thời hạn", "(7)"),
    ("late", "Trả quá hạn", "(8)"),
    ("pending", "Tổng số", "(9)=(10)+(11)"),
    ("pending_within", "Chưa đến hạn", "(10)"),
    ("pending_overdue", "Quá hạn", "(11)"),
)


def to_json(table: dict) -> str:
    return json.dumps(table, ensure_ascii=False, indent=2)


def to_csv(table: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row([*GROUP_FIELDS, *COLUMNS, *RATES]))
    for row in table["rows"]:  # names come from the database: no formula may reach a spreadsheet
        writer.writerow(csv_row([row["key"] if row["key"] is not None else "", row["code"], row["name"],
                                 *(row[c] for c in COLUMNS), *(row[r] for r in RATES)]))
    total = table["total"]
    writer.writerow(csv_row(["total", "", _("Total"), *(total[c] for c in COLUMNS), *(total[r] for r in RATES)]))
    return out.getvalue()


def _vn_date(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _vn_number(value, decimals: int = 0) -> str:
    """1.234,5 (Vietnamese: dot for thousands, comma for decimals)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def xlsx_values(row: dict) -> list:
    """The form's figures of one row, in XLSX_COLUMNS order."""
    derived = {
        "received_total": row["to_resolve"],
        "new_offline": row["new_counter"] + row["new_postal"],
    }
    return [derived.get(name, row.get(name)) for name, _heading, _number in XLSX_COLUMNS]


def to_xlsx(table: dict) -> bytes:
    """The table laid out like the form: title, period, three heading rows, rows, total, rates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "II.06a"
    width = 2 + len(XLSX_COLUMNS)
    last = get_column_letter(width)
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    sheet["A1"] = "Biểu số II.06a/VPCP/KSTT"
    sheet["A1"].font = bold
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    sheet.merge_cells(f"A3:{last}3")
    period = table["period"]
    sheet["A3"] = f"Kỳ báo cáo: từ ngày {_vn_date(period['from'])} đến ngày {_vn_date(period['to'])}"
    if table.get("service_point"):
        sheet["A3"] = sheet["A3"].value + f" - Nơi tiếp nhận: {table['service_point']}"
    for cell in ("A2", "A3"):
        sheet[cell].font, sheet[cell].alignment = bold, center

    # Heading rows 5-7 (groups), 8 (column numbers).
    top, mid, low, numbers = 5, 6, 7, 8
    sheet.merge_cells(start_row=top, start_column=1, end_row=low, end_column=1)
    sheet.cell(top, 1, "STT")
    sheet.merge_cells(start_row=top, start_column=2, end_row=low, end_column=2)
    sheet.cell(top, 2, GROUP_HEADINGS.get(table.get("group_by"), "Đơn vị"))
    sheet.merge_cells(start_row=top, start_column=3, end_row=top, end_column=8)
    sheet.cell(top, 3, "Số hồ sơ nhận giải quyết")
    sheet.merge_cells(start_row=top, start_column=9, end_row=top, end_column=width)
    sheet.cell(top, 9, "Kết quả giải quyết")
    sheet.merge_cells(start_row=mid, start_column=3, end_row=low, end_column=3)
    sheet.merge_cells(start_row=mid, start_column=4, end_row=mid, end_column=7)
    sheet.cell(mid, 4, "Trong kỳ")
    sheet.merge_cells(start_row=mid, start_column=8, end_row=low, end_column=8)
    sheet.merge_cells(start_row=mid, start_column=9, end_row=mid, end_column=12)
    sheet.cell(mid, 9, "Số hồ sơ đã giải quyết")
    sheet.merge_cells(start_row=mid, start_column=13, end_row=mid, end_column=15)
    sheet.cell(mid, 13, "Số hồ sơ đang giải quyết")
    for index, (name, heading, number) in enumerate(XLSX_COLUMNS, start=3):
        row = mid if name in ("received_total", "carried_over") else low
        sheet.cell(row, index, heading)
        sheet.cell(numbers, index, number)
    sheet.cell(numbers, 1, "(A)")
    sheet.cell(numbers, 2, "(B)")
    for r in range(top, numbers + 1):
        for c in range(1, width + 1):
            cell = sheet.cell(r, c)
            cell.font, cell.alignment, cell.border = bold, center, box

    r = numbers + 1
    for number, row in enumerate(table["rows"], start=1):
        sheet.cell(r, 1, number)
        sheet.cell(r, 2, row["name"])
        for c, value in enumerate(xlsx_values(row), start=3):
            sheet.cell(r, c, value)
        r += 1
    sheet.cell(r, 2, "Tổng cộng").font = bold
    for c, value in enumerate(xlsx_values(table["total"]), start=3):
        sheet.cell(r, c, value).font = bold
    for row_cells in sheet.iter_rows(min_row=numbers + 1, max_row=r, max_col=width):
        for cell in row_cells:
            cell.border = box
            if cell.column > 2:
                cell.number_format = "#,##0"

    total = table["total"]
    notes = [
        f"Tỷ lệ hồ sơ giải quyết trước hạn/số hồ sơ đã giải quyết: {_vn_number(total['early_rate'], 3)}%",
        f"Tỷ lệ hồ sơ giải quyết đúng hạn/số hồ sơ đã giải quyết: {_vn_number(total['on_time_rate'], 3)}%",
        f"Tỷ lệ hồ sơ giải quyết trễ hạn: {_vn_number(total['late_rate'], 3)}%",
        f"Tỷ lệ hồ sơ tiếp nhận trực tuyến/tổng số hồ sơ nhận: {_vn_number(total['online_share'], 1)}%",
        f"Tỷ lệ hồ sơ tiếp nhận qua dịch vụ bưu chính: {_vn_number(total['postal_share'], 1)}%",
        f"Số hồ sơ tiếp nhận trung bình mỗi ngày: {_vn_number(table['per_working_day'], 1)} hồ sơ/ngày làm việc "
        f"(số ngày làm việc: {table['working_days']} ngày)",
    ]
    for offset, note in enumerate(notes, start=2):
        sheet.cell(r + offset, 2, note)

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for c in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 13
    sheet.row_dimensions[low].height = 45
    return workbook_bytes(book)  # formula-like names stored as text
