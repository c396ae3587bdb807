"""The one place where payments change: counter payments, online orders, gateway callbacks.

Each function runs in one transaction with the dossier (and the payment) row locked, so two
officers or a replayed IPN cannot record the same money twice. When a dossier waiting for its
financial obligation (status 6) becomes fully paid, the dossier engine's `confirm_payment` is
called in the same transaction: the clock restarts and the due moment moves by the pause.

An order whose IPN never came is settled by `reconcile_pending`: the gateway is asked for the
order's status and a verified final answer goes through the same code path as a verified IPN
(`_settle`), so whichever of the two arrives second changes nothing.

A paid online payment is given back by `refund_payment`: the refund is reserved with the rows
locked, the gateway is asked without a lock, and its verified answer settles the `Refund`.

Nothing here knows a gateway's parameter names or answer codes: a gateway reads its callbacks and
answers into a neutral `GatewayResult` and says the service's `IpnOutcome` in its own codes
(`gateways/base.py`).
"""
from __future__ import annotations

import datetime
import logging
import secrets
from collections import Counter

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.transitions import PAYMENT_GATEWAY, is_allowed

from . import conf
from .gateways import UnknownPlugin, get_gateway
from .gateways.base import GatewayResult, IpnOutcome, OrderQuery, OrderRequest
from .models import COUNTER_METHODS, GatewayCallback, Method, Payment, PaymentStatus, Refund, RefundStatus
from .receipts.services import queue_receipt, receipts_of, request_cancel

logger = logging.getLogger(__name__)

# The most a single dossier payment may be: a guard against typing errors (an extra zero).
MAX_PAYMENT = 10_000_000_000
# An order the gateway still has no payment for is closed this long after its expiry
# (a payment finishing at the bank at the last moment, clocks that differ a little).
EXPIRY_GRACE = datetime.timedelta(minutes=15)
# Orders replaced by a newer one are asked about (lost notification of a second tab) this long.
SUPERSEDED_LOOKBACK = datetime.timedelta(days=2)


# The statuses of an open dossier, for which money is taken.
PAYABLE_STATUSES = (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.WAITING_PAYMENT, Status.RESOLVED)


class PaymentError(DomainError):
    """A refused payment. `code`: invalid, nothing_owed, too_much, not_found, forbidden, stale."""


def owed(dossier: Dossier) -> int:
    return max(int(dossier.fee_due) - int(dossier.fee_paid), 0)


def online_payment_enabled() -> bool:
    """Citizens can pay online: the gateway in use is configured (the simulator always is)."""
    try:
        return get_gateway().is_configured()
    except Exception:  # an unknown gateway name: no online payment rather than a broken page
        return False


def fee_summary(dossier: Dossier) -> dict:
    """What a dossier's pages print about its fee: the catalogue's lines for its version and
    case (`FeeQuote`, online discount for online submissions), what is due (the dossier's own
    `fee_due`, which an officer may have set), paid and still owed, and when it is payable."""
    from .fees import FeeError, compute_fee

    version = dossier.procedure_version
    try:
        quote = compute_fee(version, dossier.case_id, online=dossier.channel_in == Channel.ONLINE)
    except FeeError:
        quote = None
    return {
        "quote": quote, "due": int(dossier.fee_due), "paid": int(dossier.fee_paid), "owed": owed(dossier),
        "payable_at": version.fee_payable_at, "payable_at_label": version.get_fee_payable_at_display(),
        "receipts": receipts_of(dossier),
    }


def system_actor():
    """The gateway confirms payments as a trusted component, not as a user: its callback's
    signature was verified before this is used, and the engine lets it take payment actions only."""
    return dossier_services.SystemActor(PAYMENT_GATEWAY)


def new_order_ref(prefix: str = "TT") -> str:
    """Unique, alphanumeric, short enough for a gateway's order reference (22 characters):
    TT + local time + 8 random hex."""
    return f"{prefix}{timezone.localtime():%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


# --- applying money to a dossier ---------------------------------------------------------------


