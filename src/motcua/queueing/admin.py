"""Admin of the queue: managers configure the queues of their own service points (scoped like the
organisation's pages); priority groups are the province's; tickets and their events are read-only
(they change only through services.py)."""
from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin, ReadOnlyInline
from motcua.organization.admin import LanguageParameterMixin, ModelAdmin, ScopedAdmin

from .models import PriorityGroup, Queue, Ticket, TicketEvent


@admin.register(Queue)
class QueueAdmin(ScopedAdmin):
    list_display = ["letter", "name", "service_point", "daily_cap", "order", "is_active"]
    list_filter = ["service_point", "is_active"]
    search_fields = ["name", "letter"]
    filter_horizontal = ["agencies", "fields"]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(service_point_id__in=scope.service_point_ids)

    def check_object(self, scope, obj):
        return obj.service_point_id in scope.service_point_ids

    def limit_choices(self, scope, db_field):
        if db_field.name == "service_point":
            return scope.service_points()
        if db_field.name == "agencies":
            return scope.agencies()
        return None

    def check_related(self, scope, form):
        agencies = form.cleaned_data.get("agencies")
        return agencies is None or {agency.pk for agency in agencies} <= scope.agency_ids


@admin.register(PriorityGroup)
class PriorityGroupAdmin(ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "kind", "actor", "counter", "note"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(LanguageParameterMixin, ReadOnlyAdmin):
    list_display = ["__str__", "service_date", "status", "priority_group", "issued_at", "called_at", "counter"]
    list_filter = ["status", "service_date", "queue__service_point"]
    list_select_related = ["queue", "counter__service_point", "priority_group"]
    inlines = [TicketEventInline]
