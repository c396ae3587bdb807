"""Payments, the callback and query log, and the simulator's ledger are read-only in the admin:
money changes only through the services (counter form, gateway IPN, reconciliation, refunds)."""
from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin

from .models import GatewayCallback, Payment, Refund, SimulatedTransaction


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("order_ref", "dossier", "amount", "method", "gateway", "status", "receipt_number", "paid_at")
    list_filter = ("status", "method", "gateway")
    search_fields = ("order_ref", "dossier__code", "receipt_number", "gateway_transaction_no")
    date_hierarchy = "created_at"


@admin.register(GatewayCallback)
class GatewayCallbackAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "gateway", "kind", "order_ref", "signature_valid", "outcome", "reason")
    list_filter = ("gateway", "kind", "signature_valid", "outcome")
    search_fields = ("order_ref",)


@admin.register(SimulatedTransaction)
class SimulatedTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "order_ref", "choice", "notification_sent")
    list_filter = ("choice", "notification_sent")
    search_fields = ("order_ref",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "payment", "amount", "status", "response_code", "gateway_reference",
                    "requested_by")
    list_filter = ("status",)
    search_fields = ("payment__order_ref", "payment__dossier__code", "gateway_reference")