def _apply_to_dossier(dossier: Dossier, payment: Payment, actor) -> Dossier:
    """Add a paid payment to the dossier through the engine: resume it if it was waiting for
    exactly this, otherwise record the payment (status and clock unchanged). Call inside the
    transaction that holds the dossier's row lock."""
    online = payment.method == Method.ONLINE
    reference = payment.receipt_number or payment.order_ref
    if dossier.status == Status.WAITING_PAYMENT and payment.amount >= owed(dossier):
        return dossier_services.confirm_payment(
            actor, dossier, amount_paid=payment.amount, receipt_number=reference, online=online, at=payment.paid_at,
        )
    return dossier_services.record_payment(
        actor, dossier, amount=payment.amount, method=payment.method, reference=reference, online=online,
        at=payment.paid_at,
    )


def _lock_dossier(dossier) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        return Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist:
        raise PaymentError("not_found", _("No such dossier.")) from None


def _clean_amount(value) -> int:
    try:
        amount = int(str(value).replace(".", "").replace(",", "").replace(" ", ""))
    except (TypeError, ValueError):
        raise PaymentError("invalid", _("The amount must be a whole number of đồng.")) from None
    if amount <= 0:
        raise PaymentError("invalid", _("The amount must be more than 0 đồng."))
    if amount > MAX_PAYMENT:
        raise PaymentError("invalid", _("The amount is not plausible; check the figure."))
    return amount


# --- at the counter ----------------------------------------------------------------------------


@transaction.atomic
def record_counter_payment(actor, dossier, amount, method: str, receipt_number: str, *, at=None,
                           expected_version: int | None = None) -> Payment:
    """An officer takes cash, a card or a transfer at the counter, with the receipt number.
    `at`: the moment it was paid (now by default; the demo loader records past days).
    `expected_version`: the dossier's version the officer saw (the API's optimistic locking);
    compared with the locked row, so an action committed meanwhile makes it `stale`."""
    if method not in COUNTER_METHODS:
        raise PaymentError("invalid", _("Choose cash, card or bank transfer."))
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise PaymentError("invalid", _("Give the number of the receipt handed to the applicant."))
    amount = _clean_amount(amount)
    row = _lock_dossier(dossier)
    if not _may_take_payments(actor, row):
        raise PaymentError("forbidden", _("You do not take payments for the agency of this dossier."))
    if expected_version is not None and int(expected_version) != row.version:
        raise PaymentError("stale", _(
            "Someone else has acted on dossier %(code)s in the meantime (it is now: %(status)s). "
            "Reload the page and try again.") % {"code": row.code, "status": row.get_status_display()})
    if row.status not in PAYABLE_STATUSES:
        raise PaymentError("invalid", _("This dossier is closed; no payment can be recorded for it."))
    remaining = owed(row)
    if remaining == 0:
        raise PaymentError("nothing_owed", _("Dossier %(code)s owes nothing.") % {"code": row.code})
    if amount > remaining:
        raise PaymentError(
            "too_much", _("The amount is more than the %(owed)s đồng still owed.") % {"owed": f"{remaining:,}".replace(",", ".")}
        )
    payment = Payment.objects.create(
        dossier=row, amount=amount, method=method, order_ref=new_order_ref("QT"), status=PaymentStatus.PAID,
        receipt_number=receipt_number[:50], paid_at=at or timezone.now(), recorded_by=actor,
    )
    _apply_to_dossier(row, payment, actor)
    queue_receipt(payment)
    return payment


# --- online ------------------------------------------------------------------------------------


@transaction.atomic
def start_online_payment(dossier, *, return_url: str, client_ip: str = "", gateway_name: str | None = None
                         ) -> tuple[Payment, str]:
    """Create an order for what the dossier owes and return it with the gateway URL.

    Older pending online orders of the dossier are cancelled, so only the newest can be paid.
    """
    gateway = get_gateway(gateway_name)
    row = _lock_dossier(dossier)
    remaining = owed(row)
    if remaining == 0:
        raise PaymentError("nothing_owed", _("Dossier %(code)s owes nothing.") % {"code": row.code})
    if row.status not in PAYABLE_STATUSES:
        raise PaymentError("invalid", _("This dossier is closed; no payment can be made for it."))
    Payment.objects.filter(dossier=row, method=Method.ONLINE, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.CANCELLED
    )
    payment = Payment.objects.create(
        dossier=row, amount=remaining, method=Method.ONLINE, gateway=gateway.name, order_ref=new_order_ref(),
    )
    order = OrderRequest(
        order_ref=payment.order_ref, amount=payment.amount,
        info=f"Thanh toan phi ho so {row.code}", return_url=return_url, client_ip=client_ip,
        created_at=timezone.localtime(payment.created_at),
    )
    return payment, gateway.payment_url(order)


