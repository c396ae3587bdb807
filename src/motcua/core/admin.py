"""Admin building blocks shared by the apps whose rows change only through their services."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: the app's service functions are the one place that writes these rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
