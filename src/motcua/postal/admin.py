"""Waybill pools are added here (the numbers the post issued, one a line); shipments, their events
and manifests are read-only: they change through the postal pages only."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin

from .models import Manifest, Shipment, ShipmentEvent, Waybill, WaybillPool


class WaybillPoolForm(forms.ModelForm):
    codes = forms.CharField(label=_("New waybill numbers (one a line)"), widget=forms.Textarea, required=False)

    class Meta:
        model = WaybillPool
        fields = ["name", "partner"]


@admin.register(WaybillPool)
class WaybillPoolAdmin(admin.ModelAdmin):
    form = WaybillPoolForm
    list_display = ["name", "partner", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        codes = {c.strip() for c in form.cleaned_data.get("codes", "").splitlines() if c.strip()}
        taken = set(Waybill.objects.filter(code__in=codes).values_list("code", flat=True))
        Waybill.objects.bulk_create([Waybill(pool=obj, code=c) for c in sorted(codes - taken)])


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["order_number", "leg", "waybill", "status", "partner_state", "created_at"]
    list_filter = ["leg", "status", "partner_state"]
    search_fields = ["order_number", "waybill", "dossier__code"]


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "status", "source", "shipment"]


@admin.register(Manifest)
class ManifestAdmin(ReadOnlyAdmin):
    list_display = ["code", "direction", "agency", "state", "created_at"]
