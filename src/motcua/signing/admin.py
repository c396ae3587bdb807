"""Admin: trusted roots, officers' and agencies' signing credentials (a PKCS#12 file uploaded),
the copy fee table, and read-only views of signatures, signed documents and the books."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin

from .models import (
    CertificationBook,
    CertifiedCopy,
    CopyFeeRate,
    SignedDocument,
    SigningCredential,
    SigningRequest,
    TrustAnchor,
)


class CredentialForm(forms.ModelForm):
    pkcs12_file = forms.FileField(label=_("PKCS#12 file"), required=False)

    class Meta:
        model = SigningCredential
        fields = ["kind", "holder", "agency", "signer_name", "position", "backend", "certificate_pem", "chain_pem",
                  "remote_user_id", "is_active"]

    def save(self, commit=True):
        credential = super().save(commit=False)
        upload = self.cleaned_data.get("pkcs12_file")
        if upload:
            credential.pkcs12 = upload.read()
        if commit:
            credential.save()
        return credential


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ["signer_name", "kind", "agency", "holder", "backend", "is_active"]
    list_filter = ["kind", "backend", "is_active"]
    search_fields = ["signer_name", "holder__username"]


@admin.register(CopyFeeRate)
class CopyFeeRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "first_pages", "first_rate", "later_rate", "cap"]


@admin.register(SigningRequest)
class SigningRequestAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "officer", "credential", "state", "started_at", "finished_at"]
    list_filter = ["state", "purpose"]
    exclude = ["prepared_pdf"]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "reference", "kind", "agency", "signed_at"]
    list_filter = ["kind"]


@admin.register(CertificationBook)
class CertificationBookAdmin(ReadOnlyAdmin):
    list_display = ["agency", "year", "medium", "last_number"]


@admin.register(CertifiedCopy)
class CertifiedCopyAdmin(ReadOnlyAdmin):
    list_display = ["book", "number", "document_title", "requester_name", "pages", "fee", "certified_at"]
