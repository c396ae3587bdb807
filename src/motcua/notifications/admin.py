from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import MessageTemplate, OutboxMessage
from .services import SECRET_KINDS, masked
from .tasks import retry_now


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
    # The body through `shown_body`: a one-time code is never shown, even while still queued.
    readonly_fields = [f.name if f.name != "body" else "shown_body" for f in OutboxMessage._meta.fields]
    exclude = ("body",)
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("body"))
    def shown_body(self, obj):
        return masked(obj.body) if obj.event_kind in SECRET_KINDS else obj.body

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request, queryset):
        # A one-time code is not sent again (its body is masked): the person asks for a new one.
        failed = list(queryset.filter(status=OutboxMessage.Status.FAILED).exclude(event_kind__in=SECRET_KINDS))
        for message in failed:
            retry_now(message)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", len(failed))
            % {"count": len(failed)},
            messages.SUCCESS,
        )
