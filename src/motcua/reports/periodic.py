"""The periodic report drafted like the seeds (Vietnamese), as Word (.docx) and PDF.

    content = report_content(date(2021, 11, 1), date(2022, 4, 15), service_point=centre)
    to_docx(content) -> bytes;  to_pdf(content) -> bytes

`report_content` gathers the figures once (the 06a table by field, the other figures, the 766
index) into a list of blocks — headings, sentences with their figures filled in (Vietnamese number
format: 35.809; 63,826%) and tables — and both renderers lay out the same blocks, so the Word file
the officer edits and the PDF say the same thing. The narrative parts are left for the officer.
"""
from __future__ import annotations

import datetime
import io

from .dossier_table import dossier_table
from .exports import XLSX_COLUMNS, _vn_number, xlsx_values
from .figures import period_figures
from .index766 import service_index


def vn_int(value) -> str:
    return _vn_number(int(value or 0), 0)


def vn_pct(value, decimals: int = 3) -> str:
    """63,826% (trailing zeros kept to the chosen decimals, like the seeds)."""
    return f"{_vn_number(float(value or 0), decimals)}%"


def vn_date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def report_content(date_from: datetime.date, date_to: datetime.date, agency_ids=None, service_point=None,
                   unit_name: str | None = None) -> dict:
    if unit_name is None:  # the name the service point bore at the end of the period (Decree 118/2025)
        unit_name = service_point.name_on(date_to) if hasattr(service_point, "name_on") else \
            "Trung tâm Phục vụ hành chính công tỉnh"
    table = dossier_table(date_from, date_to, group_by="field", service_point=service_point, agency_ids=agency_ids)
    figures = period_figures(date_from, date_to, agency_ids=agency_ids, service_point=service_point)
    index = service_index(date_from, date_to, agency_ids=agency_ids)
    t = table["total"]
    period = f"(Từ ngày {vn_date(date_from)} đến ngày {vn_date(date_to)})"
    blocks: list[tuple] = [
        ("title", "BÁO CÁO"),
        ("subtitle", f"Tình hình, kết quả tiếp nhận và giải quyết thủ tục hành chính của {unit_name}"),
        ("subtitle", period),
        ("heading", "I. KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TTHC"),
        ("heading", "1. Tiếp nhận hồ sơ"),
        ("table", ["Tổng số hồ sơ tiếp nhận trong kỳ", "Số hồ sơ nhận trực tiếp", "Số hồ sơ nhận trực tuyến",
                   "Số hồ sơ nhận qua bưu chính"],
         [[vn_int(t["new_total"]), vn_int(t["new_counter"]), vn_int(t["new_online"]), vn_int(t["new_postal"])]]),
        ("bullet", f"Tổng số hồ sơ tiếp nhận trong kỳ: {vn_int(t['new_total'])} hồ sơ (trực tiếp "
                   f"{vn_int(t['new_counter'])}, trực tuyến {vn_int(t['new_online'])}, qua bưu chính "
                   f"{vn_int(t['new_postal'])}); từ kỳ trước chuyển sang: {vn_int(t['carried_over'])} hồ sơ."),
        ("bullet", f"Số hồ sơ tiếp nhận trung bình mỗi ngày: {_vn_number(table['per_working_day'], 1)} hồ sơ/ngày "
                   f"làm việc (số ngày được tính để chia tỷ lệ: {table['working_days']} ngày)."),
        ("bullet", f"Tỷ lệ hồ sơ tiếp nhận trực tuyến/tổng số hồ sơ nhận đạt: {vn_pct(t['online_share'], 1)}."),
        ("bullet", f"Số hồ sơ tiếp nhận qua dịch vụ Bưu chính, Bưu chính công ích: {vn_int(t['new_postal'])} "
                   f"hồ sơ/tổng số hồ sơ nhận, đạt tỷ lệ: {vn_pct(t['postal_share'], 1)}."),
        ("heading", "2. Giải quyết hồ sơ"),
        ("table", ["Số HS kỳ trước chuyển sang", "Số HS mới tiếp nhận", "Tổng số HS phải giải quyết",
                   "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang giải quyết", "Chưa đến hạn",
                   "Quá hạn"],
         [[vn_int(t[c]) for c in ("carried_over", "new_total", "to_resolve", "resolved", "early", "on_time", "late",
                                  "pending", "pending_within", "pending_overdue")]]),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết trước hạn/số HS đã giải quyết: {vn_pct(t['early_rate'])}"),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết đúng hạn/số HS đã giải quyết: {vn_pct(t['on_time_rate'])}"),
        ("bullet", f"Tỷ lệ hồ sơ giải quyết trễ hạn: {vn_pct(t['late_rate'])}"),
        ("heading", "3. Kết quả theo lĩnh vực (Biểu II.06a/VPCP/KSTT)"),
        ("table", ["Lĩnh vực", *[heading for _n, heading, _num in XLSX_COLUMNS]],
         [[r["name"], *[vn_int(v) for v in xlsx_values(r)]] for r in table["rows"]]
         + [["Tổng cộng", *[vn_int(v) for v in xlsx_values(t)]]]),
    ]
    postal, dig = figures["postal"], figures["digitisation"]
    ratings, feedback = figures["ratings"], figures["feedback"]
    by_channel = feedback["by_channel"]
    blocks += [
        ("heading", "II. CÁC KẾT QUẢ KHÁC"),
        ("heading", "1. Dịch vụ bưu chính công ích"),
        ("bullet", f"Tổng số hồ sơ sử dụng dịch vụ bưu chính: {vn_int(postal['total'])} hồ sơ, trong đó: số lượng hồ "
                   f"sơ luân chuyển từ Trung tâm đến các sở, ngành: {vn_int(postal['transfers'])} hồ sơ; số lượng hồ sơ "
                   f"tiếp nhận qua bưu chính: {vn_int(postal['intakes'])} hồ sơ; số lượng hồ sơ trả kết quả tại nhà: "
                   f"{vn_int(postal['home_deliveries'])} hồ sơ."),
        ("heading", "2. Tiếp nhận, trả kết quả ngay tại chỗ và ngày thứ Bảy"),
        ("bullet", f"Số hồ sơ được tiếp nhận và trả kết quả ngay tại chỗ (trong ngày): {vn_int(figures['on_the_spot'])} "
                   f"hồ sơ."),
        ("bullet", f"Ngày thứ Bảy: tiếp nhận {vn_int(figures['saturday']['receipts'])} hồ sơ, trả kết quả "
                   f"{vn_int(figures['saturday']['returns'])} hồ sơ."),
        ("heading", "3. Số hóa hồ sơ, thanh toán trực tuyến, thông báo"),
        ("bullet", f"Tỷ lệ hồ sơ được số hóa: {vn_pct(dig['rate'], 1)} ({vn_int(dig['digitised'])}/"
                   f"{vn_int(dig['dossiers'])} hồ sơ); tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa: "
                   f"{vn_pct(dig['reuse_rate'], 2)}."),
        ("bullet", f"Thanh toán trực tuyến: {vn_int(figures['online_payments']['count'])} giao dịch, số tiền "
                   f"{vn_int(figures['online_payments']['amount'])} đồng."),
        ("bullet", f"Số tin nhắn, thư điện tử đã gửi thông báo cho người dân, doanh nghiệp: "
                   f"{vn_int(figures['notifications']['sent'])} (tin nhắn SMS: {vn_int(figures['notifications']['sms'])})."),
        ("bullet", f"Số văn bản xin lỗi đối với hồ sơ trễ hạn: {vn_int(figures['apologies'])}."),
        ("bullet", f"Số TTHC cung cấp dịch vụ công trực tuyến: {vn_int(figures['procedures']['offered_online'])}/"
                   f"{vn_int(figures['procedures']['procedures'])}; số TTHC phát sinh hồ sơ trực tuyến: "
                   f"{vn_int(figures['procedures']['with_online_dossiers'])}."),
        ("heading", "4. Đánh giá mức độ hài lòng, phản ánh kiến nghị"),
        ("table", ["Tổng số lượt đánh giá", "Hài lòng", "Đạt tỷ lệ (%)", "Chưa hài lòng", "Tỷ lệ (%)"],
         [[vn_int(ratings["count"]), vn_int(ratings["very_satisfied"] + ratings["satisfied"]),
           vn_pct(ratings["satisfaction_rate"], 2), vn_int(ratings["dissatisfied"]),
           vn_pct(100 - ratings["satisfaction_rate"] if ratings["count"] else 0, 2)]]),
        ("bullet", f"Tiếp nhận {vn_int(feedback['total'])} phản ánh, kiến nghị; trong đó "
                   f"{vn_int(by_channel.get('national_portal', 0))} trên Cổng Dịch vụ công quốc gia, "
                   f"{vn_int(by_channel.get('letter', 0) + by_channel.get('hotline', 0))} qua đơn thư và đường dây nóng; "
                   f"đã xử lý xong {vn_int(feedback['handled'])}."),
    ]
    late_units = [s for s in figures["late_steps"] if s["late"]]
    if late_units:
        blocks.append(("heading", "5. Bước xử lý trễ hạn theo đơn vị"))
        blocks.append(("table", ["Cơ quan", "Đơn vị", "Số bước", "Trễ hạn"],
                       [[s["agency"] or "", s["unit"], vn_int(s["steps"]), vn_int(s["late"])] for s in late_units]))
    blocks += [
        ("heading", "III. CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (Quyết định 766/QĐ-TTg)"),
        ("bullet", f"Điểm toàn tỉnh: {_vn_number(index['province']['score'], 2)}/100 điểm."),
        ("table", ["Nhóm chỉ số", "Điểm tối đa", "Điểm đạt"],
         [[g["name"], _vn_number(g["max"], 0), _vn_number(g["score"], 2)] for g in index["province"]["groups"]]),
        ("heading", "IV. ĐÁNH GIÁ CHUNG, PHƯƠNG HƯỚNG, ĐỀ XUẤT"),
        ("paragraph", "(Cán bộ bổ sung nội dung đánh giá, phương hướng và đề xuất.)"),
    ]
    return {"title": "BÁO CÁO", "period": period, "blocks": blocks, "table": table, "figures": figures}


