"""The simulated bank's books and its merchant web API.

Each order the citizen paid, cancelled or failed on the simulator's pages is one
`SimulatedTransaction` (`record_choice`), settled for good at the first choice. `answer_api` is
the merchant web API: it answers `querydr` status queries and `refund` requests from these
books, signed with the simulator's secret, in VNPay's JSON shape. A refund is granted only for a
paid transaction and only up to what was paid minus its earlier refunds, which the books keep.

Every function takes the simulator gateway (`gateway.py`) for its secret and merchant code; this
module imports neither the gateway nor the payment service.
"""
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...models import SimulatedTransaction
from ..vnpay import (
    DATE_FORMAT,
    QUERYDR_REQUEST_HASH_FIELDS,
    QUERYDR_RESPONSE_HASH_FIELDS,
    REFUND_FULL,
    REFUND_PARTIAL,
    REFUND_REQUEST_HASH_FIELDS,
    REFUND_RESPONSE_HASH_FIELDS,
    pipe_sign,
    pipe_verify,
    sign,
)

CHOICES = {
    # choice: (vnp_ResponseCode, vnp_TransactionStatus)
    "pay": ("00", "00"),
    "cancel": ("24", "02"),  # the customer cancelled
    "fail": ("51", "02"),  # insufficient balance
}


# --- the books ---------------------------------------------------------------------------------


def recorded(order: dict) -> SimulatedTransaction | None:
    return SimulatedTransaction.objects.filter(tmn_code=order["vnp_TmnCode"], order_ref=order["vnp_TxnRef"]).first()


