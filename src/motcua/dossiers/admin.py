"""Read-mostly admin: dossiers change only through services.py; events are never edited."""
from django.contrib import admin

from .models import Dossier, DossierDocument, DossierEvent, DossierStep, Pause


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ["at", "kind", "actor", "from_status", "to_status", "payload"]
    readonly_fields = fields


class StepInline(ReadOnlyInline):
    model = DossierStep
    fields = ["order", "name", "unit", "agency", "assignee", "started_at", "due_at", "finished_at", "outcome"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = DossierDocument
    fields = ["name", "originals", "certified_copies", "copies", "digitization", "file"]
    readonly_fields = fields


class PauseInline(ReadOnlyInline):
    model = Pause
    fields = ["kind", "started_at", "ended_at", "working_minutes"]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "applicant_name", "procedure", "status", "received_at", "due_at", "outcome"]
    list_filter = ["status", "channel_in", "outcome", "is_overdue"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    inlines = [DocumentInline, StepInline, PauseInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierEvent)
class DossierEventAdmin(admin.ModelAdmin):
    list_display = ["dossier", "kind", "actor", "at", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["dossier__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
