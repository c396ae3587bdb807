"""VNPay's published redirect-and-callback protocol (API version 2.1.0).

The order goes to VNPay as query parameters sorted by name, each URL-encoded (spaces as '+'),
with `vnp_SecureHash` = HMAC-SHA512(secret, "k1=v1&k2=v2..."), lower-case hex. VNPay redirects the
browser back to `vnp_ReturnUrl` and calls our IPN URL, both with parameters signed the same way.
Amounts are đồng x 100. A payment succeeded when vnp_ResponseCode and vnp_TransactionStatus are
both "00"; "24" means the customer cancelled.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote_plus

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .. import conf
from .base import Gateway, GatewayResult, OrderRequest, register

SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SIGNATURE_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")

# Our answers to the IPN, in VNPay's codes.
IPN_OK = ("00", "Confirm Success")
IPN_ORDER_NOT_FOUND = ("01", "Order not found")
IPN_ALREADY_CONFIRMED = ("02", "Order already confirmed")
IPN_INVALID_AMOUNT = ("04", "invalid amount")
IPN_INVALID_SIGNATURE = ("97", "Invalid signature")
IPN_UNKNOWN_ERROR = ("99", "Unknown error")


def signing_string(params: dict) -> str:
    """The text VNPay signs: vnp_* parameters except the hash, sorted, URL-encoded."""
    items = sorted(
        (k, str(v)) for k, v in params.items() if k.startswith("vnp_") and k not in SIGNATURE_FIELDS and v != ""
    )
    return "&".join(f"{k}={quote_plus(v)}" for k, v in items)


def sign(params: dict, secret: str) -> str:
    return hmac.new(secret.encode(), signing_string(params).encode(), hashlib.sha512).hexdigest()


def verify(params: dict, secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", ""))
    return bool(given) and hmac.compare_digest(given.lower(), sign(params, secret))


def signed_query(params: dict, secret: str) -> str:
    return f"{signing_string(params)}&vnp_SecureHash={sign(params, secret)}"


@register
class VNPayGateway(Gateway):
    name = "vnpay"
    label = _("VNPay")
    version = "2.1.0"

    def is_configured(self) -> bool:
        return bool(conf.get("PAYMENT_VNPAY_HASH_SECRET", ""))

    def secret(self) -> str:
        secret = conf.get("PAYMENT_VNPAY_HASH_SECRET", "")
        if not secret:
            raise ImproperlyConfigured("PAYMENT_VNPAY_HASH_SECRET must be set to use the VNPay gateway.")
        return secret

    def tmn_code(self) -> str:
        return conf.get("PAYMENT_VNPAY_TMN_CODE", "")

    def base_url(self) -> str:
        return conf.get("PAYMENT_VNPAY_URL", SANDBOX_URL)

    def order_params(self, order: OrderRequest) -> dict:
        return {
            "vnp_Version": self.version,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code(),
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.order_ref,
            "vnp_OrderInfo": order.info,
            "vnp_OrderType": "other",
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.client_ip or "127.0.0.1",
            "vnp_CreateDate": order.created_at.strftime("%Y%m%d%H%M%S"),
            "vnp_Locale": "vn",
        }

    def payment_url(self, order: OrderRequest) -> str:
        return f"{self.base_url()}?{signed_query(self.order_params(order), self.secret())}"

    def parse_callback(self, params: dict) -> GatewayResult:
        params = {k: str(v) for k, v in params.items()}
        if not verify(params, self.secret()):
            return GatewayResult(signature_valid=False, order_ref=params.get("vnp_TxnRef", "")[:100])
        raw_amount = params.get("vnp_Amount", "")
        amount = int(raw_amount) // 100 if raw_amount.isdigit() and int(raw_amount) % 100 == 0 else None
        response_code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", "")
        return GatewayResult(
            signature_valid=True,
            order_ref=params.get("vnp_TxnRef", "")[:100],
            amount=amount,
            success=response_code == "00" and status == "00",
            cancelled=response_code == "24",
            transaction_no=params.get("vnp_TransactionNo", "")[:50],
            response_code=response_code[:10],
            error="" if amount is not None else "vnp_Amount is not a whole number of đồng x 100",
        )

    def ipn_response(self, code: str, message: str) -> dict:
        return {"RspCode": code, "Message": message}