def handle_ipn(gateway_name: str, params: dict, remote_addr: str | None = None) -> dict:
    """The gateway's server tells us the result of an order: the truth about a payment.

    Returns the answer body for the gateway, in its own codes (`Gateway.ipn_answer`). Every call
    is logged; a wrong signature, an unknown order, a changed amount or a replay changes nothing.
    """
    gateway = get_gateway(gateway_name)
    params = {k: str(v) for k, v in params.items()}
    order_ref = ""
    try:
        result = gateway.parse_callback(params)
        order_ref = result.order_ref
        with transaction.atomic():
            outcome, payment, reason = _process_ipn(gateway, result)
            answer = gateway.ipn_answer(outcome)
            _log(gateway.name, GatewayCallback.Kind.IPN, params, result.signature_valid, answer.code, reason,
                 payment, remote_addr, order_ref=order_ref)
    except Exception:  # the gateway must get an answer; we keep the evidence
        logger.exception("IPN from %s failed", gateway.name)
        answer = gateway.ipn_answer(IpnOutcome.UNKNOWN_ERROR)
        _log(gateway.name, GatewayCallback.Kind.IPN, params, False, answer.code, "internal error", None, remote_addr,
             order_ref=order_ref)
    return answer.body


def _process_ipn(gateway, result: GatewayResult) -> tuple[IpnOutcome, Payment | None, str]:
    """(outcome, payment, reason for the log) of a callback the gateway has read."""
    if not result.signature_valid:
        return IpnOutcome.INVALID_SIGNATURE, None, "wrong signature"
    found = Payment.objects.filter(order_ref=result.order_ref, gateway=gateway.name).values_list(
        "pk", "dossier_id").first()
    if found is None:
        return IpnOutcome.ORDER_NOT_FOUND, None, "unknown order"
    # Lock the dossier before the payment, in the same order as the other commands (no deadlock);
    # a replayed IPN waits here and then sees the payment already paid.
    row = _lock_dossier(found[1])
    payment = Payment.objects.select_for_update().get(pk=found[0])
    if result.amount is None or result.amount != payment.amount:
        shown = "unreadable" if result.amount is None else f"{result.amount} đồng"
        return IpnOutcome.INVALID_AMOUNT, payment, f"amount {shown} != {payment.amount} đồng"
    if superseded(payment):
        # An order replaced by a newer one on our side only: the gateway may still have taken it
        # (a second tab). Money it took is recorded and given back, never lost.
        if result.success:
            return IpnOutcome.CONFIRMED, payment, _settle(row, payment, result, paid_at=timezone.now())
        _note_unpaid(payment, result)
    if payment.status != PaymentStatus.PENDING:
        return IpnOutcome.ALREADY_CONFIRMED, payment, f"order already {payment.status}"
    reason = _settle(row, payment, result, paid_at=timezone.now())
    return IpnOutcome.CONFIRMED, payment, reason


def superseded(payment: Payment) -> bool:
    """An online order we cancelled ourselves when a newer order of the dossier was made
    (`start_online_payment`), about which the gateway has told us nothing yet."""
    return (payment.method == Method.ONLINE and payment.status == PaymentStatus.CANCELLED
            and not payment.gateway_response_code and not payment.gateway_transaction_no)


def _note_unpaid(payment: Payment, result: GatewayResult, code: str = "") -> None:
    """Keep the gateway's "not paid" about a superseded order: it is not asked about again."""
    payment.gateway_response_code = (code or result.response_code or "--")[:10]
    payment.gateway_transaction_no = result.transaction_no[:50]
    payment.save(update_fields=["gateway_response_code", "gateway_transaction_no"])


def _settle(row: Dossier, payment: Payment, result: GatewayResult, *, paid_at) -> str:
    reason = _settle_order(row, payment, result, paid_at=paid_at)
    # Every paid payment gets its electronic receipt, made once this transaction commits (a
    # refund-due payment too: the money was taken; a full refund cancels the receipt).
    queue_receipt(payment)
    return reason


