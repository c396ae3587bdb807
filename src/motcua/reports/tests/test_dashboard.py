"""The dashboard pages: who may see them, the scope of their figures, the links and downloads."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from motcua.backoffice.tests.scenario import PASSWORD, build_world, make_officer
from motcua.dossiers import services
from motcua.organization.models import Role

from .conftest import at

APPLICANT = {"kind": "person", "name": "Vũ Thị Bảng", "id_number": "038195088888", "phone": "0912888888"}
PERIOD = {"from": "2024-03-01", "to": "2024-03-31"}


def receive(world, agency_version, officer, when):
    documents = [{"required_document": d.pk, "originals": 1} for d in agency_version.documents.filter(is_required=True)]
    return services.receive_at_counter(officer, procedure_version=agency_version, applicant=APPLICANT,
                                       documents=documents, service_point=world.service_point, received_at=when)


@pytest.fixture
def setup(db):
    world = build_world()
    for day in (4, 5, 6):
        receive(world, world.version, world.counter_officer, at(2024, 3, day, 9))
    manager = make_officer("giamdoc.so", "Đinh Văn Quản", Role.CENTRE_MANAGER, world.other_agency)
    admin = make_officer("vanphong.tinh", "Hà Thị Tỉnh", Role.PROVINCE_ADMIN, world.agency)
    return world, manager, admin


def figure(html, ident):
    start = html.index(f'id="{ident}">') + len(ident) + 6
    return html[start:html.index("<", start)]


def test_officers_without_reports_view_are_refused_and_anonymous_sent_to_login(client, setup):
    assert client.get("/mot-cua/bao-cao/").status_code == 302
    client.login(username="motcua.quay", password=PASSWORD)  # a counter officer
    assert client.get("/mot-cua/bao-cao/", PERIOD).status_code == 403
    assert client.get("/mot-cua/bao-cao/bieu-06a.xlsx", PERIOD).status_code == 403


def test_figures_are_scoped_to_the_agencies_served(client, setup):
    world, manager, admin = setup
    client.login(username="giamdoc.so", password=PASSWORD)  # manager of the other agency: nothing
    page = client.get("/mot-cua/bao-cao/", PERIOD).content.decode()
    assert figure(page, "fig-received") == "0"
    client.login(username="vanphong.tinh", password=PASSWORD)
    page = client.get("/mot-cua/bao-cao/", PERIOD).content.decode()
    assert figure(page, "fig-received") == "3"
    assert "<svg" in page and "Sở Tư pháp" in page
    # Every number links to its dossiers: the total of "new_counter" opens the three dossiers.
    response = client.get("/mot-cua/bao-cao/ho-so/", {**PERIOD, "column": "new_counter"})
    assert response.status_code == 200
    assert figure(response.content.decode(), "cell-count") == "3"
    assert client.get("/mot-cua/bao-cao/ho-so/", {**PERIOD, "column": "nonsense"}).status_code == 400


def test_downloads_hold_the_scoped_figures(client, setup):
    client.login(username="vanphong.tinh", password=PASSWORD)
    response = client.get("/mot-cua/bao-cao/bieu-06a.xlsx", PERIOD)
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert total_row[2] == 3  # (1) received total
    response = client.get("/mot-cua/bao-cao/bao-cao.docx", PERIOD)
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Tổng số hồ sơ tiếp nhận trong kỳ: 3 hồ sơ" in text
    assert client.get("/mot-cua/bao-cao/bao-cao.pdf", PERIOD)["Content-Type"] == "application/pdf"
    assert client.get("/mot-cua/bao-cao/bao-cao.exe", PERIOD).status_code == 404
    # A bad date is refused with the form and its message (test_impossible_periods.py), never a 500.
    assert client.get("/mot-cua/bao-cao/", {"from": "2024-13-01"}).status_code == 400