def to_docx(content: dict) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    for block in content["blocks"]:
        kind = block[0]
        if kind in ("title", "subtitle"):
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(block[1])
            run.bold = True
            run.font.size = Pt(15 if kind == "title" else 13)
        elif kind == "heading":
            document.add_paragraph().add_run(block[1]).bold = True
        elif kind == "bullet":
            document.add_paragraph(f"- {block[1]}")
        elif kind == "paragraph":
            document.add_paragraph(block[1])
        elif kind == "table":
            headings, rows = block[1], block[2]
            table = document.add_table(rows=1 + len(rows), cols=len(headings))
            table.style = "Table Grid"
            for i, text in enumerate(headings):
                table.rows[0].cells[i].text = text
                for run in table.rows[0].cells[i].paragraphs[0].runs:
                    run.bold = True
            for r, values in enumerate(rows, start=1):
                for i, value in enumerate(values):
                    table.rows[r].cells[i].text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(content: dict) -> bytes:
    from motcua.printouts.pdf import FONT, FormPDF

    pdf = FormPDF(content["title"], orientation="L")
    for block in content["blocks"]:
        kind = block[0]
        if kind == "title":
            pdf.form_title(block[1])
        elif kind == "subtitle":
            pdf.paragraph(block[1], style="B", align="C")
        elif kind == "heading":
            pdf.ln(2)
            pdf.paragraph(block[1], style="B")
        elif kind == "bullet":
            pdf.paragraph(f"- {block[1]}")
        elif kind == "paragraph":
            pdf.paragraph(block[1], style="I")
        elif kind == "table":
            headings, rows = block[1], block[2]
            first = 50 if len(headings) > 6 else pdf.epw / len(headings)
            rest = (pdf.epw - first) / max(1, len(headings) - 1) if len(headings) > 1 else 0
            widths = (first, *([rest] * (len(headings) - 1)))
            pdf.grid(headings, rows, widths, font_size=8 if len(headings) > 6 else 10)
    pdf.set_font(FONT, "", 11)
    return pdf.to_bytes()
