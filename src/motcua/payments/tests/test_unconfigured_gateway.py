"""A registered gateway the installation has not configured (VNPay without its secret) is not a
500 for whoever calls its URLs: the return page is a 404, the IPN a 404 answer (found by the fuzzer)."""
import pytest

from motcua.payments.models import GatewayCallback

pytestmark = pytest.mark.django_db


def test_vnpay_urls_without_a_secret_are_404(client, settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = ""
    assert client.get("/thanh-toan/ket-qua/vnpay/", {"vnp_TxnRef": "X"}).status_code == 404
    ipn = client.get("/thanh-toan/ipn/vnpay/", {"vnp_TxnRef": "X"})
    assert ipn.status_code == 404 and ipn.json() == {"RspCode": "99", "Message": "Unknown gateway"}
    assert not GatewayCallback.objects.exists()


def test_vnpay_urls_with_a_secret_check_the_signature(client, settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = "a-configured-secret"
    assert client.get("/thanh-toan/ket-qua/vnpay/", {"vnp_TxnRef": "X", "vnp_SecureHash": "00"}).status_code == 400
    assert client.get("/thanh-toan/ipn/vnpay/", {"vnp_TxnRef": "X", "vnp_SecureHash": "00"}).json()["RspCode"] == "97"
