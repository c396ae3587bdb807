from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin

from .models import OutboxItem, SimulatedReceipt, SyncAttempt


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = ("dossier", "at", "status", "acknowledged_at", "attempts", "error_kind", "next_attempt_at")
    list_filter = ("error_kind",)
    search_fields = ("dossier__code",)
    raw_id_fields = ("event", "dossier")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncAttempt)
class SyncAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "dossier", "call", "rows", "ok", "error_kind", "milliseconds")
    list_filter = ("ok", "call", "error_kind")
    search_fields = ("dossier__code",)


@admin.register(SimulatedReceipt)
class SimulatedReceiptAdmin(admin.ModelAdmin):
    """What the portal simulator received (demo and development only)."""

    list_display = ("kind", "code", "moment", "status", "updates", "received_at")
    list_filter = ("kind",)
    search_fields = ("code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
