"""The one place where electronic receipts change.

1. `queue_receipt(payment)` is called in the transaction that records a payment as paid (counter
   payment, IPN, reconciliation): it adds a `pending` EReceipt with a fresh transaction UUID and,
   once that transaction commits, queues `payments.issue_receipt`. Nothing here can fail the
   payment or block the dossier: the provider is never asked inside the payment's transaction.
2. `issue_receipt(pk)` takes a short lease on the receipt (so two workers do not ask at once), asks
   the provider with no lock held, and records the answer. A provider that is down leaves it
   `pending` with the error and the next attempt's time (backoff: 1, 2, 4 ... minutes, at most an
   hour); `retry_due()` (Celery beat `payments.retry_receipts`, every 5 minutes, or
   `manage.py retry_receipts`) asks again. The UUID makes a repeat safe: the provider answers
   "already made" and the client takes the receipt made by the lost attempt, so down then up
   gives exactly one receipt.
3. A full refund calls `request_cancel`: the receipt is cancelled at the provider (now, or once it
   is issued, or on the next retry while the provider is down).

Each step appends a `ReceiptEvent` (what was sent and received, who, when): the audit trail.
"""
from __future__ import annotations

import datetime
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

from .. import conf
from ..models import EReceipt, Method, Payment, PaymentStatus, ReceiptEvent, ReceiptStatus
from .providers import Issued, ProviderDown, ProviderRefused, ReceiptLine, ReceiptRequest, enabled, get_provider

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=2)
MAX_BACKOFF = datetime.timedelta(hours=1)


class ReceiptError(DomainError):
    """A receipt that cannot be given now. `code`: not_found, unavailable."""


def _backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _event(receipt, action, ok, detail="", sent=None, received=None, actor=None):
    ReceiptEvent.objects.create(receipt=receipt, action=action, ok=ok, detail=str(detail)[:300],
                                sent=sent or {}, received=received or {}, actor=actor)


def queue_receipt(payment: Payment) -> EReceipt | None:
    """Call inside the transaction that marks `payment` paid. Idempotent per payment."""
    if payment.status != PaymentStatus.PAID or not enabled():
        return None
    receipt, created = EReceipt.objects.get_or_create(payment=payment, defaults={
        "provider": conf.receipt_provider(), "transaction_uuid": str(uuid.uuid4()), "amount": payment.amount,
        "template_code": conf.receipt_template(),
        "series": conf.receipt_series(timezone.localtime(payment.paid_at or timezone.now()).year),
    })
    if created:
        _event(receipt, "queued", True, f"payment {payment.order_ref} of {payment.amount}")
        pk = receipt.pk
        transaction.on_commit(lambda: _enqueue("payments.issue_receipt", pk))
    return receipt


def _enqueue(task_name: str, pk: int) -> None:
    """Hand the work to Celery; a broker that is down (or an eager task that fails) leaves the
    receipt to the next `retry_due` run, never an error for the person who paid."""
    from celery import current_app

    try:  # by name: the tasks module imports this one
        current_app.tasks[task_name].delay(pk)
    except Exception:  # noqa: BLE001 - whatever it is, the beat retries
        logger.exception("could not queue %s for receipt %s; the retry will", task_name, pk)


def _claim(pk: int, *, now) -> EReceipt | None:
    """Take the receipt for one exchange with the provider, or None if another worker holds it."""
    with transaction.atomic():
        receipt = EReceipt.objects.select_for_update().filter(pk=pk).first()
        if receipt is None or (receipt.busy_until and receipt.busy_until > now):
            return None
        receipt.busy_until = now + LEASE
        receipt.attempts += 1
        receipt.save(update_fields=["busy_until", "attempts"])
        return receipt


def _request_for(receipt: EReceipt) -> ReceiptRequest:
    payment = receipt.payment
    dossier = payment.dossier
    agency = dossier.receiving_agency or dossier.competent_agency
    method = {Method.CASH: "TM", Method.CARD: "CK", Method.TRANSFER: "CK", Method.ONLINE: "CK"}[payment.method]
    procedure = getattr(dossier.procedure, "name", "") if dossier.procedure_id else ""
    return ReceiptRequest(
        transaction_uuid=receipt.transaction_uuid, template_code=receipt.template_code, series=receipt.series,
        issued_at=payment.paid_at or timezone.now(), seller_name=getattr(agency, "name", ""),
        buyer_name=dossier.applicant_name, buyer_id_number=dossier.applicant_id_number,
        buyer_address=dossier.applicant_address, payment_method=method,
        lines=[ReceiptLine(f"Phí, lệ phí hồ sơ {dossier.code}" + (f" - {procedure}" if procedure else ""),
                           payment.amount)],
        note=f"Hồ sơ {dossier.code}; giao dịch {payment.order_ref}",
    )


def _issued_of(receipt: EReceipt) -> Issued:
    return Issued(template_code=receipt.template_code, series=receipt.series, number=receipt.number,
                  lookup_code=receipt.lookup_code, transaction_uuid=receipt.transaction_uuid,
                  issued_at=receipt.issued_at)


def _failed(receipt: EReceipt, action: str, exc: Exception, *, now) -> None:
    with transaction.atomic():
        row = EReceipt.objects.select_for_update().get(pk=receipt.pk)
        row.last_error = f"{type(exc).__name__}: {exc}"[:300]
        row.next_attempt_at = now + _backoff(row.attempts)
        row.busy_until = None
        row.save(update_fields=["last_error", "next_attempt_at", "busy_until"])
        _event(row, action, False, row.last_error)
    logger.warning("receipt %s: %s failed (%s); next attempt %s", receipt.pk, action, exc, row.next_attempt_at)


