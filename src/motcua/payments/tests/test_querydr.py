"""The VNPay status query (querydr) over real HTTP against a local server standing in for VNPay's
merchant web API: the request's fields, their signing order and signature, the timeout, and the
answer's signature (a tampered answer is never a payment)."""
import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from motcua.payments.gateways import get_gateway
from motcua.payments.gateways.base import Gateway, OrderQuery
from motcua.payments.gateways.vnpay import (
    QUERYDR_REQUEST_HASH_FIELDS,
    QUERYDR_RESPONSE_HASH_FIELDS,
    pipe_sign,
    pipe_string,
    pipe_verify,
)

SECRET = "SECRETKEY"
TMN = "MOTCUA01"
# printf '%s' '0123456789abcdef0123456789abcdef|2.1.0|querydr|MOTCUA01|TT0001|20260302080509|20260302090000|203.0.113.9|Truy van giao dich TT0001' \
#   | openssl dgst -sha512 -hmac 'SECRETKEY'
REQUEST_HASH = (
    "50c234b87cac4884b0bf3b478a0de8da2745b5ddc89500af8a438b3d91040a0e"
    "ef98aef322e6acd22725fcbec76f063b4631033bc2673edff1176d14339851ca"
)
# printf '%s' 'R0001|querydr|00|QueryDR Success|MOTCUA01|TT0001|12000000|NCB|20260302081500|14012345|01|00|Thanh toan phi ho so||' \
#   | openssl dgst -sha512 -hmac 'SECRETKEY'
ANSWER_HASH = (
    "163e1e612f5724fd95dfd58fad1686e70ce641d8d126438e642006896787f70a"
    "3df90adee2a554b99adfc03dbf2247f2b2bf0c27b248aedd48e420a9effb083c"
)
ORDER = OrderQuery("TT0001", 120_000, timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 5, 9)))


def paid_answer(**changes) -> dict:
    answer = {
        "vnp_ResponseId": "R0001", "vnp_Command": "querydr", "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success", "vnp_TmnCode": TMN, "vnp_TxnRef": "TT0001", "vnp_Amount": "12000000",
        "vnp_OrderInfo": "Thanh toan phi ho so", "vnp_BankCode": "NCB", "vnp_PayDate": "20260302081500",
        "vnp_TransactionNo": "14012345", "vnp_TransactionType": "01", "vnp_TransactionStatus": "00",
        "vnp_PromotionCode": "", "vnp_PromotionAmount": "",
    }
    answer.update(changes)
    answer["vnp_SecureHash"] = pipe_sign(answer, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)
    return answer


class FakeVNPay:
    """A local HTTP server: records each request, answers with `self.answer(body)`."""

    def __init__(self):
        self.requests = []
        self.answer = lambda body: paid_answer()
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw})
                time.sleep(fake.delay)
                body = fake.answer(json.loads(raw))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/merchant_webapi/api/transaction"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vnpay(settings):
    fake = FakeVNPay()
    settings.PAYMENT_VNPAY_HASH_SECRET = SECRET
    settings.PAYMENT_VNPAY_TMN_CODE = TMN
    settings.PAYMENT_VNPAY_API_URL = fake.url
    settings.PAYMENT_SERVER_IP = "203.0.113.9"
    settings.PAYMENT_QUERY_TIMEOUT_SECONDS = 2
    yield fake
    fake.close()


def test_request_fields_order_and_signature_match_a_hand_computed_hmac(settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = SECRET
    settings.PAYMENT_VNPAY_TMN_CODE = TMN
    settings.PAYMENT_SERVER_IP = "203.0.113.9"
    params = get_gateway("vnpay").query_params(
        ORDER, request_id="0123456789abcdef0123456789abcdef",
        now=timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0, 0)))
    assert params == {
        "vnp_RequestId": "0123456789abcdef0123456789abcdef", "vnp_Version": "2.1.0", "vnp_Command": "querydr",
        "vnp_TmnCode": TMN, "vnp_TxnRef": "TT0001", "vnp_OrderInfo": "Truy van giao dich TT0001",
        "vnp_TransactionDate": "20260302080509", "vnp_CreateDate": "20260302090000", "vnp_IpAddr": "203.0.113.9",
        "vnp_SecureHash": REQUEST_HASH,
    }
    assert pipe_string(params, QUERYDR_REQUEST_HASH_FIELDS) == (
        "0123456789abcdef0123456789abcdef|2.1.0|querydr|MOTCUA01|TT0001|20260302080509|20260302090000|"
        "203.0.113.9|Truy van giao dich TT0001")


def test_answer_signature_matches_a_hand_computed_hmac():
    answer = paid_answer()
    assert answer["vnp_SecureHash"] == ANSWER_HASH
    assert pipe_verify({**answer, "vnp_SecureHash": ANSWER_HASH.upper()}, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)
    assert not pipe_verify({**answer, "vnp_Amount": "12000100"}, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)
    assert not pipe_verify({**answer, "vnp_SecureHash": ""}, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)


