"""The periodic report drafted in the administrative document format of Decree 30/2020/NĐ-CP,
as Word (.docx, `periodic_docx.py`) and PDF (`periodic_pdf.py`).

    content = report_content(date(2021, 11, 1), date(2022, 4, 15), service_point=centre)
    to_docx(content) -> bytes;  to_pdf(content) -> bytes

`report_content` gathers the figures once (the 06a table by field, the other figures, the 766
index) into the document's parts: the header (the issuing body under its parent body, the national
motto, "Số: .../BC-...", place and date), the title with the province's name, the body as a list
of blocks (headings, sentences with their figures filled in, in Vietnamese number format
35.809; 63,826%, and tables, the 06a one with its grouped headers), "Nơi nhận" and the signature
block. Both renderers lay out the same content, so the Word file the officer edits and the PDF say
the same thing. The narrative parts are left for the officer.

**Sections can be added** without touching this file: `@report_section("II", order=..)` on a
function `(ReportContext) -> list of blocks` (or `[]` to leave it out) adds a numbered
sub-section to part II ("Các kết quả khác"); the built-in ones are registered the same way
(postal 10, on the spot 20, digitisation 30, satisfaction 40, late steps 50). Another app
registers its section in a module imported from its `AppConfig.ready()`.

Block kinds: ("heading", text) a numbered heading is written with its number; ("bullet", text);
("paragraph", text); ("table", headings, rows); ("grouped_table", header_rows, rows, options):
header_rows is a list of rows of (text, colspan, rowspan), `options` {"landscape": bool,
"widths": relative widths, "number_row": [...]}.
"""
from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone, translation

from .dossier_table import dossier_table
from .exports import XLSX_COLUMNS, _vn_number, xlsx_values
from .figures import period_figures
from .index766 import service_index

PARTS = {"II": "II. CÁC KẾT QUẢ KHÁC"}
_SECTIONS: list[tuple[str, int, str, object]] = []  # (part, order, title, builder)


def report_section(part: str, order: int, title: str):
    """Register a sub-section of `part` (only "II" today): `builder(ctx) -> list of blocks`."""
    def decorate(builder):
        _SECTIONS[:] = [s for s in _SECTIONS if (s[0], s[2]) != (part, title)]  # a reload replaces
        _SECTIONS.append((part, order, title, builder))
        _SECTIONS.sort(key=lambda s: (s[0], s[1]))
        return builder
    return decorate


def sections(part: str) -> list[tuple[str, object]]:
    return [(title, builder) for p, _order, title, builder in _SECTIONS if p == part]


@dataclass
class ReportContext:
    date_from: datetime.date
    date_to: datetime.date
    agency_ids: object = None
    service_point: object = None
    table: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)


def vn_int(value) -> str:
    return _vn_number(int(value or 0), 0)


def vn_pct(value, decimals: int = 3) -> str:
    """63,826% (trailing zeros kept to the chosen decimals, like the seeds)."""
    return f"{_vn_number(float(value or 0), decimals)}%"


def vn_date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- the header's names ---------------------------------------------------------------------------

LEVEL_WORDS = ("Tỉnh ", "Thành phố ", "tỉnh ", "thành phố ")


def province_names() -> tuple[str, str]:
    """("Tỉnh Sông Mây", "Sông Mây") from the administrative units; ("", "") when none."""
    from motcua.organization.models import AdministrativeUnit

    unit = (AdministrativeUnit.objects.filter(parent__isnull=True, level__rank=1).order_by("valid_to", "pk")
            .last())
    if unit is None:
        return "", ""
    short = unit.name
    for word in LEVEL_WORDS:
        if short.startswith(word):
            short = short[len(word):]
    return unit.name, short


def initials(name: str) -> str:
    """'Trung tâm Phục vụ hành chính công tỉnh Sông Mây' -> 'TTPVHCC' (the body's abbreviation on
    "Số: .../BC-..."), up to the place name."""
    words = []
    for word in name.split():
        if word.lower() in ("tỉnh", "xã", "phường", "thành", "đặc"):
            break
        words.append(word)
    letters = "".join(w[0] for w in words if w[0].isalpha()).replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode().upper()


def header_of(unit_name: str, service_point, issued_on: datetime.date | None, day: datetime.date) -> dict:
    from motcua.printouts.adapters import receiving_body

    _province, short = province_names()
    parent = ""
    if service_point is not None and getattr(service_point, "host_agency_id", None):
        parent = receiving_body(service_point, day)[1]  # the same rule as form 01
    elif short:
        parent = f"Ủy ban nhân dân tỉnh {short}"
    place = short or "......"
    if issued_on:
        dated = f"{place}, ngày {issued_on.day:02d} tháng {issued_on.month:02d} năm {issued_on.year}"
    else:  # dated when signed
        dated = f"{place}, ngày      tháng      năm {timezone.localdate().year}"
    return {
        "parent": parent.upper(), "body": unit_name.upper(), "number": f"Số:        /BC-{initials(unit_name)}",
        "motto": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"), "dated": dated,
        "province_short": short,
    }


