"""Admin: read-only views of ratings and the feedback audit trail (changes go through the pages;
nothing is deleted here: a rating or a petition is part of the record the reports count)."""
from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Feedback, FeedbackEvent, Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "level", "officer", "counter", "agency", "channel", "created_at")
    list_filter = ("level", "channel", "agency")
    search_fields = ("dossier__code",)
    readonly_fields = [f.name for f in Rating._meta.fields]


class FeedbackEventInline(ReadOnlyInline):
    model = FeedbackEvent
    readonly_fields = ("kind", "actor", "at", "from_state", "to_state", "payload")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "channel", "state", "agency", "received_at", "resolve_due_at", "is_overdue")
    list_filter = ("state", "channel", "subject_kind", "is_overdue", "agency")
    search_fields = ("code", "title")
    readonly_fields = [f.name for f in Feedback._meta.fields]
    inlines = [FeedbackEventInline]