def test_query_is_a_signed_json_post_and_a_paid_answer_reads_as_paid(vnpay):
    result = get_gateway("vnpay").query_status(ORDER)
    [request] = vnpay.requests
    assert request["path"] == "/merchant_webapi/api/transaction"
    assert request["headers"]["Content-Type"] == "application/json"
    body = json.loads(request["raw"])
    assert set(body) == {*QUERYDR_REQUEST_HASH_FIELDS, "vnp_SecureHash"}
    assert (body["vnp_Command"], body["vnp_TxnRef"], body["vnp_TransactionDate"], body["vnp_IpAddr"]) == (
        "querydr", "TT0001", "20260302080509", "203.0.113.9")
    assert len(body["vnp_RequestId"]) == 32 and body["vnp_RequestId"].isalnum()
    assert pipe_verify(body, QUERYDR_REQUEST_HASH_FIELDS, SECRET)
    assert (result.signature_valid, result.final, result.success, result.amount, result.transaction_no) == (
        True, True, True, 120_000, "14012345")
    assert result.paid_at == timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 15))
    assert result.sent == body and result.received["vnp_SecureHash"] == ANSWER_HASH


def test_two_queries_have_different_request_ids(vnpay):
    gateway = get_gateway("vnpay")
    gateway.query_status(ORDER)
    gateway.query_status(ORDER)
    ids = {json.loads(r["raw"])["vnp_RequestId"] for r in vnpay.requests}
    assert len(ids) == 2


@pytest.mark.parametrize("tamper", ["amount after signing", "status after signing", "other secret", "no hash",
                                    "other merchant"])
def test_a_tampered_answer_is_never_a_payment(vnpay, tamper):
    def answer(body):
        if tamper == "amount after signing":
            return {**paid_answer(), "vnp_Amount": "100"}
        if tamper == "status after signing":
            return {**paid_answer(vnp_TransactionStatus="02"), "vnp_TransactionStatus": "00"}
        if tamper == "other secret":
            signed = paid_answer()
            signed["vnp_SecureHash"] = pipe_sign(signed, QUERYDR_RESPONSE_HASH_FIELDS, "ANOTHER")
            return signed
        if tamper == "other merchant":
            return paid_answer(vnp_TmnCode="OTHERTMN")
        return {k: v for k, v in paid_answer().items() if k != "vnp_SecureHash"}

    vnpay.answer = answer
    result = get_gateway("vnpay").query_status(ORDER)
    assert (result.signature_valid, result.success, result.final) == (False, False, False)
    assert result.error == "wrong signature on the gateway's answer"


@pytest.mark.parametrize("changes, reading", [
    ({"vnp_TransactionStatus": "01"}, "pending"),  # not completed yet
    ({"vnp_ResponseCode": "91", "vnp_TransactionStatus": ""}, "pending"),  # no such transaction (yet)
    ({"vnp_TransactionStatus": "02"}, "failed"),
    ({"vnp_TransactionStatus": "04"}, "error"),  # reversed: money may have moved, a person checks
    ({"vnp_TransactionStatus": "07"}, "error"),  # suspected fraud
    ({"vnp_ResponseCode": "97", "vnp_TransactionStatus": ""}, "error"),  # the gateway refused our checksum
    ({"vnp_ResponseCode": "94"}, "error"),  # duplicate request
    ({"vnp_TxnRef": "TT9999"}, "error"),  # an answer about another order
    ({"vnp_Amount": "12000050"}, "error"),  # not whole đồng
])
def test_answers_are_read_as_vnpay_documents_them(vnpay, changes, reading):
    vnpay.answer = lambda body: paid_answer(**changes)
    result = get_gateway("vnpay").query_status(ORDER)
    assert result.signature_valid and not result.success
    got = "pending" if result.pending else "error" if result.error else "failed"
    assert got == reading, result
    assert result.final == (reading == "failed")


def test_timeout_comes_from_settings_and_leaves_no_result(vnpay, settings):
    settings.PAYMENT_QUERY_TIMEOUT_SECONDS = 0.3
    vnpay.delay = 1.0
    started = time.monotonic()
    result = get_gateway("vnpay").query_status(ORDER)
    assert time.monotonic() - started < 0.9
    assert (result.signature_valid, result.final, result.success) == (False, False, False)
    assert "unreachable" in result.error and result.sent["vnp_TxnRef"] == "TT0001"


def test_unreachable_and_garbled_answers_are_errors(vnpay, settings):
    vnpay.answer = lambda body: b"<html>maintenance</html>"
    garbled = get_gateway("vnpay").query_status(ORDER)
    assert garbled.error == "the gateway's answer is not JSON" and garbled.received == {
        "body": "<html>maintenance</html>"}
    vnpay.answer = lambda body: ["not", "an", "object"]
    assert get_gateway("vnpay").query_status(ORDER).error == "the gateway's answer is not a JSON object"
    vnpay.close()  # nobody listens there any more
    closed = get_gateway("vnpay").query_status(ORDER)
    assert not closed.final and closed.error.startswith("gateway unreachable at http://127.0.0.1:")
    settings.PAYMENT_VNPAY_HASH_SECRET = ""
    unconfigured = get_gateway("vnpay").query_status(ORDER)
    assert not unconfigured.final and "PAYMENT_VNPAY_HASH_SECRET" in unconfigured.error
    vnpay.close = lambda: None  # already closed for the fixture


def test_a_gateway_without_status_query():
    with pytest.raises(NotImplementedError):
        Gateway().query_status(ORDER)
