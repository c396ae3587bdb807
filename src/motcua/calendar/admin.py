from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .forms import CalendarDayRangeForm
from .models import CalendarDay, CalendarYear, OfficeHours


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "seeded")
    list_filter = ("kind", "seeded")
    search_fields = ("name", "note")
    date_hierarchy = "date"
    readonly_fields = ("seeded", "created_at", "updated_at")
    change_list_template = "admin/workcalendar/calendarday/change_list.html"

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return formats.date_format(obj.date, "l")

    def get_urls(self):
        return [
            path("add-range/", self.admin_site.admin_view(self.add_range_view), name="workcalendar_calendarday_add_range"),
        ] + super().get_urls()

    def add_range_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = CalendarDayRangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = form.save()
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                for row in created:
                    self.log_addition(request, row, [{"added": {}}])
                self.message_user(
                    request, _("%(n)d days added to the calendar.") % {"n": len(created)}, messages.SUCCESS
                )
                return redirect(reverse("admin:workcalendar_calendarday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add a range of days"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workcalendar/calendarday/add_range.html", context)


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "morning_start", "morning_end", "afternoon_start", "afternoon_end", "same_day_cutoff")
    fieldsets = (
        (None, {"fields": ("effective_from", "note")}),
        (_("Office periods"), {"fields": (("morning_start", "morning_end"), ("afternoon_start", "afternoon_end"), "same_day_cutoff")}),
        (_("Working weekdays"), {"fields": (("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),)}),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """The years whose days off are entered: the calendar computes time limits in these years only."""

    list_display = ("year", "seeded", "days_off", "note")
    list_filter = ("seeded",)
    readonly_fields = ("seeded", "created_at", "updated_at")

    @admin.display(description=_("days off entered"))
    def days_off(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year, kind__in=CalendarDay.OFF_KINDS).count()