# --- the content ----------------------------------------------------------------------------------


def report_content(date_from: datetime.date, date_to: datetime.date, agency_ids=None, service_point=None,
                   unit_name: str | None = None, issued_on: datetime.date | None = None,
                   signer_title: str = "GIÁM ĐỐC", signer_name: str = "") -> dict:
    # The figures first, in the caller's language (a refusal, e.g. a year the calendar does not
    # cover, speaks it); the document itself is Vietnamese, whatever the page's language.
    ctx = ReportContext(date_from, date_to, agency_ids, service_point)
    ctx.table = dossier_table(date_from, date_to, group_by="field", service_point=service_point, agency_ids=agency_ids)
    ctx.figures = period_figures(date_from, date_to, agency_ids=agency_ids, service_point=service_point)
    ctx.index = service_index(date_from, date_to, agency_ids=agency_ids)
    with translation.override("vi"):
        return _content(ctx, unit_name, issued_on, signer_title, signer_name)


def _content(ctx: ReportContext, unit_name, issued_on, signer_title, signer_name):
    date_from, date_to, service_point = ctx.date_from, ctx.date_to, ctx.service_point
    _province, short = province_names()
    if unit_name is None:  # the name the service point bore at the end of the period (Decree 118/2025)
        unit_name = service_point.name_on(date_to) if hasattr(service_point, "name_on") else \
            "Trung tâm Phục vụ hành chính công tỉnh" + (f" {short}" if short else "")
    table = ctx.table
    t = table["total"]
    period = f"(Từ ngày {vn_date(date_from)} đến ngày {vn_date(date_to)})"
    where = unit_name if (not short or short in unit_name) else f"{unit_name} tỉnh {short}"
    header = header_of(unit_name, service_point, issued_on, date_to)
    blocks: list[tuple] = [
        ("heading", "I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TTHC"),
        ("heading", "1. Tiếp nhận hồ sơ"),
        ("bullet", f"Tổng số hồ sơ tiếp nhận trong kỳ: {vn_int(t['new_total'])} hồ sơ (trực tiếp "
                   f"{vn_int(t['new_counter'])}, trực tuyến {vn_int(t['new_online'])}, qua bưu chính "
                   f"{vn_int(t['new_postal'])}); từ kỳ trước chuyển sang: {vn_int(t['carried_over'])} hồ sơ."),
        ("bullet", f"Số hồ sơ tiếp nhận trung bình mỗi ngày: {_vn_number(table['per_working_day'], 1)} hồ sơ/ngày "
                   f"làm việc (số ngày được tính để chia tỷ lệ: {table['working_days']} ngày)."),
        ("bullet", f"Tỷ lệ hồ sơ tiếp nhận trực tuyến/tổng số hồ sơ nhận đạt: {vn_pct(t['online_share'], 1)}."),
        ("bullet", f"Số hồ sơ tiếp nhận qua dịch vụ Bưu chính, Bưu chính công ích: {vn_int(t['new_postal'])} "
                   f"hồ sơ/tổng số hồ sơ nhận, đạt tỷ lệ: {vn_pct(t['postal_share'], 1)}."),
        ("heading", "2. Giải quyết hồ sơ"),
        ("bullet", f"Tổng số hồ sơ phải giải quyết: {vn_int(t['to_resolve'])} hồ sơ; đã giải quyết "
                   f"{vn_int(t['resolved'])} hồ sơ (trước hạn {vn_int(t['early'])}, đúng hạn {vn_int(t['on_time'])}, "
                   f"quá hạn {vn_int(t['late'])}); đang giải quyết {vn_int(t['pending'])} hồ sơ (chưa đến hạn "
                   f"{vn_int(t['pending_within'])}, quá hạn {vn_int(t['pending_overdue'])})."),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết trước hạn/số HS đã giải quyết: {vn_pct(t['early_rate'])}"),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết đúng hạn/số HS đã giải quyết: {vn_pct(t['on_time_rate'])}"),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết trễ hạn: {vn_pct(t['late_rate'])}"),
        ("heading", "3. Kết quả theo lĩnh vực (Biểu II.06a/VPCP/KSTT)"),
        table_06a(table),
    ]
    blocks.append(("heading", PARTS["II"]))
    number = 0
    for title, builder in sections("II"):
        part = builder(ctx)
        if not part:
            continue
        number += 1
        blocks.append(("heading", f"{number}. {title}"))
        blocks += part
    blocks += index_blocks(ctx.index, ctx.figures["ratings"])
    blocks += [
        ("heading", "IV. ĐÁNH GIÁ CHUNG, PHƯƠNG HƯỚNG, ĐỀ XUẤT"),
        ("paragraph", "(Cán bộ bổ sung nội dung đánh giá, phương hướng và đề xuất.)"),
    ]
    abbreviation = initials(unit_name)
    return {
        "title": "BÁO CÁO",
        "subtitle": f"Tình hình, kết quả tiếp nhận và giải quyết thủ tục hành chính của {where}",
        "period": period, "header": header, "blocks": blocks,
        "recipients": ["Như trên;", f"Ủy ban nhân dân tỉnh{f' {short}' if short else ''} (để báo cáo);",
                       f"Văn phòng Ủy ban nhân dân tỉnh{f' {short}' if short else ''};",
                       "Các sở, ban, ngành;", f"Lưu: VT, {abbreviation}."],
        "signer": {"title": signer_title.upper(), "name": signer_name},
        "table": table, "figures": ctx.figures,
    }


