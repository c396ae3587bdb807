"""Payments of dossier fees, and the log of every gateway callback received.

A `Payment` is one attempt to pay (an online order) or one payment taken at the counter. Its
`order_ref` is what the gateway sees (vnp_TxnRef). Only `services.py` writes these rows.
`GatewayCallback` is append-only: every IPN and browser return is logged with its raw
parameters, whether its signature was valid, and what we answered; so is every status query we
send to a gateway to settle an order whose IPN never came (what we sent and what came back).
`Refund` is one request to give back (part of) a paid online payment through its gateway.
`SimulatedTransaction` is not ours: it is the gateway simulator's own ledger (what the citizen did
on its pages), the stand-in for the gateway's database that its status query answers from.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnly
from motcua.dossiers.models import Dossier


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card at the counter")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment gateway")


COUNTER_METHODS = (Method.CASH, Method.CARD, Method.TRANSFER)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("dossier"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    order_ref = models.CharField(_("order reference"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    receipt_number = models.CharField(_("receipt number"), max_length=50, blank=True)
    gateway_transaction_no = models.CharField(_("gateway transaction number"), max_length=50, blank=True)
    gateway_response_code = models.CharField(_("gateway response code"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # The gateway took money that the dossier does not take (an order replaced by a newer one, a
    # dossier closed meanwhile, more than was owed): an officer gives it back (services.refund_payment).
    refund_due = models.BooleanField(_("refund due"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # Reconciliation and report totals: paid payments of a period.
            models.Index(fields=["status", "paid_at"], name="payment_status_paid_at"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.order_ref} {self.amount:,} đ ({self.get_status_display()})"


class GatewayCallback(AppendOnly):
    class Kind(models.TextChoices):
        IPN = "ipn", _("Server-to-server notification (IPN)")
        RETURN = "return", _("Browser return")
        QUERY = "query", _("Status query (reconciliation)")
        REFUND = "refund", _("Refund request")

    gateway = models.CharField(_("gateway"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True, db_index=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks", verbose_name=_("payment")
    )
    params = models.JSONField(_("parameters received"), default=dict)
    # Only for status queries and refunds: the request we sent (the answer is in `params`).
    sent = models.JSONField(_("parameters sent"), default=dict, blank=True)
    signature_valid = models.BooleanField(_("signature valid"))
    outcome = models.CharField(_("answer code"), max_length=10, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    remote_addr = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    changed_message = _("Gateway callbacks are never changed.")
    deleted_message = _("Gateway callbacks are never deleted.")
    refusal_code = "immutable"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("gateway callback")
        verbose_name_plural = _("gateway callbacks")

    def __str__(self):
        return f"{self.gateway} {self.kind} {self.order_ref} -> {self.outcome}"


class SimulatedTransaction(models.Model):
    """The gateway simulator's ledger: one row per order the citizen paid, cancelled or failed on
    the simulator's pages. Written only by `gateways/simulator/ledger.py`; our payment code never
    reads it (it asks the simulator over its query API, as it would ask VNPay)."""

    tmn_code = models.CharField(_("merchant code"), max_length=20)
    order_ref = models.CharField(_("order reference"), max_length=100)
    choice = models.CharField(_("choice"), max_length=10)
    order = models.JSONField(_("signed order"), default=dict)
    result = models.JSONField(_("signed result"), default=dict)
    notification_sent = models.BooleanField(_("notification sent"), default=True)
    # Refunds the simulator granted for this transaction: [{"amount": đồng, "request_id", "at", "by"}].
    refunds = models.JSONField(_("refunds"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tmn_code", "order_ref"], name="simulated_transaction_once"),
        ]
        verbose_name = _("simulated gateway transaction")
        verbose_name_plural = _("simulated gateway transactions")

    def __str__(self):
        return f"{self.order_ref} {self.choice}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """One request to give money back through the gateway. Written only by `services.refund_payment`:
    created `requested` (which holds its amount against the payment while the gateway is asked),
    then `succeeded` or `failed` from the gateway's verified answer."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices,
                              default=RefundStatus.REQUESTED)
    gateway_reference = models.CharField(_("gateway reference"), max_length=50, blank=True)
    response_code = models.CharField(_("gateway response code"), max_length=10, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "finished_at"], name="refund_status_finished_at")]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.payment.order_ref} -{self.amount:,} đ ({self.get_status_display()})"


