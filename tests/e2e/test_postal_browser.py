"""The postal journey in a real browser: the citizen chooses home delivery of the result on the
dossier page (an address in the units after the 2025 mergers), the result is returned by post (the
delivery order made by itself), and the citizen sees the waybill and its tracking on the dossier
page and on public tracking."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.accounts.models import CitizenAccount
from motcua.catalog import services as catalog
from motcua.dossiers import services
from motcua.organization.models import AdministrativeLevel, AdministrativeUnit
from motcua.postal import services as postal
from motcua.postal.models import Leg, Shipment, Waybill, WaybillPool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/postal")


def test_citizen_chooses_delivery_and_sees_tracking(page, live_server, world, settings):
    SHOTS.mkdir(parents=True, exist_ok=True)
    settings.POSTAL_PARTNER = "simulator"
    settings.ALLOW_SIMULATORS = True
    province_level = AdministrativeLevel.objects.get(code="tinh")
    commune = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Thử Nghiệm", level=province_level)
    AdministrativeUnit.objects.create(code="99901", name="Phường Bến Đò", level=commune, parent=province)
    new = AdministrativeUnit.objects.create(code="99903", name="Xã Suối Bạc", level=commune, parent=province,
                                            valid_from=datetime.date(2025, 7, 1))
    AdministrativeUnit.objects.create(code="99911", name="Xã Thác Trắng", level=commune, parent=province,
                                      successor=new, valid_to=datetime.date(2025, 6, 30))
    pool = WaybillPool.objects.create(name="Lô 1", partner="simulator")
    Waybill.objects.create(pool=pool, code="EL880000001VN")
    version = catalog.create_procedure(
        "1.000893.000.00.00.H99", "1.000893", name="Cấp bản sao trích lục hộ tịch", field=world["birth"].field,
        time_limit=Decimal("1"), time_limit_unit="working_days", accepts_online=True, online_level="full",
        levels=list(world["birth"].levels.all()), competent_agencies=[world["justice"]],
        documents=[{"name": "Tờ khai", "originals": 1}],
        steps=[{"order": 1, "name": "Giải quyết", "role": "counter_officer", "budget_hours": 8}],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )
    user = get_user_model().objects.create_user(username="citizen-postal", password="x")
    CitizenAccount.objects.create(user=user, full_name="Trần Thị Mẫu", phone="0912345678")
    dossier = services.submit_online(
        user, procedure_version=version, applicant={"kind": "person", "name": "Trần Thị Mẫu",
                                                    "id_number": "038190012345", "phone": "0912345678"},
        documents=[{"required_document": d.pk, "originals": 1} for d in version.documents.all()])
    dossier = services.accept_online(world["justice_counter"], dossier)
    dossier = services.resolve(world["justice_leader"], dossier, result_description="Bản sao trích lục")

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
    panel = page.locator("#postal")
    assert "Nhận kết quả tại nhà qua bưu điện" in panel.inner_text()
    options = panel.locator("select[name=unit] option").all_inner_texts()
    assert any("Xã Suối Bạc" in o for o in options) and not any("Thác Trắng" in o for o in options)
    panel.locator("select[name=unit]").select_option(label="Xã Suối Bạc, Tỉnh Thử Nghiệm")
    panel.locator("input[name=street]").fill("Số 5 đường Bến Cảng")
    page.screenshot(path=str(SHOTS / "1-choose-delivery.png"), full_page=True)
    panel.get_by_role("button", name="Phát kết quả đến địa chỉ này").click()
    page.wait_for_load_state()
    assert "Kết quả sẽ được phát đến địa chỉ Ông/Bà đã cung cấp" in page.content()
    assert "Số 5 đường Bến Cảng, Xã Suối Bạc" in page.locator("#delivery-chosen").inner_text()

    # The counter returns the result: the delivery order is made and sent to the post by itself.
    services.return_result(world["justice_counter"], dossier)
    shipment = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    assert shipment.waybill == "EL880000001VN" and shipment.partner_state == "sent"
    start = shipment.created_at
    postal.apply_status(shipment, "picked_up", at=start + datetime.timedelta(hours=2))
    postal.apply_status(shipment, "in_transit", at=start + datetime.timedelta(hours=4))

    page.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
    text = page.locator("#postal").inner_text()
    assert "EL880000001VN" in text and "Đang vận chuyển" in text and "Bưu điện đã nhận" in text
    page.screenshot(path=str(SHOTS / "2-dossier-tracking.png"), full_page=True)

    page.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
    tracking = page.locator("#postal-tracking").inner_text()
    assert "EL880000001VN" in tracking and "Đang vận chuyển" in tracking
    assert "Bến Cảng" not in tracking  # no address on the public page
    page.screenshot(path=str(SHOTS / "3-public-tracking.png"), full_page=True)


def test_officer_manifest_and_postal_worker(page, live_server, world, settings):
    """A counter officer scans a manifest (an unknown code refused with its reason, missing and
    extra shown at receipt); the postal worker records a delivery from the work list."""
    from motcua.organization.models import Role, RoleAssignment
    from motcua.testing.world import APPLICANT

    SHOTS.mkdir(parents=True, exist_ok=True)
    settings.POSTAL_PARTNER = "simulator"
    settings.ALLOW_SIMULATORS = True
    commune = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Thử Nghiệm",
                                                 level=AdministrativeLevel.objects.get(code="tinh"))
    ward = AdministrativeUnit.objects.create(code="99901", name="Phường Bến Đò", level=commune, parent=province)
    pool = WaybillPool.objects.create(name="Lô 1", partner="simulator")
    Waybill.objects.create(pool=pool, code="EL880000009VN")
    docs = [{"required_document": d.pk, "originals": 1} for d in world["birth"].documents.all()]

    def receive():
        return services.receive_at_counter(world["justice_counter"], procedure_version=world["birth"],
                                           applicant=APPLICANT, documents=docs, service_point=world["centre"])

    a, b, c = receive(), receive(), receive()
    officer = Client()
    officer.force_login(world["justice_counter"])
    page.context.add_cookies([{"name": "sessionid", "value": officer.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/buu-chinh/bang-ke/")
    page.locator("select[name=agency]").select_option(label="Sở Tư pháp")
    page.get_by_role("button", name="Mở").click()
    page.wait_for_url("**/buu-chinh/bang-ke/*/")
    for code in (a.code, b.code, "000.00.10.H99-000000-9999"):
        page.fill("#scan", code)
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    assert "Mã 000.00.10.H99-000000-9999 không đúng" in page.locator("#messages").inner_text()
    page.get_by_role("button", name="Bàn giao cho bưu tá").click()
    page.wait_for_load_state()
    for code in (a.code, c.code):
        page.fill("#scan", code)
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    page.get_by_role("button", name="Khóa bảng kê đã nhận").click()
    page.wait_for_load_state()
    assert b.code in page.locator("#missing").inner_text() and c.code in page.locator("#extra").inner_text()
    page.screenshot(path=str(SHOTS / "4-manifest.png"), full_page=True)

    dossier = services.resolve(world["justice_leader"], a, result_description="Giấy khai sinh")
    postal.choose_delivery(world["justice_counter"], dossier, unit=ward.pk, street="Số 5 đường Bến Cảng",
                           receiver_name="Trần Thị Mẫu", receiver_phone="0912345678")
    services.return_result(world["justice_counter"], dossier)
    shipment = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    page.goto(f"{live_server.url}/buu-chinh/ho-so/{dossier.code}/")
    assert "EL880000009VN" in page.content()
    page.screenshot(path=str(SHOTS / "5-officer-dossier.png"), full_page=True)
    label = page.request.get(f"{live_server.url}/buu-chinh/van-don/{shipment.pk}/nhan.pdf")
    assert label.ok and label.body().startswith(b"%PDF")
    (SHOTS / "label.pdf").write_bytes(label.body())

    worker = get_user_model().objects.create_user(username="buuta", password="x")
    RoleAssignment.objects.create(user=worker, role=Role.POSTAL_WORKER, service_point=world["centre"])
    page.context.clear_cookies()
    client = Client()
    client.force_login(worker)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/buu-chinh/buu-ta/")
    item = page.locator(f"#work-{shipment.pk}")
    assert "EL880000009VN" in item.inner_text() and "Phường Bến Đò" in item.inner_text()
    page.screenshot(path=str(SHOTS / "6-work-list.png"), full_page=True)
    item.get_by_role("button", name="Đã phát").click()
    page.wait_for_load_state()
    assert "Đã ghi nhận phát thành công" in page.content()
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.delivered_to == "Trần Thị Mẫu"
