"""Read-mostly admin: dossiers change only through services.py; events are never edited."""
from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Dossier, DossierDocument, DossierEvent, DossierStep, Pause


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
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "applicant_name", "procedure", "status", "received_at", "due_at", "outcome"]
    list_filter = ["status", "channel_in", "outcome", "is_overdue"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    inlines = [DocumentInline, StepInline, PauseInline, EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "kind", "actor", "at", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["dossier__code"]