def _settle_order(row: Dossier, payment: Payment, result: GatewayResult, *, paid_at) -> str:
    """Apply a verified final result to a pending order: paid (and the dossier through the
    engine), or failed / cancelled. The one code path of the IPN and reconciliation; call with
    the dossier then the payment locked and the payment seen pending (or `superseded`). Returns
    the log's reason."""
    was_superseded = superseded(payment)
    payment.gateway_transaction_no = result.transaction_no
    payment.gateway_response_code = result.response_code
    if result.success:
        payment.status = PaymentStatus.PAID
        payment.paid_at = paid_at
        fields = ["status", "paid_at", "gateway_transaction_no", "gateway_response_code", "refund_due"]
        if was_superseded:
            # A second tab: the citizen paid an order replaced by a newer one. The dossier takes
            # only the order in force (never the same fee twice); this money waits for a refund.
            payment.refund_due = True
            payment.save(update_fields=fields)
            return "paid; order replaced by a newer one, not applied to the dossier (refund due)"
        if not is_allowed("record_payment", row.status):
            # The gateway has the money but the dossier was closed meanwhile (withdrawn, stopped,
            # refused): the engine takes no payment for it, so the money waits for a refund.
            payment.refund_due = True
            payment.save(update_fields=fields)
            return f"paid; dossier closed (status {row.status}), not applied to it (refund due)"
        reason = "paid"
        if payment.amount > owed(row):
            reason = f"paid; dossier owed only {owed(row)} (refund due)"
            payment.refund_due = True
        payment.save(update_fields=fields)
        _apply_to_dossier(row, payment, system_actor())
        return reason
    payment.status = PaymentStatus.CANCELLED if result.cancelled else PaymentStatus.FAILED
    payment.save(update_fields=["status", "gateway_transaction_no", "gateway_response_code"])
    return f"not paid (code {result.response_code})"


def handle_return(gateway_name: str, params: dict, remote_addr: str | None = None) -> tuple[Payment | None, bool]:
    """The browser comes back from the gateway. Only logged and used to find the order: the
    payment's state comes from the IPN, never from these parameters."""
    gateway = get_gateway(gateway_name)
    params = {k: str(v) for k, v in params.items()}
    result = gateway.parse_callback(params)
    payment = None
    if result.signature_valid:
        payment = Payment.objects.filter(order_ref=result.order_ref, gateway=gateway.name).select_related(
            "dossier").first()
    reason = "shown" if payment else ("wrong signature" if not result.signature_valid else "unknown order")
    _log(gateway.name, GatewayCallback.Kind.RETURN, params, result.signature_valid, result.response_code, reason,
         payment, remote_addr, order_ref=result.order_ref)
    return payment, result.signature_valid


def _log(gateway, kind, params, valid, code, reason, payment, remote_addr, *, order_ref: str, sent=None):
    return GatewayCallback.objects.create(
        gateway=gateway, kind=kind, order_ref=str(order_ref)[:100],
        payment=payment, params=params, sent=sent or {}, signature_valid=valid, outcome=code[:10], reason=reason[:300],
        remote_addr=remote_addr or None,
    )


# --- reconciliation of lost notifications ------------------------------------------------------


