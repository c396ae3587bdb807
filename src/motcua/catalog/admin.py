"""Catalogue administration: drafts are edited here, published versions are read-only.

Changes to a published procedure go through the "create new version" action (a draft copy),
editing the draft, then the "publish" action. Import and export of the whole catalogue hang off
the procedure list.
"""
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import import_export, services
from .models import (DecisionItem, Fee, FeeExemption, Field, Procedure, ProcedureCase, ProcedureVersion, ProcessStep,
                     PublicationDecision, RequiredDocument)
from .translation import is_translated

log = logging.getLogger(__name__)


def _editable(version) -> bool:
    return version is None or version.status == ProcedureVersion.Status.DRAFT


class DraftOnlyInline(admin.TabularInline):
    """Rows of a version: editable while the version is a draft, shown read-only afterwards."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


class CaseInline(DraftOnlyInline):
    model = ProcedureCase
    fields = ["order", "code", "name", "name_en", "time_limit", "time_limit_unit", "online_time_limit"]


class VersionChildInline(DraftOnlyInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if "case" in formset.form.base_fields:
            # only the cases of this version can be chosen
            formset.form.base_fields["case"].queryset = ProcedureCase.objects.filter(version=obj)
        return formset


class DocumentInline(VersionChildInline):
    model = RequiredDocument
    fields = ["order", "case", "name", "name_en", "form_name", "originals", "certified_copies", "copies", "is_required",
              "reusable_from_store"]


class FeeInline(VersionChildInline):
    model = Fee
    fields = ["case", "kind", "name", "name_en", "amount", "description", "description_en"]


class StepInline(VersionChildInline):
    model = ProcessStep
    fields = ["order", "case", "name", "name_en", "role", "unit", "agency", "budget_hours"]
    autocomplete_fields = []


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


class VersionListInline(admin.TabularInline):
    """The versions of a procedure, listed (each opens in its own page)."""

    model = ProcedureVersion
    fields = ["link", "status", "valid_from", "valid_to", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("versions")

    @admin.display(description=_("version"))
    def link(self, version):
        url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
        return format_html('<a href="{}">{} (v{})</a>', url, version.name, version.number)

    def has_add_permission(self, request, obj=None):
        return False


def _for_each(modeladmin, request, items, act, name_of, done_message):
    """A bulk admin action: `act(item)` on each item (it returns what the message names), the
    successes in one message (`done_message` with %(list)s), each refusal in its own."""
    done, failures = [], []
    for item in items:
        try:
            done.append(act(item))
        except ValidationError as error:
            failures.append(f"{name_of(item)}: {' '.join(error.messages)}")
    if done:
        modeladmin.message_user(request, done_message % {"list": ", ".join(done)}, messages.SUCCESS)
    for failure in failures:
        modeladmin.message_user(request, failure, messages.ERROR)


@admin.action(description=_("Create new version (draft copy)"), permissions=["change"])
def create_new_version(modeladmin, request, queryset):
    procedures = queryset if queryset.model is Procedure else Procedure.objects.filter(versions__in=queryset).distinct()

    def create(procedure):
        draft = services.new_version(procedure)
        modeladmin.log_addition(request, draft, [{"added": {"name": "draft", "object": str(draft)}}])
        return f"{procedure.code} v{draft.number}"

    _for_each(modeladmin, request, procedures, create, lambda procedure: procedure.code,
              gettext("Draft versions created: %(list)s"))


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "national_code", "current_name", "current_number", "current_status"]
    search_fields = ["code", "national_code", "versions__search_text"]
    readonly_fields = ["current_version"]
    inlines = [VersionListInline]
    actions = [create_new_version]
    change_list_template = "admin/catalog/procedure/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("current_version")

    @admin.display(description=_("name"))
    def current_name(self, procedure):
        version = procedure.current_version or procedure.versions.order_by("-number").first()
        return version.name if version else ""

    @admin.display(description=_("version in force"))
    def current_number(self, procedure):
        return procedure.current_version.number if procedure.current_version else "-"

    @admin.display(description=_("status"))
    def current_status(self, procedure):
        version = procedure.current_version or procedure.versions.order_by("-number").first()
        return version.get_status_display() if version else ""

    def get_readonly_fields(self, request, obj=None):
        # the codes identify a procedure across versions and dossiers: fixed once created
        return ["code", "national_code", "current_version"] if obj else ["current_version"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("transfer/", self.admin_site.admin_view(self.transfer_view), name="catalog_transfer"),
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view), name="catalog_export"),
        ] + super().get_urls()

    def export_view(self, request, fmt):
        if not self.has_view_permission(request) or fmt not in ("json", "xlsx"):
            raise PermissionDenied
        data = import_export.export_catalog(fmt)
        content_type = (
            "application/json" if fmt == "json"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(data, content_type=content_type)
        filename = f"danh-muc-thu-tuc-{timezone.localdate():%Y%m%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def transfer_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_import = self.has_add_permission(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        errors, counts = [], None
        if request.method == "POST":
            if not can_import:
                raise PermissionDenied
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    counts = import_export.import_file(upload.read(), upload.name)
                    log.info("catalogue import by %s from %s: %s", request.user, upload.name, counts)
                    self.message_user(request, gettext("Import done; nothing else was changed."), messages.SUCCESS)
                except import_export.ImportFailed as failure:
                    errors = failure.errors
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import and export the catalogue"),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "counts": counts,
            "can_import": can_import,
        }
        return TemplateResponse(request, "admin/catalog/transfer.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (.json or .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".json", ".xlsx")):
            raise ValidationError(_("Use a .json or .xlsx file."))
        return upload


@admin.action(description=_("Publish (in force from today)"), permissions=["change"])
def publish_versions(modeladmin, request, queryset):
    def name(version):
        return f"{version.procedure.code} v{version.number}"

    def publish(version):
        services.publish(version)
        modeladmin.log_change(request, version, gettext("Published"))
        return name(version)

    _for_each(modeladmin, request, queryset.select_related("procedure"), publish, name, gettext("Published: %(list)s"))


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "procedure", "number", "status", "valid_from", "valid_to", "field", "online_level",
                    "has_english"]
    list_filter = ["status", "field", "online_level", "levels"]
    search_fields = ["search_text", "procedure__code"]
    list_select_related = ["procedure", "field"]
    filter_horizontal = ["levels", "competent_agencies", "receiving_agencies"]
    inlines = [CaseInline, DocumentInline, FeeInline, StepInline]
    actions = [create_new_version, publish_versions]
    LIFECYCLE = ["number", "status", "valid_from", "valid_to", "created_at"]

    @admin.display(description=_("in English"), boolean=True)
    def has_english(self, version):
        return is_translated(version, "en")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not _editable(obj):
            return [f.name for f in self.model._meta.get_fields() if f.concrete and not f.auto_created]
        if obj is not None:
            return self.LIFECYCLE + ["procedure"]
        return self.LIFECYCLE

    def get_exclude(self, request, obj=None):
        return ["search_text"]

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            numbers = obj.procedure.versions.values_list("number", flat=True)
            obj.number = max(numbers, default=0) + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problems = services.process_budget_errors(form.instance)
        for problem in problems:  # a draft may be unfinished: warn now, publish() refuses later
            self.message_user(request, problem, messages.WARNING)


@admin.register(FeeExemption)
class FeeExemptionAdmin(admin.ModelAdmin):
    list_display = ["beneficiary", "beneficiary_en", "percent", "fee", "legal_basis"]
    search_fields = ["beneficiary", "fee__name", "fee__version__procedure__code"]
    raw_id_fields = ["fee"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not _editable(obj.fee.version):
            return ["fee", "beneficiary", "beneficiary_en", "percent", "legal_basis"]
        return []

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _editable(obj.fee.version)) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "fee":
            kwargs["queryset"] = Fee.objects.filter(version__status=ProcedureVersion.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    extra = 0
    raw_id_fields = ["version"]


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "signed_on", "effective_on", "issuer"]
    search_fields = ["number", "title"]
    date_hierarchy = "signed_on"
    inlines = [DecisionItemInline]