def table_06a(table: dict) -> tuple:
    """The 06a table as on the form: grouped headers (received / resolved / pending, each with its
    total and its parts), the column numbers (1)..(11), one line per field and the total."""
    by_number = [number for _name, _heading, number in XLSX_COLUMNS]
    header_rows = [
        [("STT", 1, 3), ("Lĩnh vực giải quyết", 1, 3), ("Số hồ sơ nhận giải quyết", 6, 1),
         ("Kết quả giải quyết", 7, 1)],
        [("Tổng số", 1, 2), ("Trong kỳ", 4, 1), ("Từ kỳ trước chuyển qua", 1, 2),
         ("Số hồ sơ đã giải quyết", 4, 1), ("Số hồ sơ đang giải quyết", 3, 1)],
        [("Trực tuyến", 1, 1), ("Trực tiếp, dịch vụ bưu chính", 1, 1), ("Trong đó: trực tiếp", 1, 1),
         ("Trong đó: bưu chính", 1, 1), ("Tổng số", 1, 1), ("Trả trước hạn", 1, 1), ("Trả đúng thời hạn", 1, 1),
         ("Trả quá hạn", 1, 1), ("Tổng số", 1, 1), ("Chưa đến hạn", 1, 1), ("Quá hạn", 1, 1)],
    ]
    rows = [[str(i), r["name"], *[vn_int(v) for v in xlsx_values(r)]] for i, r in enumerate(table["rows"], start=1)]
    rows.append(["", "Tổng cộng", *[vn_int(v) for v in xlsx_values(table["total"])]])
    return ("grouped_table", header_rows, rows, {
        "landscape": True, "widths": [4, 26, *([7] * len(XLSX_COLUMNS))],
        "number_row": ["(A)", "(B)", *[n.split("=")[0] for n in by_number]],
        "bold_last_row": True,
    })


def index_blocks(index: dict, ratings: dict) -> list[tuple]:
    """Part III: the 766 groups; a group without data says so instead of taking its full points
    (the satisfaction group has no data without ratings, whatever the index's no-data rule)."""
    from .index766 import GROUPS

    names = {code: str(name) for code, name in GROUPS}  # in the document's language (Vietnamese)
    rows, scored, scored_max, missing = [], 0, 0, []
    for group in index["province"]["groups"]:
        group = {**group, "name": names.get(group["code"], group["name"])}
        no_data = all(i["no_data"] for i in group["indicators"]) or (
            group["code"] == "satisfaction" and not ratings.get("count"))
        if no_data:
            missing.append(group["name"])
            rows.append([group["name"], _vn_number(group["max"], 0), "Không có dữ liệu"])
        else:
            scored += group["score"]
            scored_max += group["max"]
            rows.append([group["name"], _vn_number(group["max"], 0), _vn_number(group["score"], 2)])
    blocks = [("heading", "III. CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (Quyết định 766/QĐ-TTg)")]
    sentence = f"Điểm toàn tỉnh: {_vn_number(scored, 2)}/{_vn_number(scored_max, 0)} điểm"
    if missing:
        sentence += f" của các nhóm có dữ liệu (không có dữ liệu: {', '.join(missing)})."
    else:
        sentence += "."
    blocks += [("bullet", sentence), ("table", ["Nhóm chỉ số", "Điểm tối đa", "Điểm đạt"], rows)]
    return blocks


# --- the built-in sections of part II ------------------------------------------------------------