def record_choice(gateway, order: dict, choice: str, lose: bool) -> SimulatedTransaction:
    """Record the citizen's choice with its signed result, once: a transaction is settled at the
    gateway for good, so a second choice (a double click) leaves the first one standing."""
    response_code, status = CHOICES[choice]
    result = {
        "vnp_Amount": order["vnp_Amount"],
        "vnp_BankCode": "MOTCUASIM",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order["vnp_OrderInfo"],
        "vnp_PayDate": timezone.localtime().strftime(DATE_FORMAT),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": order["vnp_TmnCode"],
        "vnp_TransactionNo": str(secrets.randbelow(10**8)).zfill(8) if choice == "pay" else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": order["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = sign(result, gateway.secret())
    try:
        with transaction.atomic():
            record, _created = SimulatedTransaction.objects.get_or_create(
                tmn_code=order["vnp_TmnCode"], order_ref=order["vnp_TxnRef"],
                defaults={"choice": choice, "order": order, "result": result, "notification_sent": not lose},
            )
    except IntegrityError:  # a double click raced us: the first choice stands
        record = recorded(order)
    return record


# --- the merchant web API: status queries (querydr) and refunds --------------------------------


def answer_api(gateway, body) -> dict:
    """The merchant web API: one URL, the command says which answer."""
    if isinstance(body, dict) and body.get("vnp_Command") == "refund":
        return answer_refund(gateway, body)
    return answer_query(gateway, body)


def _replier(gateway, command: str, response_fields):
    """The answer being built for one API request, and `reply(code, message, **fields)`, which
    completes and signs it (the fields not given stay empty, as VNPay sends them)."""
    answer = dict.fromkeys(response_fields, "")
    answer.update(vnp_ResponseId=secrets.token_hex(16), vnp_Command=command, vnp_TmnCode=gateway.tmn_code())

    def reply(code: str, message: str, **fields) -> dict:
        answer.update(vnp_ResponseCode=code, vnp_Message=message, **fields)
        answer["vnp_SecureHash"] = pipe_sign(answer, response_fields, gateway.secret())
        return answer

    return reply


def _refused(gateway, body: dict, command: str, required, request_fields, reply, well_formed: bool = True
             ) -> dict | None:
    """VNPay's answers to a request it will not read: 03 bad data, 02 another merchant, 97 wrong
    checksum; None for a request to go on with."""
    if not well_formed or not all(body.get(name) for name in (*required, "vnp_SecureHash")) or (
            body["vnp_Command"] != command):
        return reply("03", "Invalid data format")
    if body["vnp_TmnCode"] != gateway.tmn_code():
        return reply("02", "Merchant is not valid")
    if not pipe_verify(body, request_fields, gateway.secret()):
        return reply("97", "Invalid checksum")
    return None


def _transaction_asked(gateway, body: dict, for_update: bool = False) -> SimulatedTransaction | None:
    """Like VNPay, the transaction is found by its reference and the date of its order."""
    records = SimulatedTransaction.objects.select_for_update() if for_update else SimulatedTransaction.objects
    record = records.filter(tmn_code=gateway.tmn_code(), order_ref=body["vnp_TxnRef"]).first()
    if record is None or record.order.get("vnp_CreateDate") != body["vnp_TransactionDate"]:
        return None
    return record


def _text_values(body) -> dict:
    return {str(k): ("" if v is None else str(v)) for k, v in body.items()} if isinstance(body, dict) else {}


def answer_query(gateway, body: dict) -> dict:
    """The signed querydr answer for a request, from the books."""
    reply = _replier(gateway, "querydr", QUERYDR_RESPONSE_HASH_FIELDS)
    body = _text_values(body)
    refused = _refused(gateway, body, "querydr", QUERYDR_REQUEST_HASH_FIELDS, QUERYDR_REQUEST_HASH_FIELDS, reply)
    if refused:
        return refused
    record = _transaction_asked(gateway, body)
    if record is None:
        return reply("91", "Transaction not found", vnp_TxnRef=body["vnp_TxnRef"][:100])
    result = record.result
    return reply(
        "00", "QueryDR Success", vnp_TxnRef=record.order_ref, vnp_Amount=result["vnp_Amount"],
        vnp_OrderInfo=result["vnp_OrderInfo"], vnp_BankCode=result["vnp_BankCode"], vnp_PayDate=result["vnp_PayDate"],
        vnp_TransactionNo=result["vnp_TransactionNo"], vnp_TransactionType="01",
        vnp_TransactionStatus=result["vnp_TransactionStatus"],
    )


def answer_refund(gateway, body: dict) -> dict:
    """The signed refund answer, from (and recorded in) the books. VNPay's codes: 03 bad data,
    02 another merchant, 97 wrong checksum, 91 no such transaction, 95 the transaction was not
    paid, 93 an amount more than what is left to refund (or a "full" refund that is not the
    whole payment), 94 a request id already used, 00 accepted."""
    reply = _replier(gateway, "refund", REFUND_RESPONSE_HASH_FIELDS)
    body = _text_values(body)
    needed = [name for name in REFUND_REQUEST_HASH_FIELDS if name != "vnp_TransactionNo"]
    well_formed = body.get("vnp_TransactionType") in (REFUND_FULL, REFUND_PARTIAL) and \
        body.get("vnp_Amount", "").isdigit()
    refused = _refused(gateway, body, "refund", needed, REFUND_REQUEST_HASH_FIELDS, reply, well_formed)
    if refused:
        return refused
    amount = int(body["vnp_Amount"])
    with transaction.atomic():
        record = _transaction_asked(gateway, body, for_update=True)
        if record is None:
            return reply("91", "Transaction not found", vnp_TxnRef=body["vnp_TxnRef"][:100])
        result = record.result
        common = {"vnp_TxnRef": record.order_ref, "vnp_BankCode": result.get("vnp_BankCode", ""),
                  "vnp_TransactionType": body["vnp_TransactionType"], "vnp_OrderInfo": body["vnp_OrderInfo"][:255]}
        if record.choice != "pay":
            return reply("95", "Transaction is not successful at VNPAY; refund refused", **common)
        if any(r.get("request_id") == body["vnp_RequestId"] for r in record.refunds):
            return reply("94", "Duplicate request", **common)
        paid = int(result["vnp_Amount"])
        left = paid - sum(int(r["amount"]) * 100 for r in record.refunds)
        if amount <= 0 or amount % 100 or amount > left or (
                body["vnp_TransactionType"] == REFUND_FULL and (amount != paid or left != paid)):
            return reply("93", "Invalid refund amount", **common)
        number = str(secrets.randbelow(10**8)).zfill(8)
        now = timezone.localtime().strftime(DATE_FORMAT)
        record.refunds = [*record.refunds, {"amount": amount // 100, "request_id": body["vnp_RequestId"],
                                            "transaction_no": number, "at": now, "by": body["vnp_CreateBy"][:100]}]
        record.save(update_fields=["refunds"])
    # "05": VNPay is processing the refund (the money reaches the bank account later).
    return reply("00", "Refund success", vnp_Amount=str(amount), vnp_PayDate=now, vnp_TransactionNo=number,
                 vnp_TransactionStatus="05", **common)
