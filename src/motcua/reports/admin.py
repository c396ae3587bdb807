from django.contrib import admin

from .models import IndexWeights, IndicatorWeight, ReportSnapshot


class IndicatorWeightInline(admin.TabularInline):
    model = IndicatorWeight
    extra = 0


@admin.register(IndexWeights)
class IndexWeightsAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "no_data_rule")
    inlines = [IndicatorWeightInline]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Stored figures of closed periods; delete one to have it computed again on its next view."""
    list_display = ("kind", "date_from", "date_to", "scope", "computed_at")
    list_filter = ("kind",)
    readonly_fields = ("kind", "date_from", "date_to", "scope", "payload", "computed_at")

    def has_add_permission(self, request):
        return False
