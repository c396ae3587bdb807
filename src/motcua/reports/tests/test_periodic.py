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
