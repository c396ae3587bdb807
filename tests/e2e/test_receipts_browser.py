"""Electronic fee receipts in a real browser: the citizen pays online through the gateway
simulator while the receipt provider is down (the dossier goes on, the receipt is "being issued"),
the provider comes back, the retry issues exactly one receipt, the citizen downloads its PDF from
the dossier page and the counter officer sees it. Screenshots in /tmp/shots/receipts/ when that
folder exists."""
import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.tests.helpers import PASSWORD, make_account
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.payments.models import EReceipt, SimulatedInvoice
from motcua.payments.receipts.services import retry_due
from motcua.payments.receipts.simulator import set_mode

SHOTS = Path("/tmp/shots/receipts")


def shot(page, name):
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def citizen_login(page, live_server, phone):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill(phone)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")


def login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_receipt_while_the_provider_is_down_then_up_citizen_downloads_officer_sees(
        live_server, page, settings, receive, world):
    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.PAYMENT_SIMULATOR_HASH_SECRET = "browser-test-secret"
    settings.SITE_URL = live_server.url
    settings.PAYMENT_IPN_BASE_URL = live_server.url
    account = make_account()
    dossier = receive()
    dossier_services.start_processing(world["specialist"], dossier)
    dossier = dossier_services.request_payment(world["specialist"], dossier, amount=120000)
    Dossier.objects.filter(pk=dossier.pk).update(account=account.user)  # submitted through the portal account
    set_mode("down")

    citizen_login(page, live_server, account.phone)
    page.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
    page.locator("#pay-online").click()
    page.wait_for_url("**/thanh-toan/gia-lap/**")
    page.locator("button[value=pay]").click()
    page.wait_for_url("**/thanh-toan/ket-qua/vnpay_simulator/**")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.fee_paid == 120000  # never blocked

    page.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
    receipts = page.locator("#receipts").inner_text()
    assert "Chờ nhà cung cấp" in receipts and "Đang phát hành" in receipts
    assert page.locator(".receipt-download").count() == 0
    shot(page, "citizen-receipt-pending")

    set_mode("up")
    assert retry_due(now=timezone.now() + datetime.timedelta(hours=1)) == {"issued": 1}
    receipt = EReceipt.objects.get()
    assert SimulatedInvoice.objects.count() == 1

    page.reload()
    receipts = page.locator("#receipts").inner_text()
    assert "Đã phát hành" in receipts and receipt.lookup_code in receipts and receipt.number in receipts
    assert "01BLP0-001" in receipts and "120.000 đ" in receipts
    shot(page, "citizen-receipt-issued")
    with page.expect_download() as info:
        page.locator(".receipt-download").click()
    download = info.value
    assert download.suggested_filename == f"bien-lai_{receipt.series}{receipt.number}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    if SHOTS.is_dir():
        (SHOTS / "receipt.pdf").write_bytes(pdf)

    login(page, live_server, world["counter"])
    page.goto(f"{live_server.url}/thanh-toan/quay/{dossier.code}/")
    receipts = page.locator("#receipts").inner_text()
    assert receipt.lookup_code in receipts and "Đã phát hành" in receipts
    shot(page, "officer-counter-receipts")
    # another person's dossier page is a 404, receipt included
    other = make_account(phone="0912000111", email="khac@example.test", citizen_id="038085009999")
    citizen_login(page, live_server, other.phone)
    answer = page.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/bien-lai/{receipt.pk}/")
    assert answer.status == 404
