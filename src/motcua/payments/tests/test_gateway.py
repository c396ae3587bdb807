"""The VNPay-shaped protocol: signing, verifying, the payment URL, and the registry."""
import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.payments.gateways import get_gateway, registered
from motcua.payments.gateways.base import OrderRequest
from motcua.payments.gateways.vnpay import sign, signing_string, verify

from .conftest import SECRET

PARAMS = {"vnp_TxnRef": "TT0001", "vnp_Amount": "12000000", "vnp_OrderInfo": "Thanh toan phi ho so"}
# printf '%s' 'vnp_Amount=12000000&vnp_OrderInfo=Thanh+toan+phi+ho+so&vnp_TxnRef=TT0001' \
#   | openssl dgst -sha512 -hmac 'SECRETKEY'
HAND_COMPUTED = (
    "3989cb534e473a4fe0d60214ff5a5c264f8464b95d89943746a81ebca52e6b26"
    "57e54e35a6491ebd6ea1c800e1046d737b415ab9df16ec8ed23951f219d7268e"
)


def test_signing_string_is_sorted_and_url_encoded():
    assert signing_string(PARAMS) == "vnp_Amount=12000000&vnp_OrderInfo=Thanh+toan+phi+ho+so&vnp_TxnRef=TT0001"
    # the hash fields and non-vnp parameters are not signed
    assert signing_string({**PARAMS, "vnp_SecureHash": "x", "vnp_SecureHashType": "y", "t": "z"}) == signing_string(
        PARAMS)


def test_signature_matches_a_hand_computed_hmac_sha512():
    assert sign(PARAMS, "SECRETKEY") == HAND_COMPUTED
    assert verify({**PARAMS, "vnp_SecureHash": HAND_COMPUTED}, "SECRETKEY")
    assert verify({**PARAMS, "vnp_SecureHash": HAND_COMPUTED.upper()}, "SECRETKEY")
    assert not verify({**PARAMS, "vnp_SecureHash": HAND_COMPUTED}, "OTHERKEY")
    assert not verify({**PARAMS, "vnp_Amount": "12000100", "vnp_SecureHash": HAND_COMPUTED}, "SECRETKEY")
    assert not verify(PARAMS, "SECRETKEY")  # no signature at all


def test_payment_url_carries_the_signed_order(settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = "SECRETKEY"
    settings.PAYMENT_VNPAY_TMN_CODE = "MOTCUA01"
    gateway = get_gateway("vnpay")
    order = OrderRequest("TT0001", 120_000, "Thanh toan phi ho so 000.00.20.H99-260302-0001",
                         "https://dvc.example.vn/thanh-toan/ket-qua/vnpay/", "203.0.113.5",
                         datetime.datetime(2026, 3, 2, 8, 5, 9))
    url = gateway.payment_url(order)
    assert url.startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params == {
        "vnp_Version": "2.1.0", "vnp_Command": "pay", "vnp_TmnCode": "MOTCUA01", "vnp_Amount": "12000000",
        "vnp_CurrCode": "VND", "vnp_TxnRef": "TT0001", "vnp_OrderInfo": order.info, "vnp_OrderType": "other",
        "vnp_ReturnUrl": order.return_url, "vnp_IpAddr": "203.0.113.5", "vnp_CreateDate": "20260302080509",
        "vnp_ExpireDate": "20260302082009",  # PAYMENT_ORDER_EXPIRY_MINUTES (15) later
        "vnp_Locale": "vn", "vnp_SecureHash": params["vnp_SecureHash"],
    }
    keys = [k for k, _v in parse_qsl(urlsplit(url).query)]
    assert keys[:-1] == sorted(keys[:-1]) and keys[-1] == "vnp_SecureHash"
    assert verify(params, "SECRETKEY")


def test_parse_callback_reads_success_cancel_and_amount(settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = "SECRETKEY"
    gateway = get_gateway("vnpay")
    base = {"vnp_TxnRef": "TT0001", "vnp_Amount": "12000000", "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00", "vnp_TransactionNo": "14012345"}
    ok = gateway.parse_callback({**base, "vnp_SecureHash": sign(base, "SECRETKEY")})
    assert (ok.signature_valid, ok.success, ok.amount, ok.order_ref, ok.transaction_no) == (
        True, True, 120_000, "TT0001", "14012345")
    cancel = {**base, "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"}
    result = gateway.parse_callback({**cancel, "vnp_SecureHash": sign(cancel, "SECRETKEY")})
    assert (result.success, result.cancelled) == (False, True)
    # response code 00 but transaction status not 00: not a success
    half = {**base, "vnp_TransactionStatus": "01"}
    assert not gateway.parse_callback({**half, "vnp_SecureHash": sign(half, "SECRETKEY")}).success
    forged = gateway.parse_callback({**base, "vnp_SecureHash": sign(base, "WRONG")})
    assert (forged.signature_valid, forged.success) == (False, False)


def test_registry(settings):
    assert {"vnpay", "vnpay_simulator"} <= set(registered())
    assert get_gateway().name == "vnpay_simulator"  # the default in tests and the embedded run
    assert get_gateway().secret() == SECRET
    with pytest.raises(KeyError):
        get_gateway("no-such-gateway")
    settings.PAYMENT_VNPAY_HASH_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        get_gateway("vnpay").secret()
