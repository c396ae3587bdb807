"""The periodic report: Word and PDF drafts with the seeds' sentences and figures filled in."""
import datetime
import io

import pytest
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from motcua.reports.periodic import report_content, to_docx, to_pdf, vn_pct
from motcua.reports.legacy_import import import_rows

from .conftest import at, row

FROM, TO = datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)


@pytest.fixture
def dossiers(world):
    rows = [row(f"E{i}", at(2024, 3, 4), status=9, due_at=at(2024, 3, 15, 17), finished_at=at(2024, 3, 8))
            for i in range(1235)]
    rows += [row("LATE", at(2024, 3, 4), status=9, due_at=at(2024, 3, 15, 17), finished_at=at(2024, 3, 20)),
             row("POST", at(2024, 3, 4), channel=3, status=4, due_at=at(2024, 4, 15))]
    result = import_rows(rows)
    assert result.ok


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for r in table.rows:
            parts.append(" | ".join(c.text for c in r.cells))
    return "\n".join(parts)


def test_vietnamese_number_format():
    assert vn_pct(63.826) == "63,826%"
    assert vn_pct(5.2, 1) == "5,2%"


@pytest.mark.django_db
def test_docx_has_title_period_and_figures(dossiers, tmp_path):
    out = tmp_path / "bao-cao.docx"
    call_command("report_periodic", "--from", "2024-03-01", "--to", "2024-03-31", "--format", "docx",
                 "--output", str(out))
    text = docx_text(out.read_bytes())
    assert Document(str(out)).paragraphs[0].text == "BÁO CÁO"
    assert "(Từ ngày 01/03/2024 đến ngày 31/03/2024)" in text
    # 1,237 received: 1,236 at the counter, 1 by post; 1,236 resolved of which 1 late.
    assert "Tổng số hồ sơ tiếp nhận trong kỳ: 1.237 hồ sơ (trực tiếp 1.236, trực tuyến 0, qua bưu chính 1)" in text
    assert "Tỷ lệ hồ sơ giải quyết trước hạn/số HS đã giải quyết: 99,919%" in text
    assert "Tỷ lệ hồ sơ giải quyết trễ hạn: 0,081%" in text
    assert "số lượng hồ sơ tiếp nhận qua bưu chính: 1 hồ sơ" in text
    assert "Đất đai | 1.237 | 0 | 1.237 | 1.236 | 1 | 0 | 1.236 | 1.235 | 0 | 1 | 1 | 1 | 0" in text
    assert "Điểm toàn tỉnh:" in text


