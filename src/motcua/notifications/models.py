"""Message templates (editable, versioned by effective date) and the outbox of messages to deliver."""
from django.db import models
from django.template import Context, Engine
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Dossier refused")
    RESOLVED = "resolved", _("Result ready")
    APOLOGY = "apology", _("Apology with a new appointment")
    RETURNED = "returned", _("Result returned")
    OVERDUE = "overdue", _("Dossier overdue (to the responsible unit)")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    WITHDRAWN = "withdrawn", _("Dossier withdrawn")
    PASSWORD_RESET = "password_reset", _("Password reset code (citizen account)")
    ONLINE_SUBMITTED = "online_submitted", _("Online dossier waiting for intake (to the receiving counter officers)")
    ACCOUNT_IN_USE = "account_in_use", _("Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)")
    CONTACT_VERIFICATION = "contact_verification", _("Code verifying an account's phone or e-mail")
    APPOINTMENT_BOOKED = "appointment_booked", _("Counter appointment booked (code to check in at the kiosk)")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageTemplateQuerySet(models.QuerySet):
    def in_force(self, kind: str, channel: str, language: str = "vi", on=None):
        """The active template for (kind, channel, language) with the latest effective date <= on."""
        on = on or timezone.localdate()
        return (
            self.filter(event_kind=kind, channel=channel, language=language, is_active=True, effective_from__lte=on)
            .order_by("-effective_from", "-pk")
            .first()
        )


class MessageTemplate(models.Model):
    event_kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, default="vi")
    subject = models.CharField(_("subject"), max_length=255, blank=True, help_text=_("E-mail only."))
    body = models.TextField(
        _("body"),
        help_text=_(
            "Django template syntax, e.g. {{ code }}, {{ applicant_name }}, {{ procedure_name }}, {{ due_at }}, "
            "{{ new_due_at }}, {{ reason }}, {{ missing_items }}, {{ agency_name }}, {{ tracking_url }}."
        ),
    )
    effective_from = models.DateField(_("in force from"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["event_kind", "channel", "language", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_kind", "channel", "language", "effective_from"], name="uniq_message_template_version"
            )
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return f"{self.get_event_kind_display()} / {self.get_channel_display()} ({self.effective_from:%d/%m/%Y})"

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.template import TemplateSyntaxError

        for field in ("subject", "body"):
            try:
                Engine.get_default().from_string(getattr(self, field))
            except TemplateSyntaxError as error:
                raise ValidationError({field: _("Template error: %(error)s") % {"error": error}}) from error

    def render(self, context: dict) -> tuple[str, str]:
        """(subject, body) with the context; plain text, so no HTML escaping."""
        engine = Engine.get_default()
        ctx = Context(context, autoescape=False)
        subject = engine.from_string(self.subject).render(ctx).strip()
        body = engine.from_string(self.body).render(Context(context, autoescape=False)).strip()
        return " ".join(subject.split()), body


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event_kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    event_id = models.BigIntegerField(_("dossier event"), null=True, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True, db_index=True)
    agency = models.ForeignKey(
        "organization.Agency", on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
        related_name="+", verbose_name=_("agency"),
        help_text=_("The competent agency of the dossier, for reports."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A signal delivered twice for one event must not message anyone twice.
            models.UniqueConstraint(fields=["event_id", "channel", "recipient"], name="uniq_outbox_event_recipient")
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"], name="outbox_status_sent"),
            models.Index(fields=["status", "last_attempt_at"], name="outbox_status_attempt"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self):
        return f"{self.get_channel_display()} -> {self.recipient} ({self.get_status_display()})"
