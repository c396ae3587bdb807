"""Admin of the organisation: levels, units, agencies, service points, counters and staff.

Labels come from the models' verbose names (translated in this app's catalogue), so the admin
is Vietnamese by default and English with ?lang=en.
"""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import (
    AdministrativeLevel,
    AdministrativeUnit,
    Agency,
    AgencyName,
    Counter,
    CounterAssignment,
    OpeningHours,
    RoleAssignment,
    ServicePoint,
    ServicePointName,
    StaffProfile,
)

User = get_user_model()


class LanguageParameterMixin:
    """Drop ?lang= (read by core.middleware.LanguageMiddleware) before the change list sees it;
    the admin would otherwise take it for a field lookup and answer with an error page (?e=1)."""

    def changelist_view(self, request, extra_context=None):
        if "lang" in request.GET:
            request.GET = request.GET.copy()
            del request.GET["lang"]
        return super().changelist_view(request, extra_context)


class ModelAdmin(LanguageParameterMixin, admin.ModelAdmin):
    pass


class InForceFilter(admin.SimpleListFilter):
    """Rows in force today versus rows that have ended (abolished districts, merged communes)."""

    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force today")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.valid_on(today)
        if self.value() == "no":
            return queryset.filter(valid_to__lt=today)
        return queryset


@admin.register(AdministrativeLevel)
class AdministrativeLevelAdmin(ModelAdmin):
    list_display = ["name", "code", "rank", "valid_from", "valid_to"]
    list_filter = [InForceFilter]
    search_fields = ["name", "code"]
    ordering = ["rank"]


class LevelInForceMixin:
    """A new unit or agency is offered only the levels in force today (no district after 2025-07-01);
    an existing row keeps every level, so old rows stay editable."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "level" in form.base_fields:
            from django.utils import timezone

            form.base_fields["level"].queryset = AdministrativeLevel.objects.valid_on(timezone.localdate())
        return form


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    fields = ["name", "valid_from", "valid_to"]


class ServicePointNameInline(admin.TabularInline):
    model = ServicePointName
    extra = 0
    fields = ["name", "valid_from", "valid_to"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(LevelInForceMixin, ModelAdmin):
    list_display = ["name", "code", "level", "parent", "successor", "valid_from", "valid_to"]
    list_filter = ["level", InForceFilter]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "successor"]
    list_select_related = ["level", "parent", "successor"]


@admin.register(Agency)
class AgencyAdmin(LevelInForceMixin, ModelAdmin):
    list_display = ["name", "code", "kind", "level", "parent", "valid_to"]
    list_filter = ["kind", "level", InForceFilter]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent", "administrative_unit"]
    list_select_related = ["level", "parent"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "kind", "level", "administrative_unit", "parent"]}),
        (_("Contact"), {"fields": ["address", "phone", "email"]}),
        (_("Validity"), {"fields": ["valid_from", "valid_to"]}),
    ]
    inlines = [AgencyNameInline]


class OpeningHoursFormSet(BaseInlineFormSet):
    """The model checks a period against saved rows; this checks the rows submitted together."""

    def clean(self):
        super().clean()
        periods = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not all(data.get(k) is not None for k in ("weekday", "opens", "closes")):
                continue
            for weekday, opens, closes in periods:
                if weekday == data["weekday"] and opens < data["closes"] and data["opens"] < closes:
                    raise ValidationError(_("This period overlaps another opening period on the same day."))
            periods.append((data["weekday"], data["opens"], data["closes"]))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0
    fields = ["number", "name", "is_active"]
    show_change_link = True


@admin.register(ServicePoint)
class ServicePointAdmin(ModelAdmin):
    list_display = ["name", "code", "kind", "administrative_unit", "host_agency", "valid_to"]
    list_filter = ["kind", InForceFilter]
    search_fields = ["name", "code"]
    autocomplete_fields = ["administrative_unit", "host_agency"]
    inlines = [ServicePointNameInline, OpeningHoursInline, CounterInline]


class CounterAssignmentInline(admin.TabularInline):
    model = CounterAssignment
    extra = 0
    autocomplete_fields = ["user", "agency"]


@admin.register(Counter)
class CounterAdmin(ModelAdmin):
    list_display = ["__str__", "service_point", "number", "agency_list", "is_active"]
    list_filter = ["service_point", "is_active"]
    search_fields = ["name", "agencies__name", "agencies__code"]
    filter_horizontal = ["agencies"]
    inlines = [CounterAssignmentInline]
    list_select_related = ["service_point"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")

    @admin.display(description=_("agencies served"))
    def agency_list(self, obj):
        return ", ".join(agency.short_name or agency.name for agency in obj.agencies.all())


@admin.register(StaffProfile)
class StaffProfileAdmin(ModelAdmin):
    list_display = ["full_name", "user", "title", "home_agency", "phone"]
    list_filter = ["home_agency"]
    search_fields = ["full_name", "user__username", "phone"]
    autocomplete_fields = ["user", "home_agency"]
    list_select_related = ["user", "home_agency"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ModelAdmin):
    list_display = ["user", "role", "agency", "service_point", "valid_from", "valid_to"]
    list_filter = ["role", "service_point", InForceFilter]
    search_fields = ["user__username", "user__staff_profile__full_name", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency", "service_point"]
    list_select_related = ["user", "agency", "service_point"]


@admin.register(CounterAssignment)
class CounterAssignmentAdmin(ModelAdmin):
    list_display = ["user", "counter", "agency", "kind", "valid_from", "valid_to"]
    list_filter = ["kind", "counter__service_point", InForceFilter]
    search_fields = ["user__username", "user__staff_profile__full_name", "agency__name", "counter__name"]
    autocomplete_fields = ["user", "counter", "agency"]
    list_select_related = ["user", "counter__service_point", "agency"]


# The user admin shows an officer's profile and roles on the same page.
class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["home_agency"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["agency", "service_point"]


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(LanguageParameterMixin, DjangoUserAdmin):
    inlines = [StaffProfileInline, RoleAssignmentInline]
    list_display = ["username", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email", "staff_profile__full_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile")

    @admin.display(description=_("full name"), ordering="staff_profile__full_name")
    def full_name(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.full_name if profile else obj.get_full_name()
