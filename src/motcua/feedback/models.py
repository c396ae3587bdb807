"""Satisfaction ratings of returned dossiers, and citizen feedback (phản ánh, kiến nghị, PAKN).

Write these models only through `ratings.py` (ratings) and `services.py` (feedback): the rules
(status 10 first, one rating per dossier, the change window, the PAKN state table and its
working-day deadlines) live there. `FeedbackEvent` is append-only.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import Procedure
from motcua.core.models import Event
from motcua.dossiers.models import Dossier
from motcua.organization.models import Agency, Counter


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Reason(models.TextChoices):
    """Reasons a person may tick with a rating (several allowed)."""

    ON_TIME = "on_time", _("Result on time")
    COURTEOUS = "courteous", _("Courteous officer")
    CLEAR_GUIDANCE = "clear_guidance", _("Clear guidance")
    LATE = "late", _("Result late")
    DISCOURTEOUS = "discourteous", _("Discourteous officer")
    UNCLEAR_GUIDANCE = "unclear_guidance", _("Unclear guidance")
    EXTRA_DOCUMENTS = "extra_documents", _("Asked for documents not required")
    LONG_WAIT = "long_wait", _("Long wait at the counter")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Portal or API")
    LINK = "link", _("Link in the notice")
    KIOSK = "kiosk", _("Counter tablet")


class Rating(models.Model):
    """How satisfied the person was with one returned dossier and the officer who served them."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("dossier"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings_received",
        verbose_name=_("officer rated"), help_text=_("The officer who returned the result (or received the dossier)."),
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="ratings", verbose_name=_("counter")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("agency"),
        help_text=_("The competent agency of the dossier."),
    )
    level = models.CharField(pgettext_lazy("rating", "level"), max_length=20, choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    history = models.JSONField(
        _("earlier ratings"), default=list, blank=True, help_text=_("What a change of mind replaced.")
    )
    created_at = models.DateTimeField(_("rated at"))
    updated_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at", "agency"], name="rating_period_agency"),
            models.Index(fields=["officer", "created_at"], name="rating_officer"),
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.dossier_id}: {self.get_level_display()}"

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons]


class TicketRating(models.Model):
    """How satisfied the person was with the counter service of one queue ticket, given on the
    counter's tablet right after the service ended there (issue 12). The ticket's dossier, when one
    was linked at intake, is kept with it; a returned dossier is also rated as a `Rating`."""

    ticket = models.OneToOneField(
        "queueing.Ticket", on_delete=models.CASCADE, related_name="rating", verbose_name=_("queue ticket")
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket_ratings",
        verbose_name=_("dossier"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="ticket_ratings_received", verbose_name=_("officer rated"),
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket_ratings",
        verbose_name=_("counter"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket_ratings",
        verbose_name=_("agency"), help_text=_("The competent agency of the linked dossier, if any."),
    )
    level = models.CharField(pgettext_lazy("rating", "level"), max_length=20, choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["officer", "created_at"], name="ticket_rating_officer")]
        verbose_name = _("counter service rating")
        verbose_name_plural = _("counter service ratings")

    def __str__(self):
        return f"{self.ticket_id}: {self.get_level_display()}"


class FeedbackChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    LETTER = "letter", _("Letter")
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("In person")
    NATIONAL_PORTAL = "national_portal", _("National public service portal")


class SubjectKind(models.TextChoices):
    DOSSIER = "dossier", _("A dossier")
    PROCEDURE = "procedure", _("A procedure")
    OFFICER = "officer", _("An officer")
    RULE = "rule", _("An administrative act or rule")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    NEEDS_INFO = "needs_info", _("Waiting for more information")
    IN_PROGRESS = "in_progress", _("Being handled")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")


OPEN_STATES = (State.RECEIVED, State.NEEDS_INFO, State.IN_PROGRESS)
HANDLED_STATES = (State.REFUSED, State.ANSWERED, State.PUBLISHED)


class Feedback(models.Model):
    """One piece of feedback or recommendation (phản ánh, kiến nghị) and its handling."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=FeedbackChannel.choices)
    subject_kind = models.CharField(_("about"), max_length=12, choices=SubjectKind.choices)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="feedback",
        verbose_name=_("dossier"),
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="feedback",
        verbose_name=_("procedure"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="feedback_about", verbose_name=_("officer concerned"),
    )
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"), max_length=5000)

    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=20, blank=True)
    sender_email = models.EmailField(_("sender e-mail"), blank=True)
    sender_address = models.CharField(_("sender address"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="+", verbose_name=_("submitted by (account)"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="+", verbose_name=_("logged by officer"),
    )
    client_key = models.CharField(
        _("client key"), max_length=64, blank=True, editable=False,
        help_text=_("A keyed hash of the submitting address, for throttling (never the address itself)."),
    )

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback",
        verbose_name=_("responsible agency"),
    )

    received_at = models.DateTimeField(_("received at"))
    refuse_due_at = models.DateTimeField(_("refuse by"))
    info_due_at = models.DateTimeField(_("ask for information by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)

    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    info_request = models.TextField(_("information asked for"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="+", verbose_name=_("answered by"),
    )
    public_question = models.TextField(_("published question"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)

    answer_rating = models.CharField(_("rating of the answer"), max_length=20, choices=Level.choices, blank=True)
    answer_rating_comment = models.TextField(_("comment on the answer"), blank=True, max_length=2000)
    answer_rated_at = models.DateTimeField(_("answer rated at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["received_at", "agency"], name="feedback_period_agency"),
            models.Index(fields=["state", "resolve_due_at"], name="feedback_state_due"),
            models.Index(fields=["client_key", "received_at"], name="feedback_client_recent"),
            models.Index(fields=["state", "published_at"], name="feedback_published"),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class FeedbackEvent(Event):
    """One action on a piece of feedback, appended and never changed (the audit trail)."""

    subject = "feedback"

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events", verbose_name=_("feedback"))
    kind = models.CharField(_("kind"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="+", verbose_name=_("actor"),
    )
    from_state = models.CharField(_("from state"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=State.choices, blank=True)

    changed_message = _("Feedback events are never changed.")
    deleted_message = _("Feedback events are never deleted.")

    class Meta:
        ordering = ["feedback", "at", "pk"]
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")


class CounterDevice(models.Model):
    """A tablet registered to one counter: the only kind of device, besides the session of an officer
    seated at that counter, on which the counter's rating page works (`devices.py`).

    The device keeps a signed cookie holding its id and a random token; only a keyed hash of the
    token is stored here, so a copy of this table cannot impersonate a tablet."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="rating_devices",
                                verbose_name=_("counter"))
    name = models.CharField(_("device name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["counter", "-registered_at", "-pk"]
        verbose_name = _("counter rating device")
        verbose_name_plural = _("counter rating devices")

    def __str__(self):
        return f"{self.name} ({self.counter})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApplicantProofFailure(models.Model):
    """One wrong phone number or citizen ID typed to prove being a dossier's applicant (public
    tracking page and API, the portal rating form). Counted per client address and per dossier
    code to throttle guessing (`proofs.py`); both are kept only as keyed hashes. Rows older than a
    day are deleted as new ones come."""

    client_key = models.CharField(max_length=40)
    code_key = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["client_key", "at"], name="proof_failure_client"),
            models.Index(fields=["code_key", "at"], name="proof_failure_code"),
            models.Index(fields=["at"], name="proof_failure_at"),
        ]
        verbose_name = _("wrong applicant proof")
        verbose_name_plural = _("wrong applicant proofs")
