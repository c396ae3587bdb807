from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import MessageTemplate, OutboxMessage
from .services import retry_now


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event_kind", "channel", "language", "effective_from", "is_active", "subject")
    list_filter = ("event_kind", "channel", "language", "is_active")
    search_fields = ("subject", "body")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "dossier_code", "event_kind", "channel", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "event_kind", "provider")
    search_fields = ("dossier_code", "recipient")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=OutboxMessage.Status.FAILED))
        for message in failed:
            retry_now(message)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", len(failed))
            % {"count": len(failed)},
            messages.SUCCESS,
        )
