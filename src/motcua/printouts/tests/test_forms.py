import io
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from motcua.dossiers import services
from motcua.testing.world import APPLICANT, MONDAY, at
from motcua.printouts.data import BookRow, DossierSheet, TrackingBook
from motcua.printouts.pdf import format_datetime
from motcua.printouts.registry import register, render_form, template_for, unregister, versions_of

PROCEDURE = "Đăng ký biến động quyền sử dụng đất"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def late_dossier(world, receive):
    """A land dossier received Monday 08:00, asked for a supplement, then apologised for."""
    dossier = receive()
    services.request_supplement(world["counter"], dossier, items=["Bản sao sổ hộ khẩu", "Trích lục bản đồ"],
                                reason="Thiếu giấy tờ chứng minh nơi cư trú", at=at(2026, 3, 2, 9))
    services.receive_supplement(world["counter"], dossier, at=at(2026, 3, 3, 9))
    services.mark_overdue(now=at(2026, 4, 1))
    dossier.refresh_from_db()
    services.apologise(world["leader"], dossier, new_appointment=at(2026, 4, 10, 16),
                       reason="Chờ ý kiến của cơ quan thuế", at=at(2026, 4, 1, 9))
    dossier.refresh_from_db()
    return dossier


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["01", "02", "03", "04", "05"])
def test_each_dossier_form_holds_code_applicant_procedure_and_due_date(late_dossier, form):
    text = flat(pdf_text(render_form(form, late_dossier)))
    assert late_dossier.code in text
    assert APPLICANT["name"] in text
    assert PROCEDURE in text
    assert format_datetime(late_dossier.due_at) in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mẫu số {form}" in text


@pytest.mark.django_db
def test_forms_print_their_own_content(late_dossier):
    receipt = flat(pdf_text(render_form("01", late_dossier)))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert "Đơn đăng ký biến động" in receipt and "Số lượng thành phần hồ sơ: 3" in receipt
    assert "Hình thức nhận kết quả:" in receipt
    assert f"http://127.0.0.1:8000/tra-cuu/?ma={late_dossier.code}" in receipt
    supplement = flat(pdf_text(render_form("02", late_dossier)))
    assert "1. Bản sao sổ hộ khẩu" in supplement and "2. Trích lục bản đồ" in supplement
    assert "Thiếu giấy tờ chứng minh nơi cư trú" in supplement
    apology = flat(pdf_text(render_form("04", late_dossier)))
    assert "Chờ ý kiến của cơ quan thuế" in apology
    assert format_datetime(late_dossier.appointment_at) in apology
    control = flat(pdf_text(render_form("05", late_dossier)))
    assert "Tiếp nhận hồ sơ" in control and "Bộ phận Một cửa" in control


@pytest.mark.django_db
def test_refusal_prints_its_reason(world, receive):
    dossier = receive()
    services.refuse_intake(world["counter"], dossier, reason="Hồ sơ không thuộc thẩm quyền", at=at(2026, 3, 2, 9))
    text = flat(pdf_text(render_form("03", dossier)))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Hồ sơ không thuộc thẩm quyền" in text


def test_vietnamese_letters_survive_the_round_trip():
    sheet = DossierSheet(code="X-1", agency_name="Sở Tư pháp", procedure_name="Đăng ký hồ sơ ỹ ữ ặ",
                         applicant_name="Ngô Thị Ỹ Ữ Ặ", issued_on=date(2026, 11, 23))
    text = pdf_text(render_form("03", sheet))
    assert "Đăng ký hồ sơ ỹ ữ ặ" in text and "Ngô Thị Ỹ Ữ Ặ" in text


def test_tracking_book_lists_every_row():
    book = TrackingBook(
        agency_name="Sở Tư pháp", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31),
        rows=[BookRow(f"000.00.10.H99-2603{n:02d}-0001", f"Người nộp {n}", "Đăng ký khai sinh") for n in range(1, 41)],
    )
    text = flat(pdf_text(render_form("06", book)))
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert all(f"000.00.10.H99-2603{n:02d}-0001" in text for n in range(1, 41))
    assert "Tổng số hồ sơ: 40" in text


@pytest.fixture
def new_receipt_version():
    @register("01", "TEST-2030", date(2030, 1, 1), "Test receipt")
    def renderer(sheet):
        return b"%PDF-new " + sheet.code.encode()

    yield renderer
    unregister("01", "TEST-2030")


def test_versioning_picks_the_template_in_force_on_the_dossier_date(new_receipt_version):
    assert [t.version for t in versions_of("01")] == ["TT01-2018", "TEST-2030"]
    assert template_for("01", date(2029, 12, 31)).version == "TT01-2018"
    assert template_for("01", date(2030, 1, 1)).version == "TEST-2030"
    assert template_for("01", date(2015, 1, 1)).version == "TT01-2018"  # before any: the first
    old = DossierSheet(code="OLD", agency_name="A", procedure_name="P", applicant_name="N",
                       received_at=timezone.make_aware(timezone.datetime(2029, 6, 1, 9)))
    new = DossierSheet(code="NEW", agency_name="A", procedure_name="P", applicant_name="N",
                       received_at=timezone.make_aware(timezone.datetime(2030, 2, 1, 9)))
    assert render_form("01", new) == b"%PDF-new NEW"
    assert "OLD" in pdf_text(render_form("01", old))
    assert render_form("01", old, on=date(2030, 5, 1)) == b"%PDF-new OLD"