def issue_receipt(pk: int, *, now=None) -> str:
    """Ask the provider for the receipt (or finish its cancellation). Returns what happened:
    issued, cancelled, down, refused, busy, done (nothing to do)."""
    now = now or timezone.now()
    receipt = _claim(pk, now=now)
    if receipt is None:
        return "busy"
    if receipt.status != ReceiptStatus.PENDING:
        _release(receipt)
        if receipt.status == ReceiptStatus.ISSUED and receipt.cancel_requested:
            return cancel_receipt(pk, now=now)
        return "done"
    provider = get_provider(receipt.provider)
    try:
        issued = provider.create(_request_for(receipt))
    except ProviderDown as exc:
        _failed(receipt, "create", exc, now=now)
        return "down"
    except (ProviderRefused, NotImplementedError) as exc:
        _failed(receipt, "create", exc, now=now)
        return "refused"
    with transaction.atomic():
        row = EReceipt.objects.select_for_update().get(pk=pk)
        row.status = ReceiptStatus.ISSUED
        row.template_code, row.series, row.number = issued.template_code, issued.series, issued.number
        row.lookup_code, row.issued_at = issued.lookup_code, issued.issued_at or now
        row.last_error, row.next_attempt_at, row.busy_until = "", None, None
        row.save()
        _event(row, "create", True, f"issued {row.series}{row.number}, lookup code {row.lookup_code}",
               issued.sent, issued.received)
    if row.cancel_requested:  # refunded in full while it was being made
        return cancel_receipt(pk, now=now)
    return "issued"


def _release(receipt: EReceipt) -> None:
    EReceipt.objects.filter(pk=receipt.pk).update(busy_until=None)


def request_cancel(payment: Payment, reason: str, actor=None) -> EReceipt | None:
    """A full refund: the receipt is to be cancelled (now if it is issued; after its issue if not)."""
    with transaction.atomic():
        receipt = EReceipt.objects.select_for_update().filter(payment=payment).first()
        if receipt is None or receipt.status == ReceiptStatus.CANCELLED or receipt.cancel_requested:
            return receipt
        receipt.cancel_requested, receipt.cancel_reason = True, reason[:300]
        receipt.next_attempt_at = None
        receipt.save(update_fields=["cancel_requested", "cancel_reason", "next_attempt_at"])
        _event(receipt, "cancel_requested", True, reason, actor=actor)
        if receipt.status == ReceiptStatus.ISSUED:
            pk = receipt.pk
            transaction.on_commit(lambda: _enqueue("payments.cancel_receipt", pk))
    return receipt


def cancel_receipt(pk: int, *, now=None) -> str:
    now = now or timezone.now()
    receipt = EReceipt.objects.get(pk=pk)
    if receipt.status != ReceiptStatus.ISSUED or not receipt.cancel_requested:
        return "done"
    receipt = _claim(pk, now=now)
    if receipt is None:
        return "busy"
    try:
        answer = get_provider(receipt.provider).cancel(_issued_of(receipt), receipt.cancel_reason or "Hoàn tiền", now)
    except ProviderDown as exc:
        _failed(receipt, "cancel", exc, now=now)
        return "down"
    except (ProviderRefused, NotImplementedError) as exc:
        _failed(receipt, "cancel", exc, now=now)
        return "refused"
    with transaction.atomic():
        row = EReceipt.objects.select_for_update().get(pk=pk)
        row.status, row.cancelled_at = ReceiptStatus.CANCELLED, now
        row.pdf, row.last_error, row.next_attempt_at, row.busy_until = None, "", None, None
        row.save()
        _event(row, "cancel", True, row.cancel_reason, answer.get("sent"), answer.get("received"))
    return "cancelled"


def retry_due(*, now=None) -> dict:
    """Every receipt still to issue or to cancel whose next attempt has come (Celery beat)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    due = (EReceipt.objects.filter(status=ReceiptStatus.PENDING)
           | EReceipt.objects.filter(status=ReceiptStatus.ISSUED, cancel_requested=True))
    for pk, next_at in due.order_by("pk").values_list("pk", "next_attempt_at"):
        if next_at and next_at > now:
            counts["waiting"] = counts.get("waiting", 0) + 1
            continue
        outcome = issue_receipt(pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def receipt_pdf(receipt: EReceipt) -> bytes:
    """The receipt's PDF from the provider (kept once fetched; fetched again after a cancellation)."""
    if receipt.status == ReceiptStatus.PENDING:
        raise ReceiptError("unavailable", _("The electronic receipt has not been issued yet; try again later."))
    if receipt.pdf:
        return bytes(receipt.pdf)
    try:
        pdf = get_provider(receipt.provider).fetch_pdf(_issued_of(receipt))
    except (ProviderDown, ProviderRefused) as exc:
        logger.warning("receipt %s: PDF not fetched (%s)", receipt.pk, exc)
        raise ReceiptError("unavailable", _("The receipt provider cannot be reached now; try again later.")) from exc
    EReceipt.objects.filter(pk=receipt.pk, status=receipt.status).update(pdf=pdf)
    return pdf


def receipts_of(dossier) -> list[EReceipt]:
    return list(EReceipt.objects.filter(payment__dossier=dossier).select_related("payment").order_by("created_at"))
