"""A dossier waiting for its fee is paid online through the gateway simulator, in a real browser:
pay link -> simulator -> Pay -> return page says paid, and the dossier has moved on. The
simulator calls the IPN over HTTP on the live server, like the real gateway."""
import pytest

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.dossiers.tests.conftest import _fresh_caches, receive, world  # noqa: F401  (fixtures)
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
