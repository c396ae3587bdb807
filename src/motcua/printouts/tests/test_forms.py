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


# --- form 01: certified copies apart, online documents, the code once, the receiving body -------


@pytest.mark.django_db
def test_form_01_counts_certified_copies_apart_from_photocopies(world, receive):
    docs = world["docs"]
    dossier = receive(documents=[
        {"required_document": docs[0].pk, "originals": 1},
        {"required_document": docs[1].pk, "certified_copies": 2},
        {"required_document": docs[2].pk, "copies": 3},
    ])
    from motcua.printouts.adapters import sheet_from_dossier

    lines = sheet_from_dossier(dossier).documents
    assert [(d.originals, d.certified_copies, d.copies) for d in lines] == [(1, 0, 0), (0, 2, 0), (0, 0, 3)]
    text = flat(pdf_text(render_form("01", dossier)))
    assert "Bản sao chứng thực" in text and "Bản photo" in text
    assert "Giấy chứng nhận quyền sử dụng đất 2" in text  # the certified copies, in their own column
    assert "Giấy ủy quyền 3" in text


@pytest.mark.django_db
def test_form_01_of_an_online_dossier_lists_its_electronic_documents(world):
    online = services.submit_online(None, procedure_version=world["version"], applicant=APPLICANT, documents=[
        {"required_document": d.pk, "digitization": 1, "file": f"dossiers/2026/03/tep-{i}.pdf"}
        for i, d in enumerate(world["docs"])], submitted_at=at(2026, 3, 2, 8), service_point=world["centre"])
    services.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    online.refresh_from_db()
    text = flat(pdf_text(render_form("01", online)))
    assert "Số lượng thành phần hồ sơ: 3" in text
    for name in ("Đơn đăng ký biến động", "Giấy chứng nhận quyền sử dụng đất", "Giấy ủy quyền"):
        assert f"{name} Có" in text  # marked as electronic, not 0/0


@pytest.mark.django_db
def test_form_01_prints_the_code_once_and_names_the_receiving_body_in_header_and_text(world, receive):
    from motcua.organization.models import Agency

    province_committee = Agency.objects.create(code="000.00.00.H99", name="Ủy ban nhân dân tỉnh Thử",
                                               level=world["land"].level)
    host = Agency.objects.create(code="000.00.01.H99", name=world["centre"].name, level=world["land"].level,
                                 parent=province_committee, kind=Agency.Kind.DIVISION)
    world["centre"].host_agency = host
    world["centre"].save()
    dossier = receive()
    text = flat(pdf_text(render_form("01", dossier)))
    assert text.count(dossier.code) == 2  # under the title, and in the tracking address (QR)
    assert text.count(f"Mã hồ sơ: {dossier.code}") == 1
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in text
    assert "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hồ sơ của:" in text
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" not in text


@pytest.mark.django_db
def test_form_01_of_a_commune_centre_is_under_the_communes_committee(world, receive):
    from motcua.organization.models import Agency, ServicePoint

    committee = Agency.objects.create(code="000.01.01.H99", name="Ủy ban nhân dân xã Đồi Thử",
                                      level=world["land"].level, kind=Agency.Kind.PEOPLES_COMMITTEE)
    point = ServicePoint.objects.create(code="xa-doi-thu", name="Trung tâm Phục vụ hành chính công xã Đồi Thử",
                                        kind=ServicePoint.Kind.COMMUNE_UNIT, host_agency=committee)
    dossier = receive(service_point=point)
    text = flat(pdf_text(render_form("01", dossier)))
    assert "ỦY BAN NHÂN DÂN XÃ ĐỒI THỬ" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ ĐỒI THỬ" in text
    assert "Trung tâm Phục vụ hành chính công xã Đồi Thử tiếp nhận hồ sơ của:" in text
