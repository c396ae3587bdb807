"""Issue 15 in a real browser: an administrator sees the dossier the national portal did not
acknowledge and why, sends it again, and after the next run of the sender nothing is stuck; a
counter officer sees the same page without the resend button."""
from pathlib import Path

import pytest

from motcua.backoffice.tests.scenario import PASSWORD, build_world, make_officer
from motcua.dossiers import services
from motcua.national import services as national
from motcua.organization.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT = {"kind": "person", "name": "Lê Văn Đồng Bộ", "id_number": "038095012345", "phone": "0912888777"}
SHOTS = Path("/tmp/shots/national")


def sign_in(page, url, username):
    page.goto(f"{url}/mot-cua/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_administrator_sees_what_is_stuck_and_sends_it_again(page, live_server, settings):
    settings.NATIONAL_TRANSPORT = "simulator"
    SHOTS.mkdir(parents=True, exist_ok=True)
    world = build_world()
    documents = [{"required_document": d.pk, "originals": 1} for d in world.version.documents.filter(is_required=True)]
    sent = services.receive_at_counter(world.counter_officer, procedure_version=world.version, applicant=APPLICANT,
                                       documents=documents, service_point=world.service_point)
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    national.sync_due()
    stuck = services.receive_at_counter(world.counter_officer, procedure_version=world.version, applicant=APPLICANT,
                                        documents=documents, service_point=world.service_point)
    settings.NATIONAL_SIMULATOR_MODE = "garbage"
    national.sync_due()
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    make_officer("quantri.tinh", "Đỗ Thị Quản Trị", Role.PROVINCE_ADMIN, None)

    sign_in(page, live_server.url, "quantri.tinh")
    page.click("#nav-national")
    assert page.inner_text("h1") == "Đồng bộ với Cổng Dịch vụ công quốc gia"
    table = page.inner_text("#national-stuck")
    assert stuck.code in table and sent.code not in table
    assert "Câu trả lời của Cổng quốc gia không đọc được (không phải JSON)" in table
    assert "Đã xác nhận" in page.inner_text("#national-attempts")
    page.screenshot(path=str(SHOTS / "1-stuck.png"), full_page=True)

    page.click("#national-stuck button")
    assert f"Hồ sơ {stuck.code}: 1 dòng sẽ được gửi lại trong vòng một phút." in page.inner_text(".messages")
    national.sync_due()  # the task's next run
    page.reload()
    assert "Không có hồ sơ bị tắc" in page.inner_text("#national-stuck")
    page.screenshot(path=str(SHOTS / "2-resent.png"), full_page=True)


def test_counter_officer_sees_the_page_without_resending(page, live_server, settings):
    settings.NATIONAL_TRANSPORT = "simulator"
    settings.NATIONAL_SIMULATOR_MODE = "server_error"
    SHOTS.mkdir(parents=True, exist_ok=True)
    world = build_world()
    documents = [{"required_document": d.pk, "originals": 1} for d in world.version.documents.filter(is_required=True)]
    stuck = services.receive_at_counter(world.counter_officer, procedure_version=world.version, applicant=APPLICANT,
                                        documents=documents, service_point=world.service_point)
    national.sync_due()
    sign_in(page, live_server.url, world.counter_officer.username)
    page.goto(f"{live_server.url}/mot-cua/dong-bo-quoc-gia/")
    table = page.inner_text("#national-stuck")
    assert stuck.code in table and "Cổng quốc gia trả lời lỗi máy chủ (5xx)" in table
    assert page.locator("#national-stuck button").count() == 0
    page.screenshot(path=str(SHOTS / "3-officer.png"), full_page=True)
