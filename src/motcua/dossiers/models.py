"""Dossiers (hồ sơ): the row with the derived current state, and the append-only history.

Events are the truth: every action appends a `DossierEvent` that is never edited. The `Dossier`
row carries the current state (status, due moment, current step, outcome) updated in the same
transaction by `services.py`, so lists and reports are plain indexed SQL. Never write these
models directly outside `services.py` (tests and imports included): the invariants live there.

Foreign-key constraints in the database: kept for the identity of a dossier (its procedure
version, receiving and competent agencies) and for every child row's dossier; left to Django
(`on_delete=PROTECT`, `db_constraint=False`) for the denormalised and people columns. PostgreSQL
checks each constraint with a locking lookup at commit, and the ~19 checks of a receipt cost more
than all its inserts together (docs/performance.md); referenced rows are never deleted anyway
(catalogue versions, agencies and users are retired, not removed).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Field, Procedure, ProcedureCase, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.core.models import Event
from motcua.organization.models import AdministrativeLevel, Agency, ServicePoint


class Status(models.IntegerChoices):
    """The national synchronisation list of dossier statuses."""

    NEW = 1, _("New (submitted online, not yet received)")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received (refused at intake)")
    PROCESSING = 4, _("Processing")
    WAITING_SUPPLEMENT = 5, _("Waiting for supplement")
    WAITING_PAYMENT = 6, _("Waiting for financial obligation")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Stopped")
    RESOLVED = 9, _("Resolved")
    RETURNED = 10, _("Result returned")


# Statuses in which the dossier is still being worked on (pending in reports).
PENDING_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT)
# Statuses in which the legal clock runs.
CLOCK_RUNNING_STATUSES = (Status.RECEIVED, Status.PROCESSING)
PAUSED_STATUSES = (Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT)


class Channel(models.IntegerChoices):
    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("By post")


class ReturnChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online (electronic result)")
    POST = "post", _("By post to an address")


class Outcome(models.IntegerChoices):
    EARLY = 1, _("Early")
    ON_TIME = 2, _("On time")
    LATE = 3, _("Late")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class ResultKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic file")


class DossierSequence(models.Model):
    """The last number handed out for an agency's dossier codes on one day (restarts daily)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, db_index=False, verbose_name=_("agency"))
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_dossier_sequence")]
        verbose_name = _("dossier code sequence")
        verbose_name_plural = _("dossier code sequences")

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("e.g. 000.00.53.H48-220921-0099"))
    version = models.PositiveIntegerField(
        _("row version"), default=1, help_text=_("Incremented by every action; a stale form is refused.")
    )

    # What was applied for: the version and case it was received under.
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, db_index=False, related_name="dossiers",
        verbose_name=_("procedure version"),
    )
    case = models.ForeignKey(
        ProcedureCase, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False, related_name="dossiers",
        verbose_name=_("case"),
    )
    # Denormalised from the version for grouped reports.
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, db_index=False, db_constraint=False, related_name="dossiers", verbose_name=_("procedure")
    )
    field = models.ForeignKey(Field, on_delete=models.PROTECT, db_index=False, db_constraint=False, verbose_name=_("field"))
    level = models.ForeignKey(
        AdministrativeLevel, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        verbose_name=_("level"), help_text=_("The administrative level of the competent agency."),
    )

    # The applicant (người nộp): a person (citizen ID) or a business (tax code).
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=10, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    applicant_id_number = models.CharField(_("applicant citizen ID or tax code"), max_length=20, blank=True)
    applicant_birth_date = models.DateField(_("applicant date of birth"), null=True, blank=True)
    applicant_phone = models.CharField(_("applicant phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("applicant e-mail"), blank=True)
    applicant_address = models.CharField(_("applicant address"), max_length=500, blank=True)
    owner_same_as_applicant = models.BooleanField(_("owner is the applicant"), default=True)
    # The owner (chủ hồ sơ), a copy of the applicant when they are the same.
    owner_kind = models.CharField(
        _("owner kind"), max_length=10, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    owner_name = models.CharField(_("owner name"), max_length=255)
    owner_id_number = models.CharField(_("owner citizen ID or tax code"), max_length=20, blank=True)
    owner_birth_date = models.DateField(_("owner date of birth"), null=True, blank=True)
    owner_phone = models.CharField(_("owner phone"), max_length=20, blank=True)
    owner_email = models.EmailField(_("owner e-mail"), blank=True)
    owner_address = models.CharField(_("owner address"), max_length=500, blank=True)

    channel_in = models.PositiveSmallIntegerField(_("channel in"), choices=Channel.choices)
    return_channel = models.CharField(
        _("return channel"), max_length=10, choices=ReturnChannel.choices, default=ReturnChannel.COUNTER
    )
    delivery_address = models.CharField(_("delivery address"), max_length=500, blank=True)

    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        verbose_name=_("receiving service point"),
    )
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossiers_received", verbose_name=_("receiving agency")
    )
    competent_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, db_index=False, related_name="dossiers_competent",
        verbose_name=_("competent agency"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="+", verbose_name=_("received by"),
    )

    # Where the dossier is now.
    current_step_index = models.PositiveSmallIntegerField(
        _("current process step (order)"), null=True, blank=True
    )
    step_count = models.PositiveSmallIntegerField(_("steps so far"), default=0)
    current_step_name = models.CharField(_("current step"), max_length=300, blank=True)
    current_unit = models.CharField(_("current unit"), max_length=200, blank=True)
    current_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="dossiers_current",
        verbose_name=_("current agency"),
    )
    current_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="dossiers_assigned", verbose_name=_("current officer"),
    )

    # Time.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("clock started at"), null=True, blank=True, help_text=_("The receipt moment moved into working time.")
    )
    original_due_at = models.DateTimeField(_("original due at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, help_text=_("Moved by pauses."))
    appointment_at = models.DateTimeField(
        _("new appointment"), null=True, blank=True, help_text=_("Set by an apology; the dossier still counts late.")
    )
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("paused working minutes"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=Outcome.choices, null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    apology_count = models.PositiveSmallIntegerField(_("apologies"), default=0)

    fee_due = models.PositiveBigIntegerField(_("fee due (VND)"), default=0)
    fee_paid = models.PositiveBigIntegerField(_("fee paid (VND)"), default=0)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_dossiers",
        verbose_name=_("citizen account"),
        help_text=_("The portal account that submitted the dossier online, if any."),
    )
    paid_online = models.BooleanField(_("paid online"), default=False, help_text=_("A fee was paid through a gateway."))
    is_digitized = models.BooleanField(
        _("digitised"), default=False, help_text=_("Every document handed in is digitised (or re-used).")
    )

    result_kind = models.CharField(_("result kind"), max_length=12, choices=ResultKind.choices, blank=True)
    result_description = models.CharField(_("result"), max_length=500, blank=True)
    result_file = models.FileField(_("result file"), upload_to="results/%Y/%m/", blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            # Work queues of a unit / an officer, sorted by due moment.
            models.Index(fields=["current_agency", "status", "due_at"], name="dossier_queue_agency"),
            models.Index(fields=["current_officer", "status", "due_at"], name="dossier_queue_officer"),
            # Pending dossiers of a competent agency (reports, sweep).
            models.Index(fields=["status", "competent_agency", "due_at"], name="dossier_status_competent"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
            models.Index(fields=["finished_at"], name="dossier_finished_at"),
            # Pre-filling the applicant from earlier dossiers by citizen ID.
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_id"),
        ]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return self.code

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class DossierDocument(models.Model):
    """A document handed in with the dossier, with its counts and digitisation status."""

    class Digitization(models.IntegerChoices):
        NOT_DIGITISED = 0, _("Not digitised")
        DIGITISED = 1, _("Digitised")
        REUSED_DOCUMENT = 2, _("Re-used from another dossier's documents")
        REUSED_RESULT = 3, _("Re-used from another dossier's result")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("dossier"))
    required_document = models.ForeignKey(
        RequiredDocument, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        verbose_name=_("required document"),
    )
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)
    copies = models.PositiveSmallIntegerField(_("plain copies"), default=0)
    digitization = models.PositiveSmallIntegerField(
        _("digitisation"), choices=Digitization.choices, default=Digitization.NOT_DIGITISED
    )
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/", blank=True)
    is_supplement = models.BooleanField(_("handed in as a supplement"), default=False)

    class Meta:
        ordering = ["dossier", "pk"]
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")

    def __str__(self):
        return self.name


class DossierStep(models.Model):
    """One step instance: who took it, when, its due moment from its budget, and its outcome.

    The rows of a dossier, in order, are the process control sheet (form 05).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("dossier"))
    order = models.PositiveSmallIntegerField(_("order"))
    process_step = models.ForeignKey(
        ProcessStep, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        verbose_name=_("process step"),
    )
    step_index = models.PositiveSmallIntegerField(_("process step order"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    role = models.CharField(_("role"), max_length=30, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, db_index=False, db_constraint=False, verbose_name=_("agency")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="+", verbose_name=_("handed over by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="+", verbose_name=_("assignee"),
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="+", verbose_name=_("finished by"),
    )
    budget_hours = models.DecimalField(_("budget (working hours)"), max_digits=7, decimal_places=2, null=True)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=Outcome.choices, null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="uniq_dossier_step_order")]
        indexes = [models.Index(fields=["finished_at", "due_at"], name="dossier_step_open_due")]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")

    def __str__(self):
        return f"{self.dossier_id} #{self.order} {self.name}"


class Pause(models.Model):
    """A stop of the legal clock: waiting for a supplement or for the financial obligation."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Waiting for supplement")
        FINANCIAL = "financial", _("Waiting for financial obligation")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("dossier"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    working_minutes = models.PositiveIntegerField(_("working minutes"), null=True, blank=True)
    resume_status = models.PositiveSmallIntegerField(_("status to resume"), choices=Status.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "started_at"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class DossierEvent(Event):
    """One action on a dossier, appended and never changed."""

    subject = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, db_index=False, db_constraint=False,
        related_name="+", verbose_name=_("actor"),
    )
    from_status = models.PositiveSmallIntegerField(_("from status"), choices=Status.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=Status.choices, null=True, blank=True)

    changed_message = _("Dossier events are never changed.")
    deleted_message = _("Dossier events are never deleted.")

    class Meta:
        ordering = ["dossier", "at", "pk"]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
