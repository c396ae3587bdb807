from django.contrib import admin

from .models import AccountEvent, CitizenAccount


class AccountEventInline(admin.TabularInline):
    model = AccountEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "at", "changed_fields", "ip_address", "actor"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CitizenAccount)
class CitizenAccountAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "phone", "email", "citizen_id", "tax_code", "identity_source", "created_at"]
    list_filter = ["kind", "identity_source"]
    search_fields = ["full_name", "phone", "email", "citizen_id", "tax_code", "business_name"]
    readonly_fields = ["user", "identity_source", "identity_verified_at", "identity_verified_by", "phone_verified_at",
                       "email_verified_at", "oidc_issuer", "oidc_subject", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # A phone or e-mail changed here is not the one its code verified: the holder verifies it again.
        for field in ("phone", "email"):
            if field in form.changed_data:
                setattr(obj, f"{field}_verified_at", None)
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # A verified identity changes only through VNeID or the counter verification (audited there).
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["citizen_id", "full_name", "birth_date"] if obj is not None and obj.is_verified else fields
    inlines = [AccountEventInline]
