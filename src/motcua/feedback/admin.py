"""Admin: read-only views of ratings and the feedback audit trail (changes go through the pages)."""
from django.contrib import admin

from .models import Feedback, FeedbackEvent, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("dossier", "level", "officer", "counter", "agency", "channel", "created_at")
    list_filter = ("level", "channel", "agency")
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in Rating._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "at", "from_state", "to_state", "payload")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "channel", "state", "agency", "received_at", "resolve_due_at", "is_overdue")
    list_filter = ("state", "channel", "subject_kind", "is_overdue", "agency")
    search_fields = ("code", "title")
    readonly_fields = [f.name for f in Feedback._meta.fields]
    inlines = [FeedbackEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