def reconcile_pending(older_than_minutes: int = 15) -> dict:
    """Ask the gateway about every online order still pending `older_than_minutes` after it was
    made, oldest first, and settle those it has a final answer for.

    Returns counts: paid, closed (failed, cancelled or expired), pending (no final answer yet,
    or the gateway could not be reached or not be trusted), unchanged (settled meanwhile, e.g.
    by a late IPN), unsupported (a gateway without a status query). Every query is logged.
    """
    now = timezone.now()
    cutoff = now - datetime.timedelta(minutes=max(int(older_than_minutes), 0))
    pending = Payment.objects.filter(
        Q(status=PaymentStatus.PENDING)
        # orders replaced by a newer one that the gateway may still have taken (a second tab)
        | Q(status=PaymentStatus.CANCELLED, gateway_response_code="", gateway_transaction_no="",
            created_at__gte=now - SUPERSEDED_LOOKBACK),
        method=Method.ONLINE, created_at__lte=cutoff,
    ).order_by("created_at", "pk").values_list("pk", flat=True)
    counts = Counter({"paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0})
    for pk in list(pending):
        counts[reconcile_payment(pk)] += 1
    return dict(counts)


def reconcile_payment(payment_pk: int) -> str:
    """Ask the gateway what became of one order and apply a verified final answer. No lock is
    held while the gateway is asked; the answer is applied with the dossier and the payment
    locked, to the order only if it is still pending. Returns the count it falls under."""
    payment = Payment.objects.get(pk=payment_pk)
    try:
        gateway = get_gateway(payment.gateway)
    except (UnknownPlugin, ImproperlyConfigured) as exc:  # unknown, or a simulator where none may run
        logger.warning("order %s: gateway %r is not usable (%s); left pending", payment.order_ref, payment.gateway, exc)
        return "unsupported"
    order = OrderQuery(order_ref=payment.order_ref, amount=payment.amount, created_at=payment.created_at)
    try:
        result = gateway.query_status(order)
    except NotImplementedError:
        logger.info("order %s: gateway %s has no status query; left pending", payment.order_ref, gateway.name)
        return "unsupported"
    except Exception as exc:  # a plugin's bug must not stop the other orders
        logger.exception("status query of order %s at %s failed", payment.order_ref, gateway.name)
        result = GatewayResult(signature_valid=False, order_ref=payment.order_ref, error=f"query failed: {exc}"[:250])
    try:
        with transaction.atomic():
            outcome, reason, logged = _apply_query(payment, result)
            _log(gateway.name, GatewayCallback.Kind.QUERY, result.received, result.signature_valid,
                 result.response_code or ("error" if result.error else ""), reason, logged, None,
                 order_ref=payment.order_ref, sent=result.sent)
    except Exception:
        logger.exception("reconciliation of order %s failed", payment.order_ref)
        _log(gateway.name, GatewayCallback.Kind.QUERY, result.received, False, "error",
             "internal error; left pending", None, None, order_ref=payment.order_ref, sent=result.sent)
        return "pending"
    if outcome == "pending":
        logger.warning("order %s left pending: %s", payment.order_ref, reason)
    return outcome


def _apply_query(payment: Payment, result: GatewayResult) -> tuple[str, str, Payment]:
    """(count, reason for the log, payment) for a status query's answer."""
    if not result.signature_valid or result.error:
        return "pending", f"left pending: {result.error or 'answer not verified'}", payment
    row = _lock_dossier(payment.dossier_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    replaced = superseded(payment)
    if payment.status != PaymentStatus.PENDING and not replaced:
        return "unchanged", f"order already {payment.status}; nothing changed", payment
    now = timezone.now()
    if result.pending:
        expires = payment.created_at + datetime.timedelta(minutes=conf.order_expiry_minutes())
        if now < expires + EXPIRY_GRACE:
            return "pending", f"left pending: no completed transaction at the gateway yet (code {result.response_code})", \
                payment
        if replaced:
            _note_unpaid(payment, result)
            return "closed", f"replaced order expired: no payment at the gateway (code {result.response_code})", payment
        payment.status = PaymentStatus.FAILED
        payment.gateway_response_code = result.response_code
        payment.save(update_fields=["status", "gateway_response_code"])
        return "closed", f"expired: no completed transaction at the gateway (code {result.response_code})", payment
    if result.success and result.amount != payment.amount:
        return "pending", f"left pending: the gateway reports {result.amount} đồng, the order is {payment.amount}", \
            payment
    # The gateway's own payment moment: the clock restarts when the citizen paid, as it would have
    # with a timely IPN, not when we got round to asking (bounded by the order and the pause).
    paid_at = min(max(result.paid_at or now, payment.created_at, row.paused_at or payment.created_at), now)
    if replaced and not result.success:
        _note_unpaid(payment, result)
        return "closed", f"replaced order not paid (code {result.response_code}) (reconciled)", payment
    reason = _settle(row, payment, result, paid_at=paid_at)
    return ("paid" if result.success else "closed"), f"{reason} (reconciled)", payment


# --- refunds -----------------------------------------------------------------------------------


def _may_take_payments(actor, row: Dossier) -> bool:
    """The counter's rule: `dossier.receive` for the dossier's receiving or current agency."""
    allowed = dossier_services.agency_ids_with(actor, "dossier.receive")
    return bool(allowed & {row.receiving_agency_id, row.current_agency_id or row.competent_agency_id})


def refundable(payment: Payment) -> int:
    """What may still be given back: paid minus refunds succeeded or under way."""
    if payment.method != Method.ONLINE or payment.status != PaymentStatus.PAID:
        return 0
    held = sum(payment.refunds.filter(status__in=(RefundStatus.REQUESTED, RefundStatus.SUCCEEDED))
               .values_list("amount", flat=True))
    return max(payment.amount - held, 0)


def refunded(payment: Payment) -> int:
    return sum(payment.refunds.filter(status=RefundStatus.SUCCEEDED).values_list("amount", flat=True))


def refund_payment(officer, payment, amount=None, reason: str = "") -> Refund:
    """Give back `amount` đồng (default: all that is left) of a paid online payment through its
    gateway. Returns the Refund, `succeeded` or `failed` (the gateway's refusal, or no trusted
    answer); raises PaymentError for what we refuse ourselves (nothing is sent then).

    1. With the dossier then the payment locked (the order of every other command), the request
       is checked and a `requested` Refund reserves its amount: a second officer waits, then sees
       less (or nothing) left to refund.
    2. The gateway is asked without a lock held (it may take seconds).
    3. Its answer settles the Refund; the exchange is logged as a GatewayCallback (kind refund).

    The dossier's `fee_paid` is not lowered: the dossier engine has no command for a refund, and
    only the engine writes dossiers. Refunds are recorded on the payment side only.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError("invalid", _("Give the reason for the refund."))
    if len(reason) > 300:
        raise PaymentError("invalid", _("The reason is too long (at most 300 characters)."))
    pk = payment.pk if isinstance(payment, Payment) else payment
    with transaction.atomic():
        dossier_id = Payment.objects.filter(pk=pk).values_list("dossier_id", flat=True).first()
        if dossier_id is None:
            raise PaymentError("not_found", _("No such payment."))
        row = _lock_dossier(dossier_id)
        payment = Payment.objects.select_for_update().get(pk=pk)
        if not _may_take_payments(officer, row):
            raise PaymentError("forbidden", _("You do not take payments for the agency of this dossier."))
        if payment.method != Method.ONLINE:
            raise PaymentError("invalid", _("Only online payments are refunded through the gateway; give back "
                                            "counter payments at the counter."))
        if payment.status != PaymentStatus.PAID:
            raise PaymentError("invalid", _("Only a paid payment can be refunded."))
        left = refundable(payment)
        if left == 0:
            raise PaymentError("too_much", _("Nothing is left to refund on this payment."))
        amount = left if amount in (None, "") else _clean_amount(amount)
        if amount > left:
            raise PaymentError("too_much", _("The refund is more than the %(left)s đồng that can still be refunded.")
                               % {"left": f"{left:,}".replace(",", ".")})
        refund = Refund.objects.create(payment=payment, amount=amount, reason=reason, requested_by=officer)
    try:
        gateway = get_gateway(payment.gateway)
        result = gateway.refund(payment, amount, reason, officer)
    except NotImplementedError:
        result = GatewayResult(signature_valid=False, order_ref=payment.order_ref,
                               error=f"gateway {payment.gateway} cannot refund")
    except Exception as exc:  # a plugin's bug: the refund fails, the evidence stays
        logger.exception("refund of order %s at %s failed", payment.order_ref, payment.gateway)
        result = GatewayResult(signature_valid=False, order_ref=payment.order_ref, error=f"refund failed: {exc}"[:250])
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        ok = result.signature_valid and result.success and not result.error
        refund.status = RefundStatus.SUCCEEDED if ok else RefundStatus.FAILED
        refund.gateway_reference = result.transaction_no[:50] if ok else ""
        refund.response_code = result.response_code or ("error" if result.error else "")
        refund.error = result.error[:300]
        refund.finished_at = timezone.now()
        refund.save(update_fields=["status", "gateway_reference", "response_code", "error", "finished_at"])
        note = f"refund {refund.pk} of {amount}: " + ("succeeded" if ok else f"failed: {result.error}")
        _log(payment.gateway, GatewayCallback.Kind.REFUND, result.received, result.signature_valid,
             refund.response_code, note, payment, None, order_ref=payment.order_ref, sent=result.sent)
    if not ok:
        logger.warning("refund of order %s failed: %s", payment.order_ref, result.error)
    elif refunded(payment) >= payment.amount:
        # Given back in full: its electronic receipt is cancelled at the provider.
        request_cancel(payment, f"Hoàn trả toàn bộ: {reason}", actor=officer)
    return refund
