from django.contrib import admin

from .models import IndexWeights, IndicatorWeight


class IndicatorWeightInline(admin.TabularInline):
    model = IndicatorWeight
    extra = 0


@admin.register(IndexWeights)
class IndexWeightsAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_from", "no_data_rule")
    inlines = [IndicatorWeightInline]
