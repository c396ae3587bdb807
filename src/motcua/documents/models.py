"""The person's data store (kho dữ liệu cá nhân) and the drafts of online applications.

`StoredDocument`: a document that belongs to a portal account, with the metadata a later dossier
needs to re-use it (kind, number, issuer, dates). It comes from an upload, from a paper document
digitised at the counter, or from an electronic result.

`ApplicationDraft`: an online application in progress. Its `key` (a UUID in the form) is unique,
and `dossier` is set once under a row lock when it is submitted, so a double submission makes
one dossier.

`DocumentOpening`: the access log of dossier files (Decree 13/2023 on personal data): one row per
file of a dossier (a document or the result) opened by an officer, appended and never changed.
"""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnly


class Source(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by the owner")
    DIGITISED = "digitised", _("Digitised at the counter")
    RESULT = "result", _("Electronic result")
    CERTIFIED_COPY = "copy", _("Electronic certified copy")


class StoredDocument(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_documents", verbose_name=_("owner")
    )
    kind = models.CharField(_("kind of document"), max_length=500)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="store/%Y/%m/", max_length=255)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("source dossier"),
    )
    source_document = models.ForeignKey(
        "dossiers.DossierDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("source dossier document"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        constraints = [
            # One store entry per result and per digitised dossier document, however often the
            # event is delivered.
            models.UniqueConstraint(
                fields=["owner", "source_dossier"], condition=models.Q(source="result"),
                name="documents_one_result_per_dossier",
            ),
            models.UniqueConstraint(
                fields=["owner", "source_document"], condition=models.Q(source_document__isnull=False),
                name="documents_one_entry_per_dossier_document",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.number}".strip()

    @property
    def is_valid_now(self) -> bool:
        from django.utils import timezone

        return self.valid_until is None or self.valid_until >= timezone.localdate()

    @property
    def reuse_status(self) -> int:
        """The dossier document's digitisation status when this is re-used: 3 a result, else 2."""
        return 3 if self.source == Source.RESULT else 2


class ApplicationDraft(models.Model):
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_drafts",
        verbose_name=_("account"),
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.CASCADE, related_name="+", verbose_name=_("procedure version")
    )
    case = models.ForeignKey(
        "catalog.ProcedureCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("case"),
    )
    data = models.JSONField(_("form data"), default=dict, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="application_draft",
        verbose_name=_("dossier"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self):
        return str(self.key)


class DraftFile(models.Model):
    """A file uploaded into a draft for one required document (a new upload replaces it)."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="files")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", on_delete=models.CASCADE, related_name="+", verbose_name=_("required document")
    )
    file = models.FileField(_("file"), upload_to="drafts/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "required_document"], name="documents_one_file_per_item")
        ]


class DocumentOpening(AppendOnly):
    """An officer opened a file of a dossier: who, when, which file of which dossier, from where.
    Appended when the file is served and never changed or deleted (Decree 13/2023)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Dossier document")
        RESULT = "result", _("Result")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    at = models.DateTimeField(_("opened at"), db_index=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="+", verbose_name=_("dossier")
    )
    dossier_code = models.CharField(_("dossier code"), max_length=40, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    document = models.ForeignKey(
        "dossiers.DossierDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("dossier document"),
    )
    document_name = models.CharField(_("document"), max_length=500, blank=True)
    file_name = models.CharField(_("stored file"), max_length=255)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    changed_message = _("The access log is never changed.")
    deleted_message = _("The access log is never deleted.")
    refusal_code = "log_immutable"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("document opening")
        verbose_name_plural = _("document openings")

    def __str__(self):
        return f"{self.dossier_code} {self.document_name} {self.at:%Y-%m-%d %H:%M}"
