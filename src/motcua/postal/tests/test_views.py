"""The officer's and the postal worker's pages: refusals answered in Vietnamese with a 4xx, the
label as a PDF, the work list for postal workers only, pending orders shown."""
from motcua.dossiers import services as dossier_services
from motcua.postal import services
from motcua.postal.models import Leg, Manifest, Shipment

from .conftest import ADDRESS, resolved


def test_officer_dossier_page_choices_and_label(client, world, postal, settings):
    settings.POSTAL_SIMULATOR_MODE = "unavailable"
    dossier = resolved(world)
    client.force_login(world["justice_counter"])
    url = f"/buu-chinh/ho-so/{dossier.code}/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"action": "choose_delivery", "unit": postal["merged"].pk, **ADDRESS})
    assert bad.status_code == 400 and "sau sắp xếp năm 2025" in bad.content.decode()
    ok = client.post(url, {"action": "choose_delivery", "unit": postal["ward"].pk, **ADDRESS})
    assert ok.status_code == 302
    with_order = client.post(url, {"action": "create_delivery"})
    assert with_order.status_code == 302
    shipment = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    page = client.get(url).content.decode()
    assert shipment.waybill in page and "đang chờ" in page  # the partner is down: pending
    listing = client.get("/buu-chinh/?trang_thai=pending").content.decode()
    assert shipment.waybill in listing
    label = client.get(f"/buu-chinh/van-don/{shipment.pk}/nhan.pdf")
    assert label.status_code == 200 and label["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")
    twice = client.post(url, {"action": "create_delivery"})
    assert twice.status_code == 409
    client.force_login(world["counter"])  # another agency's officer
    assert client.get(url).status_code == 404


def test_delivery_without_result_is_refused_on_the_page(client, world, postal):
    from .conftest import birth_dossier

    dossier = birth_dossier(world)
    client.force_login(world["justice_counter"])
    response = client.post(f"/buu-chinh/ho-so/{dossier.code}/", {"action": "create_delivery"})
    assert response.status_code == 400 and "chưa có kết quả" in response.content.decode()


def test_work_list_for_postal_workers(client, world, postal):
    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    dossier_services.return_result(world["justice_counter"], dossier)
    shipment = services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)
    client.force_login(world["justice_counter"])
    assert client.get("/buu-chinh/buu-ta/").status_code == 403
    client.force_login(postal["worker"])
    page = client.get("/buu-chinh/buu-ta/").content.decode()
    assert shipment.waybill in page and "Phường Bến Đò" in page
    empty = client.post(f"/buu-chinh/buu-ta/van-don/{shipment.pk}/", {"action": "failed", "reason": ""})
    assert empty.status_code == 400 and "lý do" in empty.content.decode()
    done = client.post(f"/buu-chinh/buu-ta/van-don/{shipment.pk}/", {"receiver_name": "Trần Thị Mẫu"})
    assert done.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.delivered_to == "Trần Thị Mẫu"


def test_manifest_page_refuses_unknown_scans(client, world, postal):
    client.force_login(world["justice_counter"])
    response = client.post("/buu-chinh/bang-ke/", {"service_point": world["centre"].pk,
                                                   "agency": world["justice"].pk, "direction": "out"})
    manifest = Manifest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/bang-ke/{manifest.pk}/")
    unknown = client.post(f"/buu-chinh/bang-ke/{manifest.pk}/", {"action": "scan_out", "code": "KHONG-CO"})
    assert unknown.status_code == 400 and "Mã KHONG-CO không đúng" in unknown.content.decode()


def test_worker_gives_the_delivery_time(client, world, postal):
    import datetime

    from django.utils import timezone

    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    shipment = services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)
    client.force_login(postal["worker"])
    when = timezone.localtime() - datetime.timedelta(hours=3)
    response = client.post(f"/buu-chinh/buu-ta/van-don/{shipment.pk}/",
                           {"receiver_name": "Trần Thị Mẫu", "at": when.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.delivered_at == when.replace(second=0, microsecond=0)
    future = resolved(world)
    services.choose_delivery(world["justice_counter"], future, unit=postal["ward"].pk, **ADDRESS)
    other = services.create_shipment(world["justice_counter"], future, Leg.DELIVERY)
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/buu-chinh/buu-ta/van-don/{other.pk}/", {"receiver_name": "X", "at": later})
    assert refused.status_code == 400 and "tương lai" in refused.content.decode()