# --- electronic fee receipts (biên lai điện tử; receipts/) ---------------------------------------


class ReceiptStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the provider")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class EReceipt(models.Model):
    """The electronic receipt of one paid payment, issued by the e-invoice provider. One per
    payment (unique), created `pending` in the transaction that records the payment; the provider
    is asked afterwards, without a lock, and retried until it answers (`receipts.services`).
    `transaction_uuid` is our key at the provider: a repeated create returns the receipt already
    made, so a retry after a lost answer never makes a second one."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="ereceipt",
                                   verbose_name=_("payment"))
    provider = models.CharField(_("provider"), max_length=40)
    transaction_uuid = models.CharField(_("transaction UUID"), max_length=36, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=ReceiptStatus.choices,
                              default=ReceiptStatus.PENDING)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    template_code = models.CharField(_("template"), max_length=20, blank=True)
    series = models.CharField(_("series"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    lookup_code = models.CharField(_("lookup code"), max_length=40, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # A full refund asks the provider to cancel it; kept until the provider has done so.
    cancel_requested = models.BooleanField(_("cancellation requested"), default=False)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # A worker holds the receipt while it talks to the provider (a lease, not a row lock).
    busy_until = models.DateTimeField(_("busy until"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="ereceipt_status_next"),
                   # Receipts issued in the last minutes (the /metrics gauge, payments/metrics.py).
                   models.Index(fields=["status", "issued_at"], name="ereceipt_status_issued")]
        verbose_name = _("electronic receipt")
        verbose_name_plural = _("electronic receipts")

    def __str__(self):
        return f"{self.series}/{self.number or '…'} {self.amount:,} đ ({self.get_status_display()})"

    @property
    def full_number(self) -> str:
        return f"{self.series}{self.number}" if self.number else ""


class ReceiptEvent(AppendOnly):
    """Every exchange with the provider about a receipt (and what we decided): the audit trail."""

    receipt = models.ForeignKey(EReceipt, on_delete=models.PROTECT, related_name="events", verbose_name=_("receipt"))
    action = models.CharField(_("action"), max_length=20)  # create, cancel, pdf, queued, cancel_requested
    ok = models.BooleanField(_("succeeded"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    sent = models.JSONField(_("sent"), default=dict, blank=True)
    received = models.JSONField(_("received"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    changed_message = _("Receipt events are never changed.")
    deleted_message = _("Receipt events are never deleted.")
    refusal_code = "immutable"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("receipt event")
        verbose_name_plural = _("receipt events")


class SimulatedInvoice(models.Model):
    """The e-invoice provider simulator's own books (receipts/simulator.py); our code never reads it."""

    supplier_tax_code = models.CharField(_("supplier tax code"), max_length=20)
    transaction_uuid = models.CharField(_("transaction UUID"), max_length=36)
    template_code = models.CharField(_("template"), max_length=20)
    series = models.CharField(_("series"), max_length=20)
    number = models.PositiveIntegerField(_("number"))
    reservation_code = models.CharField(_("lookup code"), max_length=40)
    body = models.JSONField(_("request"), default=dict)
    status = models.CharField(_("status"), max_length=10, default="issued")  # issued, cancelled
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["supplier_tax_code", "transaction_uuid"], name="siminvoice_uuid_once"),
            models.UniqueConstraint(fields=["supplier_tax_code", "template_code", "series", "number"],
                                    name="siminvoice_number_once"),
        ]
        verbose_name = _("simulated e-invoice")
        verbose_name_plural = _("simulated e-invoices")


class SimulatorSwitch(models.Model):
    """How the receipt provider simulator behaves: up, down (HTTP 503) or timing out. One row per
    simulator name, so the demo can take it down and up again from the command line."""

    name = models.CharField(_("simulator"), max_length=40, unique=True)
    mode = models.CharField(_("mode"), max_length=10, default="up")

    class Meta:
        verbose_name = _("simulator switch")
        verbose_name_plural = _("simulator switches")
