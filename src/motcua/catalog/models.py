"""The procedure catalogue (danh mục thủ tục hành chính).

A `Procedure` is the stable identity (its province code, e.g. 1.001612.000.00.00.H56). Its content
lives in `ProcedureVersion` rows: a change makes a new version, old versions stay readable, and a
dossier keeps the version it was received under. Cases, documents, fees and process steps belong
to a version.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.text import fold
from motcua.organization.models import AdministrativeLevel, Agency


def immutable_version_error():
    return ValidationError(
        _("A published version cannot be changed; create a new version instead."), code="immutable"
    )


class DraftOnlyContent(models.Model):
    """Content of a version (case, document, fee, step): editable only while the version is a draft.

    The guard sits on save()/delete() of each instance, so forms, admin and services all meet it.
    Bulk queryset operations bypass it on purpose: the importer and maintenance scripts use them.
    """

    class Meta:
        abstract = True

    def owning_version(self):
        return self.version

    def _check_draft(self):
        version = self.owning_version()
        if version is not None and version.pk and not version.is_editable_in_db():
            raise immutable_version_error()

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)


def build_search_text(name: str, code: str, national_code: str, name_en: str = "") -> str:
    """The folded text a search matches against: the name in both languages and both codes."""
    return fold(f"{name} {code} {national_code} {name_en}".strip())


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class Field(models.Model):
    """Lĩnh vực: the field a procedure belongs to (Đất đai, Hộ tịch, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    TRANSLATED_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self):
        return self.name


