"""The pages through Django's test client: pay link, simulator round trip, return page, IPN
endpoint, counter form, reconciliation and its Excel export."""
import io
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from motcua.dossiers.models import Status
from motcua.payments.links import pay_path, token_for
from motcua.payments.models import GatewayCallback, Payment, PaymentStatus

from .helpers import ipn_params


def test_pay_link_needs_its_token(client, waiting):
    assert client.get(f"/thanh-toan/ho-so/{waiting.code}/").status_code == 404
    assert client.get(f"/thanh-toan/ho-so/{waiting.code}/?t={token_for('OTHER-CODE')}").status_code == 404
    assert client.get(f"/thanh-toan/ho-so/{waiting.code}/?t=forged").status_code == 404
    page = client.get(pay_path(waiting.code))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Còn phải nộp" in text and "120.000 đ" in text and "Thanh toán trực tuyến" in text


def test_round_trip_through_the_simulator(client, waiting):
    response = client.post(f"/thanh-toan/ho-so/{waiting.code}/", {"t": token_for(waiting.code)})
    assert response.status_code == 302
    order_url = response["Location"]
    assert order_url.startswith("/thanh-toan/gia-lap/?")
    sim = client.get(order_url)
    assert sim.status_code == 200 and "120.000 đ" in sim.content.decode()
    form = {k: v for k, v in sim.context["params"].items()}
    back = client.post("/thanh-toan/gia-lap/", {**form, "choice": "pay"})
    assert back.status_code == 302
    return_url = urlsplit(back["Location"])
    assert return_url.path == "/thanh-toan/ket-qua/vnpay_simulator/"
    # The IPN (in-process in these tests) already moved the dossier on.
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    result = client.get(f"{return_url.path}?{return_url.query}")
    assert result.status_code == 200
    text = result.content.decode()
    assert "Đã thanh toán." in text and waiting.code in text
    assert list(GatewayCallback.objects.order_by("pk").values_list("kind", "outcome")) == [
        ("ipn", "00"), ("return", "00")]


def test_simulator_refuses_a_forged_order(client, waiting):
    client.post(f"/thanh-toan/ho-so/{waiting.code}/", {"t": token_for(waiting.code)})
    payment = Payment.objects.get()
    forged = client.get(f"/thanh-toan/gia-lap/?vnp_TxnRef={payment.order_ref}&vnp_Amount=100&vnp_SecureHash=abc")
    assert forged.status_code == 400
    assert "không hợp lệ" in forged.content.decode()


def test_simulator_cancel(client, waiting):
    order_url = client.post(f"/thanh-toan/ho-so/{waiting.code}/", {"t": token_for(waiting.code)})["Location"]
    params = client.get(order_url).context["params"]
    back = client.post("/thanh-toan/gia-lap/", {**params, "choice": "cancel"})
    page = client.get(back["Location"])
    assert "Giao dịch đã bị hủy" in page.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, Payment.objects.get().status) == (Status.WAITING_PAYMENT, PaymentStatus.CANCELLED)


def test_ipn_endpoint_answers_in_vnpay_json(client, waiting):
    client.post(f"/thanh-toan/ho-so/{waiting.code}/", {"t": token_for(waiting.code)})
    payment = Payment.objects.get()
    params = ipn_params(payment)
    bad = client.get("/thanh-toan/ipn/vnpay_simulator/", {**params, "vnp_SecureHash": "0" * 128})
    assert bad.json() == {"RspCode": "97", "Message": "Invalid signature"}
    ok = client.get("/thanh-toan/ipn/vnpay_simulator/", params)
    assert ok.json() == {"RspCode": "00", "Message": "Confirm Success"}
    again = client.get("/thanh-toan/ipn/vnpay_simulator/", params)
    assert again.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert client.get("/thanh-toan/ipn/no-such/", params).status_code == 404
    assert Payment.objects.filter(status="paid").count() == 1


def test_return_page_with_a_bad_signature(client, waiting):
    page = client.get("/thanh-toan/ket-qua/vnpay_simulator/?vnp_TxnRef=X&vnp_SecureHash=00")
    assert page.status_code == 400


def test_counter_form(client, waiting, world):
    url = f"/thanh-toan/quay/{waiting.code}/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(world["justice_counter"])
    assert client.get(url).status_code == 404  # another agency's dossier
    client.force_login(world["counter"])
    page = client.get(url)
    assert page.status_code == 200 and "120.000 đ" in page.content.decode()
    negative = client.post(url, {"amount": "-5000", "method": "cash", "receipt_number": "BL-1"})
    assert negative.status_code == 400 and "Số tiền phải lớn hơn 0 đồng." in negative.content.decode()
    too_much = client.post(url, {"amount": "999999", "method": "cash", "receipt_number": "BL-1"})
    assert too_much.status_code == 400 and "Số tiền lớn hơn số còn phải nộp là 120.000 đồng." in too_much.content.decode()
    assert Payment.objects.count() == 0
    done = client.post(url, {"amount": "120000", "method": "cash", "receipt_number": "BL-1"}, follow=True)
    assert "Đã ghi nhận khoản thanh toán 120.000 đồng, biên lai số BL-1." in done.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    assert client.get("/thanh-toan/quay/", {"code": waiting.code})["Location"] == url


def test_reconciliation_page_and_excel(client, waiting, world, receive):
    from motcua.payments import services

    services.record_counter_payment(world["counter"], waiting, 120_000, "cash", "BL-7")
    other = receive()
    services.record_counter_payment(world["counter"], other, 50_000, "card", "BL-8")
    client.force_login(world["counter"])
    page = client.get("/thanh-toan/doi-soat/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "170.000 đ" in text and "Tiền mặt" in text and "Sở Nông nghiệp và Môi trường" in text
    export = client.get("/thanh-toan/doi-soat/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(export.content))
    payments = wb.worksheets[0]
    assert payments.max_row == 4  # header, two payments, total
    assert payments.cell(4, 6).value == 170_000
    assert {payments.cell(r, 7).value for r in (2, 3)} == {"BL-7", "BL-8"}
    # another agency's officer sees none of it
    client.force_login(world["justice_counter"])
    assert "170.000" not in client.get("/thanh-toan/doi-soat/").content.decode()
    assert client.get("/thanh-toan/doi-soat/?day=not-a-day").status_code == 400


@pytest.mark.parametrize("lang, text", [("en", "Still owed"), ("vi", "Còn phải nộp")])
def test_english_on_request(client, waiting, lang, text):
    assert text in client.get(pay_path(waiting.code) + f"&lang={lang}").content.decode()
