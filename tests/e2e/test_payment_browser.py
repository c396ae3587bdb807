"""A dossier waiting for its fee is paid online through the gateway simulator, in a real browser:
pay link -> simulator -> Pay -> return page says paid, and the dossier has moved on. The
simulator calls the IPN over HTTP on the live server, like the real gateway."""
import pytest

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.payments.links import pay_path
from motcua.payments.models import GatewayCallback, Payment


@pytest.fixture
def waiting(receive, world):  # noqa: F811
    dossier = receive()
    dossier_services.start_processing(world["specialist"], dossier)
    return dossier_services.request_payment(world["specialist"], dossier, amount=120000)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pay_a_fee_online_through_the_simulator(live_server, page, settings, waiting):
    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.PAYMENT_SIMULATOR_HASH_SECRET = "browser-test-secret"
    assert waiting.status == Status.WAITING_PAYMENT

    page.goto(f"{live_server.url}{pay_path(waiting.code)}")
    assert page.locator("#owed").inner_text() == "120.000 đ"
    page.get_by_role("button", name="Thanh toán trực tuyến").click()

    page.wait_for_url("**/thanh-toan/gia-lap/**")
    assert page.locator("h1").inner_text() == "Cổng thanh toán giả lập"
    assert page.locator("#sim-amount").inner_text() == "120.000 đ"
    page.locator("button[value=pay]").click()

    page.wait_for_url("**/thanh-toan/ket-qua/vnpay_simulator/**")
    assert "Đã thanh toán." in page.locator("#payment-state").inner_text()
    assert page.locator("#dossier-status").inner_text() == "Đang xử lý"

    waiting.refresh_from_db()
    assert waiting.status == Status.PROCESSING and waiting.fee_paid == 120000
    payment = Payment.objects.get()
    assert (payment.status, payment.amount) == ("paid", 120000)
    # the truth came by the server-to-server IPN over HTTP, then the browser's return was logged
    assert list(GatewayCallback.objects.order_by("pk").values_list("kind", "outcome", "signature_valid")) == [
        ("ipn", "00", True), ("return", "00", True)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_counter_officer_refunds_part_of_an_online_payment(live_server, page, settings, waiting, world):  # noqa: F811
    """After the citizen paid online, the counter officer gives back part of it on the counter
    page: the simulator (over HTTP) carries it out, the page lists it, an over-refund is refused."""
    from django.test import Client

    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.PAYMENT_SIMULATOR_HASH_SECRET = "browser-test-secret"
    settings.SITE_URL = live_server.url
    settings.PAYMENT_IPN_BASE_URL = live_server.url
    page.goto(f"{live_server.url}{pay_path(waiting.code)}")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/thanh-toan/gia-lap/**")
    page.locator("button[value=pay]").click()
    page.wait_for_url("**/thanh-toan/ket-qua/vnpay_simulator/**")
    payment = Payment.objects.get()
    assert payment.status == "paid"

    officer = Client()
    officer.force_login(world["counter"])
    page.context.add_cookies([{"name": "sessionid", "value": officer.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/thanh-toan/quay/{waiting.code}/")
    form = page.locator(f"#refund-{payment.pk}")
    form.get_by_label("Số tiền hoàn (đồng)").fill("20000")
    form.get_by_label("Lý do hoàn tiền").fill("Nộp thừa lệ phí")
    form.get_by_role("button", name="Hoàn tiền").click()
    page.wait_for_url(f"{live_server.url}/thanh-toan/quay/{waiting.code}/")
    refunds = page.locator("#refunds").inner_text()
    assert "20.000 đ" in refunds and "Thành công" in refunds and "Nộp thừa lệ phí" in refunds
    assert "100.000 đ" in page.locator(f"#refund-{payment.pk}").inner_text()  # what can still be refunded

    form = page.locator(f"#refund-{payment.pk}")
    form.get_by_label("Số tiền hoàn (đồng)").fill("200000")
    form.get_by_label("Lý do hoàn tiền").fill("Thử quá số tiền")
    form.get_by_role("button", name="Hoàn tiền").click()
    assert "Số tiền hoàn lớn hơn 100.000 đồng còn có thể hoàn." in page.locator(f"#refund-{payment.pk}").inner_text()
    assert payment.refunds.filter(status="succeeded").count() == 1
    assert sum(payment.refunds.values_list("amount", flat=True)) == 20000