class Procedure(models.Model):
    """The identity of a procedure across its versions."""

    code = models.CharField(
        _("code"), max_length=60, unique=True, help_text=_("Province variant code, e.g. 1.001612.000.00.00.H56")
    )
    national_code = models.CharField(_("national code"), max_length=20, db_index=True, help_text=_("e.g. 1.001612"))
    is_sensitive = models.BooleanField(
        _("sensitive"), default=False,
        help_text=_("The procedure's name reveals something private (criminal record, death registration...): "
                    "public tracking shows it only to whoever proves the applicant's phone or citizen ID."),
    )
    current_version = models.OneToOneField(
        "ProcedureVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.code} {name}".strip()


class ProcedureVersion(models.Model):
    """One version of a procedure's content, as published by a decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")
        ABOLISHED = "abolished", _("Abolished")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Fully online (toàn trình)")
        PARTIAL = "partial", _("Partly online (một phần)")
        NONE = "none", _("Not online")

    class SaturdayService(models.TextChoices):
        NONE = "none", _("No Saturday service")
        ALL_DAY = "all_day", _("All day Saturday")
        MORNING = "morning", _("Saturday morning")

    class FeePayableAt(models.TextChoices):
        """When the applicant pays the fees and charges. The result is never returned while
        anything is owed; "before the result" also holds back the result itself (resolve)."""

        INTAKE = "intake", _("At intake")
        BEFORE_RESULT = "before_result", _("Before the result is issued")
        AT_RETURN = "at_return", _("When the result is returned")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_to = models.DateField(_("in force until"), null=True, blank=True)

    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    search_text = models.TextField(
        _("search text"), editable=False, default="", help_text=_("name (both languages) and codes, folded"))
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field"))
    levels = models.ManyToManyField(AdministrativeLevel, related_name="procedure_versions", verbose_name=_("levels"))
    competent_agencies = models.ManyToManyField(
        Agency, related_name="competent_for", verbose_name=_("competent agencies")
    )
    receiving_agencies = models.ManyToManyField(
        Agency, related_name="receives_for", blank=True, verbose_name=_("receiving agencies")
    )
    applicant_kinds = models.CharField(
        _("who may apply"), max_length=100, default="citizen,business", help_text=_("citizen, business")
    )
    description = models.TextField(_("steps to follow"), blank=True)
    requirements = models.TextField(_("requirements and conditions"), blank=True)
    result_description = models.CharField(_("result"), max_length=500, blank=True)
    # English translations (seed 000 section 3d): optional, part of the version like the rest.
    description_en = models.TextField(_("steps to follow in English"), blank=True)
    requirements_en = models.TextField(_("requirements and conditions in English"), blank=True)
    result_description_en = models.CharField(_("result in English"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)

    time_limit = models.DecimalField(
        _("legal time limit"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    time_limit_unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS)
    service_promise = models.DecimalField(
        _("service promise"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A shorter time the province promises, in the same unit."),
    )
    online_time_limit = models.DecimalField(
        _("time limit for online dossiers"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    is_same_day = models.BooleanField(_("resolved the same day"), default=False)
    is_on_the_spot = models.BooleanField(_("resolved on the spot (5 tại chỗ)"), default=False)
    online_level = models.CharField(_("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    legacy_online_level = models.PositiveSmallIntegerField(
        _("legacy online level"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    accepts_counter = models.BooleanField(_("received at the counter"), default=True)
    accepts_online = models.BooleanField(_("received online"), default=False)
    accepts_post = models.BooleanField(_("received by post"), default=True)
    saturday_service = models.CharField(
        _("Saturday service"), max_length=10, choices=SaturdayService.choices, default=SaturdayService.NONE
    )
    is_boundary_free = models.BooleanField(_("boundary-free"), default=False)
    is_inter_agency = models.BooleanField(_("inter-agency (liên thông)"), default=False)
    online_fee_discount_percent = models.PositiveSmallIntegerField(
        _("online fee discount (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    fee_payable_at = models.CharField(
        _("fees payable"), max_length=15, choices=FeePayableAt.choices, default=FeePayableAt.INTAKE,
        help_text=_("When the fees and charges are paid; the result is not returned while any is owed."),
    )
    requires_signed_result = models.BooleanField(
        _("requires a digitally signed result"), default=False,
        help_text=_("An electronic result is issued only once signed (the signing app's \"sign and issue\")."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    TRANSLATED_FIELDS = ("name", "description", "requirements", "result_description")

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="uniq_procedure_version"),
            # At most one version in force and one draft in preparation per procedure.
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(status="published"), name="uniq_published_version"
            ),
            models.UniqueConstraint(fields=["procedure"], condition=models.Q(status="draft"), name="uniq_draft_version"),
        ]
        indexes = [models.Index(fields=["status", "field"])]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")

    def __str__(self):
        return f"{self.name} (v{self.number})"

    # Fields a publish / supersede / abolish may still change on a non-draft version.
    LIFECYCLE_FIELDS = frozenset({"status", "valid_from", "valid_to"})

    def is_editable_in_db(self) -> bool:
        """True if the stored row is a draft (what the database says, not this instance)."""
        if not self.pk:
            return True
        stored = ProcedureVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        return stored in (None, self.Status.DRAFT)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= self.LIFECYCLE_FIELDS
        if not lifecycle_only and not self.is_editable_in_db():
            raise immutable_version_error()
        self.search_text = build_search_text(
            self.name, self.procedure.code, self.procedure.national_code, self.name_en)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.is_editable_in_db():
            raise immutable_version_error()
        return super().delete(*args, **kwargs)

    def clean(self):
        if not self.is_editable_in_db():
            raise immutable_version_error()
        errors = {}
        if self.online_time_limit is not None and self.online_time_limit > self.time_limit:
            errors["online_time_limit"] = _("The online time limit cannot exceed the legal time limit.")
        if self.service_promise is not None and self.service_promise > self.time_limit:
            errors["service_promise"] = _("The service promise cannot exceed the legal time limit.")
        if self.online_level != self.OnlineLevel.NONE and not self.accepts_online:
            errors["accepts_online"] = _("A procedure offered online must accept online dossiers.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date must not be before the start date.")
        if self.status == self.Status.DRAFT and self.procedure_id:
            other_drafts = ProcedureVersion.objects.filter(procedure_id=self.procedure_id, status=self.Status.DRAFT)
            if other_drafts.exclude(pk=self.pk).exists():
                errors["procedure"] = _(
                    "Procedure %(code)s already has a draft version; edit or publish it first."
                ) % {"code": self.procedure.code}
        if errors:
            raise ValidationError(errors)


class ProcedureCase(DraftOnlyContent):
    """Trường hợp: a variant of a procedure with its own time limit (and documents and fees)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="cases", verbose_name=_("version"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    time_limit = models.DecimalField(_("time limit"), max_digits=7, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices, blank=True)
    online_time_limit = models.DecimalField(
        _("time limit for online dossiers"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    TRANSLATED_FIELDS = ("name",)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_case_code")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.name

    def clean(self):
        if (self.time_limit is None) != (not self.time_limit_unit):
            raise ValidationError(_("Give both the time limit and its unit, or neither."))


class RequiredDocument(DraftOnlyContent):
    """Thành phần hồ sơ: a document to bring, with counts of originals, certified and plain copies."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents", verbose_name=_("version")
    )
    case = models.ForeignKey(
        ProcedureCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("case"),
        help_text=_("Empty: required in every case."),
    )
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    form_name = models.CharField(_("form (mẫu đơn, tờ khai)"), max_length=200, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)
    copies = models.PositiveSmallIntegerField(_("plain copies"), default=0)
    is_required = models.BooleanField(_("required"), default=True)
    reusable_from_store = models.BooleanField(
        _("may be taken from the data store"), default=False, help_text=_("A digitised copy may replace paper.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    TRANSLATED_FIELDS = ("name",)

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name

    def clean(self):
        if self.originals + self.certified_copies + self.copies == 0:
            raise ValidationError(_("A document needs at least one original or copy."))


class Fee(DraftOnlyContent):
    """Phí, lệ phí: a fee or charge line in đồng."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee (phí)")
        CHARGE = "charge", _("Charge (lệ phí)")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("version"))
    case = models.ForeignKey(
        ProcedureCase, on_delete=models.CASCADE, null=True, blank=True, related_name="fees", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    description_en = models.CharField(_("description in English"), max_length=500, blank=True)

    TRANSLATED_FIELDS = ("name", "description")

    class Meta:
        ordering = ["version", "pk"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self):
        return f"{self.name}: {self.amount:,} đ"


class FeeExemption(DraftOnlyContent):
    """Who is exempted from a fee, or gets a reduction (percent of the fee waived)."""

    fee = models.ForeignKey(Fee, on_delete=models.CASCADE, related_name="exemptions", verbose_name=_("fee"))
    beneficiary = models.CharField(_("who"), max_length=300)
    beneficiary_en = models.CharField(_("who, in English"), max_length=300, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent waived"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    TRANSLATED_FIELDS = ("beneficiary",)

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")

    def __str__(self):
        return f"{self.beneficiary} (-{self.percent}%)"

    def owning_version(self):
        return self.fee.version if self.fee_id else None


class ProcessStep(DraftOnlyContent):
    """One step of the internal process (quy trình nội bộ), with its role, unit and time budget."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("version")
    )
    case = models.ForeignKey(
        ProcedureCase, on_delete=models.CASCADE, null=True, blank=True, related_name="steps", verbose_name=_("case")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=30)
    unit = models.CharField(_("unit"), max_length=200, blank=True, help_text=_("e.g. Phòng Đăng ký đất đai"))
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("agency"),
        help_text=_("Empty: the competent agency. Another agency makes this an inter-agency step."),
    )
    budget_hours = models.DecimalField(
        _("time budget (working hours)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    TRANSLATED_FIELDS = ("name",)

    class Meta:
        # steps in their order; a step common to all cases before a case's own step of the same number
        ordering = ["version", "order", models.F("case").asc(nulls_first=True)]
        constraints = [models.UniqueConstraint(fields=["version", "case", "order"], name="uniq_step_order")]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self):
        return f"{self.order}. {self.name}"


class PublicationDecision(models.Model):
    """A decision that publishes, amends, replaces or abolishes procedures."""

    number = models.CharField(_("number"), max_length=100, unique=True, help_text=_("e.g. 1234/QĐ-UBND"))
    title = models.CharField(pgettext_lazy("decision", "title"), max_length=500)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    effective_on = models.DateField(_("effective from"))

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("publication decision")
        verbose_name_plural = _("publication decisions")

    def __str__(self):
        return self.number

    def clean(self):
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            raise ValidationError({"effective_on": _("A decision cannot take effect before it is signed.")})


class DecisionItem(models.Model):
    class Action(models.TextChoices):
        PUBLISH = "publish", _("Publish (new)")
        AMEND = "amend", _("Amend")
        REPLACE = "replace", _("Replace")
        ABOLISH = "abolish", _("Abolish")

    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="items", verbose_name=_("decision")
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="decision_items", verbose_name=_("procedure version")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "version"], name="uniq_decision_item")]
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")

    def __str__(self):
        return f"{self.decision} {self.get_action_display()} {self.version}"


@receiver(m2m_changed, sender=ProcedureVersion.levels.through)
@receiver(m2m_changed, sender=ProcedureVersion.competent_agencies.through)
@receiver(m2m_changed, sender=ProcedureVersion.receiving_agencies.through)
def guard_version_relations(sender, instance, action, reverse, pk_set, **kwargs):
    """Levels and agencies of a published version are frozen like its other content."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        if not instance.is_editable_in_db():
            raise immutable_version_error()
        return
    versions = ProcedureVersion.objects.exclude(status=ProcedureVersion.Status.DRAFT)
    if pk_set is not None and versions.filter(pk__in=pk_set).exists():
        raise immutable_version_error()


class CatalogueSync(models.Model):
    """One run of the catalogue sync from the national procedure database (catalog/national_sync.py):
    who started it, from which source, and what it found. Nothing it makes is published by itself."""

    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by"))
    source = models.CharField(_("source"), max_length=40)
    unit = models.CharField(_("unit code"), max_length=40)
    listed = models.PositiveIntegerField(_("procedures listed"), default=0)
    error = models.TextField(_("error"), blank=True, help_text=_("Why the run stopped, if it did."))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("catalogue sync")
        verbose_name_plural = _("catalogue syncs")

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class CatalogueSyncItem(models.Model):
    """What one run did with one national procedure: a draft to review, nothing (unchanged), or a
    failure; with the warnings an administrator must read before publishing."""

    class Outcome(models.TextChoices):
        NEW = "new", _("New procedure (draft)")
        CHANGED = "changed", _("Changed (draft)")
        UNCHANGED = "unchanged", _("Unchanged")
        WAITING = "waiting", _("Draft already waiting for review")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        NONE = "", _("Nothing to review")

    sync = models.ForeignKey(CatalogueSync, on_delete=models.CASCADE, related_name="items", verbose_name=_("sync"))
    national_code = models.CharField(_("national code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=500, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_items", verbose_name=_("procedure"))
    draft = models.ForeignKey(
        ProcedureVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_items",
        verbose_name=_("draft version"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True, default="")
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    decisions = models.JSONField(_("publication decisions"), default=list, blank=True)
    source_hash = models.CharField(_("source hash"), max_length=64, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["sync", "pk"]
        indexes = [models.Index(fields=["review", "national_code"])]
        verbose_name = _("catalogue sync item")
        verbose_name_plural = _("catalogue sync items")

    def __str__(self):
        return f"{self.national_code} {self.get_outcome_display()}"
