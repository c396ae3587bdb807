"""Admin of the queue: managers configure the queues of their own service points (scoped like the
organisation's pages); priority groups are the province's; tickets and their events are read-only
(they change only through services.py). Slot templates are the managers' too; appointments and
the Saturday roster are read here and changed by their own pages (appointments.py, roster.py)."""
from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin, ReadOnlyInline
from motcua.organization.admin import LanguageParameterMixin, ModelAdmin, ScopedAdmin, ServicePointScopedAdmin

from .models import (
    Appointment, AppointmentEvent, PriorityGroup, Queue, SaturdayDuty, SlotTemplate, Ticket, TicketEvent,
)


@admin.register(Queue)
class QueueAdmin(ServicePointScopedAdmin):
    list_display = ["letter", "name", "service_point", "daily_cap", "order", "is_active"]
    list_filter = ["service_point", "is_active"]
    search_fields = ["name", "letter"]
    filter_horizontal = ["agencies", "fields"]

    def check_object(self, scope, obj):
        return obj.service_point_id in scope.service_point_ids

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


@admin.register(SlotTemplate)
class SlotTemplateAdmin(ScopedAdmin):
    list_display = ["queue", "weekday", "start", "end", "slot_minutes", "capacity", "is_active"]
    list_filter = ["queue__service_point", "is_active"]
    list_select_related = ["queue__service_point"]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(queue__service_point_id__in=scope.service_point_ids)

    def check_object(self, scope, obj):
        return obj.queue.service_point_id in scope.service_point_ids

    def limit_choices(self, scope, db_field):
        if db_field.name == "queue":
            return Queue.objects.filter(service_point_id__in=scope.service_point_ids)
        return None

    def check_related(self, scope, form):
        queue = form.cleaned_data.get("queue")
        return queue is None or queue.service_point_id in scope.service_point_ids


class AppointmentEventInline(ReadOnlyInline):
    model = AppointmentEvent
    fields = ["at", "kind", "note"]
    readonly_fields = fields


@admin.register(Appointment)
class AppointmentAdmin(LanguageParameterMixin, ReadOnlyAdmin):
    list_display = ["code", "slot", "full_name", "status", "booked_at", "ticket"]
    list_filter = ["status", "slot__queue__service_point"]
    search_fields = ["code", "phone"]
    list_select_related = ["slot__queue", "ticket__queue"]
    inlines = [AppointmentEventInline]


@admin.register(SaturdayDuty)
class SaturdayDutyAdmin(LanguageParameterMixin, ReadOnlyAdmin):
    list_display = ["date", "counter", "officer", "agency", "shift"]
    list_filter = ["date", "counter__service_point"]
    list_select_related = ["counter__service_point", "officer", "agency"]
