"""VNPay's published redirect-and-callback protocol (API version 2.1.0).

The order goes to VNPay as query parameters sorted by name, each URL-encoded (spaces as '+'),
with `vnp_SecureHash` = HMAC-SHA512(secret, "k1=v1&k2=v2..."), lower-case hex. VNPay redirects the
browser back to `vnp_ReturnUrl` and calls our IPN URL, both with parameters signed the same way.
Amounts are đồng x 100. A payment succeeded when vnp_ResponseCode and vnp_TransactionStatus are
both "00"; "24" means the customer cancelled.

The status query (`vnp_Command=querydr`) is a JSON POST to the merchant web API. Unlike the
redirect protocol, its request and its answer are signed over their values joined with "|" in a
fixed order (QUERYDR_REQUEST_HASH_FIELDS, QUERYDR_RESPONSE_HASH_FIELDS). In the answer,
vnp_ResponseCode is about the query ("00" answered, "91" no such transaction) and
vnp_TransactionStatus about the payment ("00" paid, "01" not completed, "02" failed).

The refund (`vnp_Command=refund`) is a JSON POST to the same URL, signed the same way over its
own field orders (REFUND_REQUEST_HASH_FIELDS, REFUND_RESPONSE_HASH_FIELDS); vnp_TransactionType
"02" is a full refund, "03" a partial one, and vnp_ResponseCode "00" means the gateway accepted it.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import secrets
import unicodedata
import urllib.error
import urllib.request
from urllib.parse import quote_plus

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import conf
from .base import Gateway, GatewayResult, IpnAnswer, IpnOutcome, OrderQuery, OrderRequest, register

SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
SIGNATURE_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
DATE_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, local time (GMT+7)

# querydr checksums: HMAC-SHA512(secret, the values of these fields joined with "|", in this
# order; a missing value is empty). The order is VNPay's querydr specification (API 2.1.0) as
# implemented by the public client libraries; kept here, in one place, should VNPay change it.
QUERYDR_REQUEST_HASH_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
    "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)
QUERYDR_RESPONSE_HASH_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
    "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
)
# refund checksums, the same way. The order follows VNPay's refund specification (API 2.1.0) as
# implemented by VNPay's own sample code and the public client libraries; not checked against the
# live sandbox (VNPay restricts refunds there).
REFUND_REQUEST_HASH_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
    "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_HASH_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
    "vnp_TransactionStatus", "vnp_OrderInfo",
)
REFUND_FULL = "02"
REFUND_PARTIAL = "03"
REFUND_ACCEPTED = "00"
# querydr vnp_ResponseCode (the query) and vnp_TransactionStatus (the payment).
QUERY_ANSWERED = "00"
QUERY_NOT_FOUND = "91"
TXN_PAID = "00"
TXN_NOT_COMPLETED = "01"
TXN_FAILED = "02"
MAX_ANSWER_BYTES = 64 * 1024

# Our answers to the IPN, in VNPay's codes (RspCode, Message).
IPN_ANSWERS = {
    IpnOutcome.CONFIRMED: ("00", "Confirm Success"),
    IpnOutcome.ORDER_NOT_FOUND: ("01", "Order not found"),
    IpnOutcome.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    IpnOutcome.INVALID_AMOUNT: ("04", "invalid amount"),
    IpnOutcome.INVALID_SIGNATURE: ("97", "Invalid signature"),
    IpnOutcome.UNKNOWN_ERROR: ("99", "Unknown error"),
}


def dong(raw: str) -> int | None:
    """VNPay amounts are đồng x 100: the đồng, or None when it is not a whole number of them."""
    return int(raw) // 100 if raw.isdigit() and int(raw) % 100 == 0 else None


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


def pipe_string(values: dict, fields: tuple[str, ...]) -> str:
    """The text a querydr request or answer is signed over: values in `fields` order, "|"-joined."""
    return "|".join("" if values.get(name) is None else str(values.get(name)) for name in fields)


def pipe_sign(values: dict, fields: tuple[str, ...], secret: str) -> str:
    return hmac.new(secret.encode(), pipe_string(values, fields).encode(), hashlib.sha512).hexdigest()


def pipe_verify(values: dict, fields: tuple[str, ...], secret: str) -> bool:
    given = str(values.get("vnp_SecureHash") or "")
    return bool(given) and hmac.compare_digest(given.lower(), pipe_sign(values, fields, secret))


def ascii_text(value: str) -> str:
    """VNPay wants plain ASCII in vnp_OrderInfo: drop the Vietnamese diacritics."""
    value = str(value).replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def parse_date(value: str) -> datetime.datetime | None:
    try:
        return timezone.make_aware(datetime.datetime.strptime(value, DATE_FORMAT))
    except (TypeError, ValueError):
        return None


class QueryError(Exception):
    """The status query got no usable answer (unreachable, timeout, an HTTP error, not JSON)."""

    def __init__(self, message: str, received: dict | None = None):
        super().__init__(message)
        self.received = received or {}


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

    def api_url(self) -> str:
        """The merchant web API that answers status queries."""
        return conf.get("PAYMENT_VNPAY_API_URL", SANDBOX_API_URL)

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
            "vnp_CreateDate": order.created_at.strftime(DATE_FORMAT),
            # After this the gateway refuses to take the money, so reconciliation may close an
            # order the gateway still has no payment for.
            "vnp_ExpireDate": (order.created_at + datetime.timedelta(minutes=conf.order_expiry_minutes())).strftime(
                DATE_FORMAT),
            "vnp_Locale": "vn",
        }

    def payment_url(self, order: OrderRequest) -> str:
        return f"{self.base_url()}?{signed_query(self.order_params(order), self.secret())}"

    def parse_callback(self, params: dict) -> GatewayResult:
        params = {k: str(v) for k, v in params.items()}
        if not verify(params, self.secret()):
            return GatewayResult(signature_valid=False, order_ref=params.get("vnp_TxnRef", "")[:100])
        amount = dong(params.get("vnp_Amount", ""))
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

    def ipn_answer(self, outcome: IpnOutcome) -> IpnAnswer:
        code, message = IPN_ANSWERS[outcome]
        return IpnAnswer(code, {"RspCode": code, "Message": message})

    # --- status query (querydr) ----------------------------------------------------------------

    def query_params(self, order: OrderQuery, *, request_id: str | None = None,
                     now: datetime.datetime | None = None) -> dict:
        """The signed querydr request for an order."""
        params = {
            "vnp_RequestId": request_id or secrets.token_hex(16),  # unique per day, at most 32
            "vnp_Version": self.version,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code(),
            "vnp_TxnRef": order.order_ref,
            "vnp_OrderInfo": f"Truy van giao dich {order.order_ref}",
            "vnp_TransactionDate": timezone.localtime(order.created_at).strftime(DATE_FORMAT),
            "vnp_CreateDate": timezone.localtime(now or timezone.now()).strftime(DATE_FORMAT),
            "vnp_IpAddr": conf.server_ip(),
        }
        params["vnp_SecureHash"] = pipe_sign(params, QUERYDR_REQUEST_HASH_FIELDS, self.secret())
        return params

    def query_status(self, order: OrderQuery) -> GatewayResult:
        return self._exchange(order.order_ref, lambda: self.query_params(order),
                              lambda sent, received: self.read_query_answer(order, sent, received))

    def _exchange(self, order_ref: str, build, read) -> GatewayResult:
        """One signed request to the merchant web API (querydr, refund): build it, POST it, read
        the answer; a missing secret or an unreachable gateway is a result with `error`."""
        try:
            sent = build()
        except ImproperlyConfigured as exc:
            return GatewayResult(signature_valid=False, order_ref=order_ref, error=str(exc))
        try:
            received = self.post_query(sent)
        except QueryError as exc:
            return GatewayResult(signature_valid=False, order_ref=order_ref, error=str(exc)[:250], sent=sent,
                                 received=exc.received)
        return read(sent, received)

    def _signed_answer(self, received: dict, fields) -> tuple[dict, bool]:
        """The answer as short strings, and whether its checksum over `fields` holds. Our own
        merchant code goes into the checksum: an answer for another merchant fails it."""
        received = {str(k)[:100]: ("" if v is None else str(v)[:500]) for k, v in received.items()}
        return received, pipe_verify({**received, "vnp_TmnCode": self.tmn_code()}, fields, self.secret())

    def post_query(self, body: dict) -> dict:
        """POST the request as JSON over HTTP; the decoded JSON object answered, or QueryError."""
        url = self.api_url()
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=conf.query_timeout_seconds()) as response:  # noqa: S310
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise QueryError(f"the gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise QueryError(f"gateway unreachable at {url}: {reason}") from None
        if len(raw) > MAX_ANSWER_BYTES:
            raise QueryError("the gateway's answer is too long")
        try:
            answer = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise QueryError("the gateway's answer is not JSON",
                             {"body": raw[:500].decode("utf-8", "replace")}) from None
        if not isinstance(answer, dict):
            raise QueryError("the gateway's answer is not a JSON object", {"body": str(answer)[:500]})
        return answer

    def read_query_answer(self, order: OrderQuery, sent: dict, received: dict) -> GatewayResult:
        """Check the answer's signature and read it. A bad signature is an error, never a payment."""
        received, valid = self._signed_answer(received, QUERYDR_RESPONSE_HASH_FIELDS)
        common = {"order_ref": order.order_ref, "sent": sent, "received": received}
        if not valid:
            return GatewayResult(signature_valid=False, error="wrong signature on the gateway's answer", **common)
        code = received.get("vnp_ResponseCode", "")[:10]
        if code == QUERY_NOT_FOUND:
            return GatewayResult(signature_valid=True, pending=True, response_code=code, **common)
        if code != QUERY_ANSWERED:
            return GatewayResult(signature_valid=True, response_code=code, **common,
                                 error=f"the gateway refused the query: {code} {received.get('vnp_Message', '')}")
        if received.get("vnp_TxnRef") != order.order_ref:
            return GatewayResult(signature_valid=True, response_code=code, error="the answer is about another order",
                                 **common)
        status = received.get("vnp_TransactionStatus", "")[:10]
        amount = dong(received.get("vnp_Amount", ""))
        result = {
            "signature_valid": True, "amount": amount, "response_code": status,
            "transaction_no": received.get("vnp_TransactionNo", "")[:50],
            "paid_at": parse_date(received.get("vnp_PayDate", "")), **common,
        }
        if status == TXN_PAID:
            if amount is None:
                return GatewayResult(**result, error="vnp_Amount is not a whole number of đồng x 100")
            return GatewayResult(**result, success=True)
        if status == TXN_NOT_COMPLETED:
            return GatewayResult(**result, pending=True)
        if status == TXN_FAILED:
            # querydr does not tell a customer's cancellation (IPN code 24) from a failure.
            return GatewayResult(**result)
        # 04 reversed, 07 suspected fraud, refund states...: money may have moved; a person decides.
        return GatewayResult(**result, error=f"transaction status {status} needs a person to check it")

    # --- refund ---------------------------------------------------------------------------------

    def refund_params(self, payment, amount: int, reason: str, actor, *, request_id: str | None = None,
                      now: datetime.datetime | None = None) -> dict:
        """The signed refund request: full ("02") when the whole payment goes back at once."""
        params = {
            "vnp_RequestId": request_id or secrets.token_hex(16),
            "vnp_Version": self.version,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code(),
            "vnp_TransactionType": REFUND_FULL if int(amount) == int(payment.amount) else REFUND_PARTIAL,
            "vnp_TxnRef": payment.order_ref,
            "vnp_Amount": str(int(amount) * 100),
            "vnp_OrderInfo": ascii_text(f"Hoan tien {payment.order_ref}: {reason}")[:255],
            "vnp_TransactionNo": payment.gateway_transaction_no or "",
            # The order's vnp_CreateDate, as in querydr: the gateway finds the transaction by it.
            "vnp_TransactionDate": timezone.localtime(payment.created_at).strftime(DATE_FORMAT),
            "vnp_CreateBy": ascii_text(getattr(actor, "get_username", lambda: str(actor))())[:250],
            "vnp_CreateDate": timezone.localtime(now or timezone.now()).strftime(DATE_FORMAT),
            "vnp_IpAddr": conf.server_ip(),
        }
        params["vnp_SecureHash"] = pipe_sign(params, REFUND_REQUEST_HASH_FIELDS, self.secret())
        return params

    def refund(self, payment, amount: int, reason: str, actor) -> GatewayResult:
        return self._exchange(payment.order_ref, lambda: self.refund_params(payment, amount, reason, actor),
                              lambda sent, received: self.read_refund_answer(payment, int(amount), sent, received))

    def read_refund_answer(self, payment, amount: int, sent: dict, received: dict) -> GatewayResult:
        """A bad signature is a failure, never a refund; so is an answer about another order or sum."""
        received, valid = self._signed_answer(received, REFUND_RESPONSE_HASH_FIELDS)
        common = {"order_ref": payment.order_ref, "sent": sent, "received": received}
        if not valid:
            return GatewayResult(signature_valid=False, error="wrong signature on the gateway's answer", **common)
        code = received.get("vnp_ResponseCode", "")[:10]
        if code != REFUND_ACCEPTED:
            return GatewayResult(signature_valid=True, response_code=code, **common,
                                 error=f"the gateway refused the refund: {code} {received.get('vnp_Message', '')}"[:250])
        answered = dong(received.get("vnp_Amount", ""))
        if received.get("vnp_TxnRef") != payment.order_ref or answered != amount:
            return GatewayResult(signature_valid=True, response_code=code, **common,
                                 error="the answer is about another order or another amount")
        return GatewayResult(signature_valid=True, success=True, amount=answered, response_code=code,
                             transaction_no=received.get("vnp_TransactionNo", "")[:50], **common)
