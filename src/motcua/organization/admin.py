"""Admin of the organisation: levels, units, agencies, service points, counters and staff.

Labels come from the models' verbose names (translated in this app's catalogue), so the admin
is Vietnamese by default and English with ?lang=en.
"""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin

from .audit import citizen_id_digest
from .models import (
    AccessAuditEntry,
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
from .permissions import AdminScope, admin_scope

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


# --- administrative rights are scoped like everything else ---------------------------------------
#
# A superuser or a province administrator administers everything. Anyone else (a centre manager
# given admin rights through the "Quản lý nơi tiếp nhận" group) sees and changes only the counters,
# counter assignments, staff and roles of the service points they manage, with only the agencies
# those counters already serve, and never their own access. The choices of every form are limited
# to that scope AND every save is checked again (`refuse_unless`), so a tampered POST is refused
# with 403 and nothing is saved (the admin's change view runs in one transaction).


def scope_of(request) -> AdminScope:
    scope = getattr(request, "_motcua_admin_scope", None)
    if scope is None or scope.user_id != request.user.pk:
        scope = admin_scope(request.user)
        request._motcua_admin_scope = scope
    return scope


def refuse_unless(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("This change is outside the service points and agencies you manage."))


class ScopedMixin:
    """Limits a model admin (or inline) to the request's AdminScope; subclasses say how."""

    def scoped_queryset(self, scope: AdminScope, queryset):
        return queryset

    def check_object(self, scope: AdminScope, obj) -> bool:
        return True

    def limit_choices(self, scope: AdminScope, db_field):
        """The queryset a foreign key or many-to-many field may choose from (None: unchanged)."""
        return None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = scope_of(request)
        return queryset if scope.everything else self.scoped_queryset(scope, queryset)

    def get_autocomplete_fields(self, request):
        # The autocomplete lists every row of the other admin; a scoped person gets plain,
        # limited choices instead.
        return super().get_autocomplete_fields(request) if scope_of(request).everything else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = scope_of(request)
        if not scope.everything:
            limited = self.limit_choices(scope, db_field)
            if limited is not None:
                kwargs["queryset"] = limited
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = scope_of(request)
        if not scope.everything:
            limited = self.limit_choices(scope, db_field)
            if limited is not None:
                kwargs["queryset"] = limited
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _in_scope(self, request, obj) -> bool:
        scope = scope_of(request)
        return obj is None or scope.everything or self.check_object(scope, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)


class ScopedAdmin(ScopedMixin, ModelAdmin):
    def save_model(self, request, obj, form, change):
        scope = scope_of(request)
        if not scope.everything:
            refuse_unless(self.check_object(scope, obj))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        scope = scope_of(request)
        refuse_unless(scope.everything or self.check_object(scope, obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        scope = scope_of(request)
        if not scope.everything:
            refuse_unless(all(self.check_object(scope, obj) for obj in queryset))
        super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        scope = scope_of(request)
        if not scope.everything:
            refuse_unless(self.check_related(scope, form))
        super().save_related(request, form, formsets, change)

    def check_related(self, scope: AdminScope, form) -> bool:
        """The many-to-many choices of the main form (a counter's agencies), before they are saved."""
        return True

    def save_formset(self, request, form, formset, change):
        scope = scope_of(request)
        inline = getattr(formset, "scoped_inline", None)
        if not scope.everything:
            # An inline that does not know the scope cannot be saved by a scoped person.
            refuse_unless(inline is not None or not formset.has_changed())
            fk = getattr(formset, "fk", None)
            for inline_form in formset.forms:
                if not inline_form.has_changed() and inline_form not in formset.deleted_forms:
                    continue
                if fk is not None:
                    setattr(inline_form.instance, fk.name, formset.instance)
                refuse_unless(inline.check_object(scope, inline_form.instance))
        super().save_formset(request, form, formset, change)


class ScopedInline(ScopedMixin):
    """An inline's rows are checked one by one on save by the parent ScopedAdmin; its permission
    checks receive the parent object, which the parent admin has already scoped."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.scoped_inline = self
        return formset

    def _in_scope(self, request, obj) -> bool:
        return True


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


class OpeningHoursInline(ScopedInline, admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0

    def check_object(self, scope, obj):
        return obj.service_point_id in scope.service_point_ids


class CounterInline(ScopedInline, admin.TabularInline):
    model = Counter
    extra = 0
    fields = ["number", "name", "is_active"]
    show_change_link = True

    def check_object(self, scope, obj):
        return obj.service_point_id in scope.service_point_ids


class ScopedServicePointNameInline(ScopedInline, ServicePointNameInline):
    def check_object(self, scope, obj):
        return obj.service_point_id in scope.service_point_ids


@admin.register(ServicePoint)
class ServicePointAdmin(ScopedAdmin):
    list_display = ["name", "code", "kind", "administrative_unit", "host_agency", "valid_to"]
    list_filter = ["kind", InForceFilter]
    search_fields = ["name", "code"]
    autocomplete_fields = ["administrative_unit", "host_agency"]
    inlines = [ScopedServicePointNameInline, OpeningHoursInline, CounterInline]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(pk__in=scope.service_point_ids)

    def check_object(self, scope, obj):
        return obj.pk is not None and obj.pk in scope.service_point_ids

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not scope_of(request).everything:
            # A manager keeps their point's name, address and phone up to date; what it is and
            # where it sits is the province's.
            readonly += ["code", "kind", "administrative_unit", "host_agency", "valid_from", "valid_to"]
        return readonly


def _counter_assignment_choices(scope, db_field):
    if db_field.name == "user":
        return scope.officers()
    if db_field.name == "agency":
        return scope.agencies()
    if db_field.name == "counter":
        return scope.counters()
    return None


def _counter_assignment_allowed(scope, obj) -> bool:
    counter = Counter.objects.filter(pk=obj.counter_id).first() if obj.counter_id else None
    return scope.allows_counter_assignment(obj.user_id, counter, obj.agency_id)


class CounterAssignmentInline(ScopedInline, admin.TabularInline):
    model = CounterAssignment
    extra = 0
    autocomplete_fields = ["user", "agency"]

    def scoped_queryset(self, scope, queryset):
        return queryset.exclude(user_id=scope.user_id)

    def limit_choices(self, scope, db_field):
        return _counter_assignment_choices(scope, db_field)

    def check_object(self, scope, obj):
        return _counter_assignment_allowed(scope, obj)


class ServicePointScopeFilter(admin.SimpleListFilter):
    """The service point filter, offering only the points in the person's scope."""

    title = _("service point")
    parameter_name = "service_point__id__exact"

    def lookups(self, request, model_admin):
        return [(point.pk, point.name) for point in scope_of(request).service_points()]

    def queryset(self, request, queryset):
        return queryset.filter(service_point_id=self.value()) if self.value() else queryset


class ServicePointScopedAdmin(ScopedAdmin):
    """Rows of a service point that serve agencies (counters, queues): a manager sees those of the
    points they manage and chooses among their points and agencies."""

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(service_point_id__in=scope.service_point_ids)

    def limit_choices(self, scope, db_field):
        if db_field.name == "service_point":
            return scope.service_points()
        if db_field.name == "agencies":
            return scope.agencies()
        return None


@admin.register(Counter)
class CounterAdmin(ServicePointScopedAdmin):
    list_display = ["__str__", "service_point", "number", "agency_list", "is_active"]
    list_filter = [ServicePointScopeFilter, "is_active"]
    search_fields = ["name", "agencies__name", "agencies__code"]
    filter_horizontal = ["agencies"]
    inlines = [CounterAssignmentInline]
    list_select_related = ["service_point"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agencies")

    def check_object(self, scope, obj):
        saved = set(obj.agencies.values_list("pk", flat=True)) if obj.pk else set()
        return scope.allows_counter(obj.service_point_id, saved)

    def check_related(self, scope, form):
        agencies = form.cleaned_data.get("agencies")
        if agencies is None:
            return True
        return scope.allows_counter(form.instance.service_point_id, [agency.pk for agency in agencies])

    @admin.display(description=_("agencies served"))
    def agency_list(self, obj):
        return ", ".join(agency.short_name or agency.name for agency in obj.agencies.all())


def _profile_choices(scope, db_field):
    if db_field.name == "home_agency":
        return scope.agencies()
    if db_field.name == "user":
        return scope.users()
    return None


def _profile_allowed(scope, obj) -> bool:
    return obj.user_id in set(scope.users().values_list("pk", flat=True)) and scope.allows_home_agency(
        obj.home_agency_id)


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    list_display = ["full_name", "user", "title", "home_agency", "phone"]
    list_filter = ["home_agency"]
    search_fields = ["full_name", "user__username", "phone"]
    autocomplete_fields = ["user", "home_agency"]
    list_select_related = ["user", "home_agency"]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(user__in=scope.users())

    def limit_choices(self, scope, db_field):
        return _profile_choices(scope, db_field)

    def check_object(self, scope, obj):
        return _profile_allowed(scope, obj)


def _role_choices(scope, db_field):
    if db_field.name == "user":
        return scope.officers()
    if db_field.name == "agency":
        return scope.agencies()
    if db_field.name == "service_point":
        return scope.service_points()
    return None


def _limit_role_field(scope, form_class):
    field = form_class.base_fields.get("role")
    if field is not None and not scope.everything:
        field.choices = [(value, label) for value, label in field.choices if value in scope.GRANTABLE_ROLES]


def _role_allowed(scope, obj) -> bool:
    if obj.pk:
        # The row as it was must have been in scope too (no taking over another point's role).
        old = RoleAssignment.objects.filter(pk=obj.pk).first()
        if old is not None and not scope.allows_role(old.user_id, old.role, old.agency_id, old.service_point_id):
            return False
    return scope.allows_role(obj.user_id, obj.role, obj.agency_id, obj.service_point_id)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "agency", "service_point", "valid_from", "valid_to"]
    list_filter = ["role", "service_point", InForceFilter]
    search_fields = ["user__username", "user__staff_profile__full_name", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency", "service_point"]
    list_select_related = ["user", "agency", "service_point"]

    def get_list_filter(self, request):
        return self.list_filter if scope_of(request).everything else ["role", InForceFilter]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(pk__in=scope.role_assignments())

    def limit_choices(self, scope, db_field):
        return _role_choices(scope, db_field)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        _limit_role_field(scope_of(request), form)
        return form

    def check_object(self, scope, obj):
        return _role_allowed(scope, obj)


@admin.register(CounterAssignment)
class CounterAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "counter", "agency", "kind", "valid_from", "valid_to"]
    list_filter = ["kind", "counter__service_point", InForceFilter]
    search_fields = ["user__username", "user__staff_profile__full_name", "agency__name", "counter__name"]
    autocomplete_fields = ["user", "counter", "agency"]
    list_select_related = ["user", "counter__service_point", "agency"]

    def get_list_filter(self, request):
        return self.list_filter if scope_of(request).everything else ["kind", InForceFilter]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(counter__service_point_id__in=scope.service_point_ids).exclude(user_id=scope.user_id)

    def limit_choices(self, scope, db_field):
        return _counter_assignment_choices(scope, db_field)

    def check_object(self, scope, obj):
        if obj.pk:
            old = CounterAssignment.objects.filter(pk=obj.pk).first()
            if old is not None and not _counter_assignment_allowed(scope, old):
                return False
        return _counter_assignment_allowed(scope, obj)


# The user admin shows an officer's profile and roles on the same page.
class StaffProfileInline(ScopedInline, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["home_agency"]

    def limit_choices(self, scope, db_field):
        return _profile_choices(scope, db_field)

    def check_object(self, scope, obj):
        return _profile_allowed(scope, obj)


class RoleAssignmentInline(ScopedInline, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["agency", "service_point"]

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(pk__in=scope.role_assignments())

    def limit_choices(self, scope, db_field):
        return _role_choices(scope, db_field)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _limit_role_field(scope_of(request), formset.form)
        return formset

    def check_object(self, scope, obj):
        return _role_allowed(scope, obj)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(LanguageParameterMixin, ScopedMixin, DjangoUserAdmin):
    inlines = [StaffProfileInline, RoleAssignmentInline]
    list_display = ["username", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email", "staff_profile__full_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile")

    def scoped_queryset(self, scope, queryset):
        return queryset.filter(pk__in=scope.users())

    def check_object(self, scope, obj):
        return obj.pk is not None and scope.users().filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        # New accounts are the province's; a manager seats and profiles existing officers.
        return super().has_add_permission(request) and scope_of(request).everything

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not scope_of(request).everything:
            readonly += ["is_superuser", "groups", "user_permissions", "username"]
        return readonly

    def save_model(self, request, obj, form, change):
        scope = scope_of(request)
        if not scope.everything:
            refuse_unless(self.check_object(scope, obj) and not obj.is_superuser)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        scope = scope_of(request)
        inline = getattr(formset, "scoped_inline", None)
        if not scope.everything:
            refuse_unless(inline is not None or not formset.has_changed())
            for inline_form in formset.forms:
                if not inline_form.has_changed() and inline_form not in formset.deleted_forms:
                    continue
                setattr(inline_form.instance, formset.fk.name, formset.instance)
                refuse_unless(inline.check_object(scope, inline_form.instance))
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        refuse_unless(scope_of(request).everything)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        refuse_unless(scope_of(request).everything)
        super().delete_queryset(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        # Setting somebody's password is taking over their access: the province's only.
        refuse_unless(scope_of(request).everything)
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("full name"), ordering="staff_profile__full_name")
    def full_name(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.full_name if profile else obj.get_full_name()


# --- the access audit log: read only, for the province ------------------------------------------


@admin.register(AccessAuditEntry)
class AccessAuditEntryAdmin(LanguageParameterMixin, ReadOnlyAdmin):
    """Every change of somebody's access and every population register lookup, for a superuser or
    a province administrator; a centre manager sees the register lookups made by the staff of the
    service points they manage. Nobody else, whatever Django permissions a group grants."""

    list_display = ["at", "actor_label", "kind", "action", "subject_label", "object_label", "changes", "source"]
    list_filter = ["kind", "action"]
    search_fields = ["actor_label", "subject_label", "object_label", "source"]
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_label", "kind", "action", "subject", "subject_label", "object_label",
              "before", "after", "source", "ip_address"]
    readonly_fields = fields
    list_select_related = []

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = scope_of(request)
        if scope.everything:
            return queryset
        return queryset.filter(kind=AccessAuditEntry.Kind.REGISTER_LOOKUP, actor_id__in=scope.staff_user_ids())

    def has_module_permission(self, request):
        scope = scope_of(request)
        return scope.everything or bool(scope.service_point_ids)

    def has_view_permission(self, request, obj=None):
        scope = scope_of(request)
        if scope.everything:
            return True
        if not scope.service_point_ids:
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    @admin.display(description=_("before → after"))
    def changes(self, obj):
        return f"{_compact(obj.before)} → {_compact(obj.after)}"

    def get_search_results(self, request, queryset, search_term):
        # A citizen ID is stored only masked and as a keyed hash: searching for the full number
        # finds its lookups.
        term = search_term.strip()
        if term.isdigit() and len(term) == 12:
            return queryset.filter(citizen_id_digest=citizen_id_digest(term)), False
        return super().get_search_results(request, queryset, search_term)


def _compact(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_compact(item) if isinstance(item, (dict, list)) else item}"
                         for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "[]"
    return str(value)
