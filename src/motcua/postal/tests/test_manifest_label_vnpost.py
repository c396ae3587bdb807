import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from motcua.postal import barcode, services
from motcua.postal.errors import PostalError
from motcua.postal.label import label_pdf
from motcua.postal.models import Leg, Manifest, Shipment
from motcua.postal.partners import OrderRequest, PartnerRefused, PartnerUnavailable
from motcua.postal.partners.vnpost import VnpostPartner

from .conftest import ADDRESS, birth_dossier, resolved


def test_manifest_scans_show_missing_and_extra(world, postal):
    a, b, c = (birth_dossier(world) for _ in range(3))
    counter = world["justice_counter"]
    manifest = services.open_manifest(counter, service_point=world["centre"], agency=world["justice"])
    services.scan_out(counter, manifest, a.code)
    services.scan_out(counter, manifest, f"  {b.code} ")
    with pytest.raises(PostalError) as refused:
        services.scan_out(counter, manifest, a.code)
    assert refused.value.code == "duplicate_scan" and a.code in str(refused.value.message)
    with pytest.raises(PostalError) as refused:
        services.scan_out(counter, manifest, "000.00.10.H99-000000-9999")
    assert refused.value.code == "unknown_scan"
    services.hand_over_manifest(counter, manifest)
    assert set(Shipment.objects.filter(leg=Leg.TRANSFER_OUT).values_list("status", flat=True)) == {"picked_up"}
    services.scan_in(counter, manifest, a.code)
    with pytest.raises(PostalError) as refused:
        services.scan_in(counter, manifest, a.code)
    assert refused.value.code == "duplicate_scan"
    extra = services.scan_in(counter, manifest, c.code)
    assert extra.listed is False
    services.close_manifest(counter, manifest)
    manifest.refresh_from_db()
    from motcua.postal.selectors import manifest_view

    view = manifest_view(manifest)
    assert manifest.state == Manifest.State.RECEIVED
    assert [i.dossier.code for i in view["missing"]] == [b.code]
    assert [i.dossier.code for i in view["extra"]] == [c.code]
    assert Shipment.objects.get(dossier=a, leg=Leg.TRANSFER_OUT).status == "delivered"
    assert Shipment.objects.get(dossier=b, leg=Leg.TRANSFER_OUT).status == "picked_up"


def test_label_pdf_carries_the_waybill_barcode(world, postal):
    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    shipment = services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)
    pdf = label_pdf(shipment)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    assert barcode.decode(barcode.modules(shipment.waybill)) == shipment.waybill
    with pytest.raises(ValueError):
        barcode.encode("Đ")


class FakeVnpost(BaseHTTPRequestHandler):
    orders: dict = {}
    calls: list = []
    down = False

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        self.calls.append((self.path, body, self.headers.get("Authorization")))
        if self.down:
            return self._answer(503, {})
        if self.path == "/api/auth/token":
            ok = body == {"CustomerKey": "key", "Secret": "secret"}
            return self._answer(200 if ok else 403, {"Token": "tok-1"} if ok else {})
        if self.headers.get("Authorization") != "Bearer tok-1":
            return self._answer(401, {})
        if self.path == "/api/order/OrderLGSPWithItemCode":
            existed = body["OrderNumber"] in self.orders
            self.orders.setdefault(body["OrderNumber"], body)
            return self._answer(200, {"Status": "101" if existed else "100", "ItemCode": body["ItemCode"]})
        if self.path == "/api/order/cancel":
            return self._answer(200, {"Status": "102", "Message": "Đã lấy hàng"})
        return self._answer(404, {})

    def do_GET(self):
        self.calls.append((self.path, None, self.headers.get("Authorization")))
        return self._answer(200, {"Status": "100", "Items": [
            {"StatusCode": "1", "Time": "2026-03-02T08:00:00+07:00", "Description": "Tạo đơn"},
            {"StatusCode": "3", "Time": "2026-03-02T10:00:00+07:00", "Description": "Đã nhận hàng"},
            {"StatusCode": "99", "Time": "2026-03-02T11:00:00+07:00", "Description": "?"},
            {"StatusCode": "5", "Time": "2026-03-03T09:00:00", "Description": "Phát thành công"},
        ]})


@pytest.fixture
def vnpost_server():
    FakeVnpost.orders, FakeVnpost.calls, FakeVnpost.down = {}, [], False
    server = HTTPServer(("127.0.0.1", 0), FakeVnpost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_vnpost_adapter_over_http(vnpost_server):
    partner = VnpostPartner(url=vnpost_server, customer_code="C1", customer_key="key", secret="secret", timeout=5)
    order = OrderRequest("X-TRA", "EL1VN", "delivery", "Trung tâm", "0200", "Số 1", "Trần Thị Mẫu", "0912345678",
                         "Số 5, Phường Bến Đò", "99901")
    first = partner.create_order(order)
    again = partner.create_order(order)
    assert not first.already_existed and again.already_existed and len(FakeVnpost.orders) == 1
    sent = FakeVnpost.orders["X-TRA"]
    assert sent["CustomerCode"] == "C1" and sent["ItemCode"] == "EL1VN" and sent["ReceiverWardCode"] == "99901"
    assert [c[0] for c in FakeVnpost.calls].count("/api/auth/token") == 1  # the token is kept
    entries = partner.track("X-TRA")
    assert [e.status for e in entries] == ["created", "picked_up", "delivered"]
    assert entries[-1].at.utcoffset().total_seconds() == 7 * 3600
    with pytest.raises(PartnerRefused):
        partner.cancel_order("X-TRA")
    FakeVnpost.down = True
    with pytest.raises(PartnerUnavailable):
        partner.create_order(order)
    bad = VnpostPartner(url=vnpost_server, customer_code="C1", customer_key="key", secret="wrong", timeout=5)
    FakeVnpost.down = False
    with pytest.raises(PartnerUnavailable):
        bad.track("X-TRA")
