"""Issue #6 in a real browser: a centre manager opens the reports dashboard, downloads the Excel
table and the Word report, and the files hold the figures."""
import datetime
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from motcua.backoffice.tests.scenario import PASSWORD, build_world, make_officer
from motcua.dossiers import services
from motcua.organization.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = {"kind": "person", "name": "Mai Thị Báo Cáo", "id_number": "038195099999", "phone": "0912999999"}


def test_centre_manager_downloads_the_table_and_the_report(page, live_server, tmp_path):
    world = build_world()
    documents = [{"required_document": d.pk, "originals": 1} for d in world.version.documents.filter(is_required=True)]
    for _i in range(4):
        services.receive_at_counter(world.counter_officer, procedure_version=world.version, applicant=APPLICANT,
                                    documents=documents, service_point=world.service_point)
    make_officer("quanly.trungtam", "Tô Văn Quản Lý", Role.CENTRE_MANAGER, world.agency)
    today = datetime.date.today()

    page.goto(f"{live_server.url}/mot-cua/dang-nhap/")
    page.fill("#id_username", "quanly.trungtam")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/mot-cua/bao-cao/?from={today.year}-01-01&to={today.isoformat()}")
    assert page.inner_text("#fig-received") == "4"
    assert page.locator("svg.chart").count() >= 2
    assert "Hộ tịch" in page.inner_text("#table-06a")

    with page.expect_download() as info:
        page.click("#download-xlsx")
    xlsx = tmp_path / "bieu.xlsx"
    info.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT"
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r[1]}
    assert rows["Hộ tịch"][2] == 4 and rows["Tổng cộng"][2] == 4

    with page.expect_download() as info:
        page.click("#download-docx")
    docx = tmp_path / "bao-cao.docx"
    info.value.save_as(docx)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.read_bytes())).paragraphs)
    assert text.startswith("BÁO CÁO")
    assert f"đến ngày {today:%d/%m/%Y}" in text
    assert "Tổng số hồ sơ tiếp nhận trong kỳ: 4 hồ sơ (trực tiếp 4, trực tuyến 0, qua bưu chính 0)" in text