@report_section("II", 10, "Dịch vụ bưu chính công ích")
def _postal(ctx: ReportContext) -> list[tuple]:
    postal = ctx.figures["postal"]
    return [("bullet", f"Tổng số hồ sơ sử dụng dịch vụ bưu chính: {vn_int(postal['total'])} hồ sơ, trong đó: số "
                       f"lượng hồ sơ luân chuyển từ Trung tâm đến các sở, ngành: {vn_int(postal['transfers'])} hồ sơ; "
                       f"số lượng hồ sơ tiếp nhận qua bưu chính: {vn_int(postal['intakes'])} hồ sơ; số lượng hồ sơ "
                       f"trả kết quả tại nhà: {vn_int(postal['home_deliveries'])} hồ sơ.")]


@report_section("II", 20, "Tiếp nhận, trả kết quả ngay tại chỗ và ngày thứ Bảy")
def _on_the_spot(ctx: ReportContext) -> list[tuple]:
    f = ctx.figures
    return [
        ("bullet", f"Số hồ sơ được tiếp nhận và trả kết quả ngay tại chỗ (trong ngày): {vn_int(f['on_the_spot'])} "
                   f"hồ sơ."),
        ("bullet", f"Ngày thứ Bảy: tiếp nhận {vn_int(f['saturday']['receipts'])} hồ sơ, trả kết quả "
                   f"{vn_int(f['saturday']['returns'])} hồ sơ."),
    ]


@report_section("II", 30, "Số hóa hồ sơ, thanh toán trực tuyến, thông báo")
def _digitisation(ctx: ReportContext) -> list[tuple]:
    f = ctx.figures
    dig = f["digitisation"]
    return [
        ("bullet", f"Tỷ lệ hồ sơ được số hóa: {vn_pct(dig['rate'], 1)} ({vn_int(dig['digitised'])}/"
                   f"{vn_int(dig['dossiers'])} hồ sơ); tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa: "
                   f"{vn_pct(dig['reuse_rate'], 2)}."),
        ("bullet", f"Thanh toán trực tuyến: {vn_int(f['online_payments']['count'])} giao dịch, số tiền "
                   f"{vn_int(f['online_payments']['amount'])} đồng."),
        ("bullet", f"Số tin nhắn, thư điện tử đã gửi thông báo cho người dân, doanh nghiệp: "
                   f"{vn_int(f['notifications']['sent'])} (tin nhắn SMS: {vn_int(f['notifications']['sms'])})."),
        ("bullet", f"Số văn bản xin lỗi đối với hồ sơ trễ hạn: {vn_int(f['apologies'])}."),
        ("bullet", f"Số TTHC cung cấp dịch vụ công trực tuyến: {vn_int(f['procedures']['offered_online'])}/"
                   f"{vn_int(f['procedures']['procedures'])}; số TTHC phát sinh hồ sơ trực tuyến: "
                   f"{vn_int(f['procedures']['with_online_dossiers'])}."),
    ]


@report_section("II", 40, "Đánh giá mức độ hài lòng, phản ánh kiến nghị")
def _satisfaction(ctx: ReportContext) -> list[tuple]:
    ratings, feedback = ctx.figures["ratings"], ctx.figures["feedback"]
    by_channel = feedback["by_channel"]
    if ratings["count"]:
        rated = ("table", ["Tổng số lượt đánh giá", "Hài lòng", "Đạt tỷ lệ (%)", "Chưa hài lòng", "Tỷ lệ (%)"],
                 [[vn_int(ratings["count"]), vn_int(ratings["very_satisfied"] + ratings["satisfied"]),
                   vn_pct(ratings["satisfaction_rate"], 2), vn_int(ratings["dissatisfied"]),
                   vn_pct(100 - ratings["satisfaction_rate"], 2)]])
    else:
        rated = ("bullet", "Đánh giá mức độ hài lòng: không có dữ liệu (chưa có lượt đánh giá nào trong kỳ).")
    return [
        rated,
        ("bullet", f"Tiếp nhận {vn_int(feedback['total'])} phản ánh, kiến nghị; trong đó "
                   f"{vn_int(by_channel.get('national_portal', 0))} trên Cổng Dịch vụ công quốc gia, "
                   f"{vn_int(by_channel.get('letter', 0) + by_channel.get('hotline', 0))} qua đơn thư và đường dây "
                   f"nóng; đã xử lý xong {vn_int(feedback['handled'])}."),
    ]


@report_section("II", 50, "Bước xử lý trễ hạn theo đơn vị")
def _late_steps(ctx: ReportContext) -> list[tuple]:
    late_units = [s for s in ctx.figures["late_steps"] if s["late"]]
    if not late_units:
        return []
    return [("table", ["Cơ quan", "Đơn vị", "Số bước", "Trễ hạn"],
             [[s["agency"] or "", s["unit"], vn_int(s["steps"]), vn_int(s["late"])] for s in late_units])]


def to_docx(content: dict) -> bytes:
    from .periodic_docx import render

    return render(content)


def to_pdf(content: dict) -> bytes:
    from .periodic_pdf import render

    return render(content)