@pytest.mark.django_db
def test_pdf_text_has_title_period_and_figures(dossiers):
    reader = PdfReader(io.BytesIO(to_pdf(report_content(FROM, TO))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "BÁO CÁO" in text
    assert "01/03/2024" in text and "31/03/2024" in text
    assert "1.237" in text and "99,919%" in text


@pytest.mark.django_db
def test_bad_period_is_refused_in_vietnamese(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ngày kết thúc"):
        call_command("report_periodic", "--from", "2024-03-31", "--to", "2024-03-01", "--output",
                     str(tmp_path / "x.docx"))
    assert not (tmp_path / "x.docx").exists()
    assert to_docx(report_content(FROM, TO))[:2] == b"PK"


# --- the format of Decree 30/2020/NĐ-CP ------------------------------------------------------------

FIXED_DAY = datetime.date(2024, 4, 5)


def _runs_fonts(document):
    fonts, sizes = set(), set()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            fonts.add(run.font.name)
            if run.font.size:
                sizes.add(run.font.size.pt)
    return fonts, sizes


@pytest.mark.django_db
def test_docx_is_a4_times_new_roman_with_header_motto_number_and_signature(dossiers, tmp_path):
    from docx.enum.section import WD_ORIENT

    data = to_docx(report_content(FROM, TO, issued_on=FIXED_DAY, signer_name="Nguyễn Văn Ký"))
    (tmp_path / "bao-cao.docx").write_bytes(data)
    document = Document(io.BytesIO(data))
    first = document.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert [round(m.mm) for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] == [
        20, 20, 30, 15]
    # the 06a table on its own landscape A4 page, then portrait again
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert (round(document.sections[1].page_width.mm), round(document.sections[1].page_height.mm)) == (297, 210)
    assert document.styles["Normal"].font.name == "Times New Roman"
    fonts, sizes = _runs_fonts(document)
    assert fonts == {"Times New Roman"}
    assert 14 in sizes and all(10 <= s <= 14 for s in sizes if s > 6)

    header = document.tables[0].rows[0].cells
    left, right = [c.text for c in header]
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in left and "Số:" in left and "/BC-TTPVHCC" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "ngày 05 tháng 04 năm 2024" in right
    motto_run = header[1].paragraphs[1].runs[0]
    assert (motto_run.bold, motto_run.font.size.pt) == (True, 14)
    titles = [p.text for p in document.paragraphs[:3]]
    assert titles[0] == "BÁO CÁO" and titles[1].startswith("Tình hình, kết quả tiếp nhận và giải quyết")
    closing = document.tables[-1].rows[0].cells
    assert closing[0].text.startswith("Nơi nhận:") and "- Lưu: VT, TTPVHCC." in closing[0].text
    assert closing[1].paragraphs[0].text == "GIÁM ĐỐC" and closing[1].paragraphs[-1].text == "Nguyễn Văn Ký"
    assert closing[1].paragraphs[0].runs[0].bold
    # page numbers: a PAGE field in the header, none on the first page
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml


@pytest.mark.django_db
def test_06a_table_has_the_forms_grouped_headers(dossiers):
    document = Document(io.BytesIO(to_docx(report_content(FROM, TO, issued_on=FIXED_DAY))))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    top = [c.text for c in table.rows[0].cells]
    assert top[:2] == ["STT", "Lĩnh vực giải quyết"]
    assert top[2:8] == ["Số hồ sơ nhận giải quyết"] * 6 and top[8:] == ["Kết quả giải quyết"] * 7
    second = [c.text for c in table.rows[1].cells]
    assert second[2] == "Tổng số" and second[3:7] == ["Trong kỳ"] * 4 and second[7] == "Từ kỳ trước chuyển qua"
    assert second[8:12] == ["Số hồ sơ đã giải quyết"] * 4 and second[12:] == ["Số hồ sơ đang giải quyết"] * 3
    third = [c.text for c in table.rows[2].cells]
    assert third[3:7] == ["Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Trong đó: trực tiếp", "Trong đó: bưu chính"]
    assert third[9:12] == ["Trả trước hạn", "Trả đúng thời hạn", "Trả quá hạn"]
    assert [c.text for c in table.rows[3].cells][2:5] == ["(1)", "(2)", "(3)"]
    assert [c.text for c in table.rows[4].cells] == [
        "1", "Đất đai", "1.237", "0", "1.237", "1.236", "1", "0", "1.236", "1.235", "0", "1", "1", "1", "0"]
    assert [c.text for c in table.rows[-1].cells][1] == "Tổng cộng"


@pytest.mark.django_db
def test_satisfaction_group_without_ratings_is_no_data(dossiers):
    content = report_content(FROM, TO, issued_on=FIXED_DAY)
    text = docx_text(to_docx(content))
    assert "Mức độ hài lòng | 18 | Không có dữ liệu" in text
    rows = next(b for b in content["blocks"] if b[0] == "table" and b[1][0] == "Nhóm chỉ số")[2]
    satisfaction = rows[4]
    assert satisfaction[1:] == ["18", "Không có dữ liệu"]
    assert "18,00" not in satisfaction
    assert "Đánh giá mức độ hài lòng: không có dữ liệu" in text
    assert "không có dữ liệu:" in text and "Điểm toàn tỉnh:" in text


@pytest.mark.django_db
def test_a_section_can_be_added(dossiers):
    from motcua.reports.periodic import _SECTIONS, report_section

    @report_section("II", 35, "Hệ thống xếp hàng")
    def queue_section(ctx):
        return [("bullet", f"Số lượt lấy số thứ tự từ {ctx.date_from:%d/%m/%Y}: 7.")]

    try:
        content = report_content(FROM, TO, issued_on=FIXED_DAY)
    finally:
        _SECTIONS[:] = [s for s in _SECTIONS if s[3] is not queue_section]
    headings = [b[1] for b in content["blocks"] if b[0] == "heading"]
    assert "4. Hệ thống xếp hàng" in headings and "5. Đánh giá mức độ hài lòng, phản ánh kiến nghị" in headings
    assert ("bullet", "Số lượt lấy số thứ tự từ 01/03/2024: 7.") in content["blocks"]


@pytest.mark.django_db
def test_pdf_is_a4_with_header_signature_and_a_landscape_06a_page(dossiers):
    pdf = to_pdf(report_content(FROM, TO, issued_on=FIXED_DAY))
    reader = PdfReader(io.BytesIO(pdf))
    boxes = [(round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
             for p in reader.pages]
    assert boxes[0] == (210, 297) and (297, 210) in boxes
    first = reader.pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "/BC-TTPVHCC" in first and "BÁO CÁO" in first
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Nơi nhận:" in text and "GIÁM ĐỐC" in text and "Số hồ sơ nhận giải quyết" in text
    fonts = {str(f.get("/BaseFont", "")) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("Serif" in f or "Times" in f or "Roboto" in f for f in fonts)


@pytest.mark.django_db
def test_the_document_is_vietnamese_even_from_an_english_page(dossiers):
    from django.utils import translation

    with translation.override("en"):
        text = docx_text(to_docx(report_content(FROM, TO, issued_on=FIXED_DAY)))
    assert "Mức độ hài lòng | 18 | Không có dữ liệu" in text and "Satisfaction" not in text
