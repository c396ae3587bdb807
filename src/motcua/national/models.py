"""The outbox of dossier events for the national portal, the log of every call, and the
simulator's store.

`OutboxItem`: one row per `DossierEvent` to send (unique on the event), written in the same
transaction as the event, so a crash after the commit loses nothing. It is pending until the
portal acknowledged its progress row (`acknowledged_at`); failures push `next_attempt_at` back
(exponential, at most an hour) and keep the reason. A lease (`leased_until`) keeps two workers off
the same rows; a worker that dies mid-send leaves the lease to expire and the rows are sent
again, which the portal's key (code, moment, status) makes harmless.

`SyncAttempt`: append-only, one row per call to the portal (what, how many, the answer), without
personal data.

`SimulatedReceipt`: what the portal simulator received (records by code, progress rows by
(code, moment, status)), so the demo and the tests can see it.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnly, AppendOnlyQuerySet
from motcua.dossiers.models import Dossier, DossierEvent


class ErrorKind(models.TextChoices):
    SERVER = "server", _("The portal answered with a server error (5xx)")
    TIMEOUT = "timeout", _("The portal did not answer in time")
    CONNECTION = "connection", _("The portal could not be reached")
    NOT_JSON = "not_json", _("The portal's answer was not readable (not JSON)")
    REFUSED = "refused", _("The portal refused the data (error code)")
    AUTH = "auth", _("The portal refused the credentials")
    OTHER = "other", _("Other error")


class OutboxItem(models.Model):
    event = models.OneToOneField(
        DossierEvent, on_delete=models.CASCADE, related_name="national_outbox", verbose_name=_("event"))
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, db_index=False, related_name="+",
                                verbose_name=_("dossier"))
    at = models.DateTimeField(_("event moment"))
    status = models.PositiveSmallIntegerField(_("national status"))
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    error_kind = models.CharField(_("error kind"), max_length=12, choices=ErrorKind.choices, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    transport = models.CharField(_("transport"), max_length=20, blank=True)

    class Meta:
        ordering = ["dossier", "at", "pk"]
        indexes = [
            # The sender's scan: only pending rows are indexed.
            models.Index(fields=["next_attempt_at"], name="national_outbox_due",
                         condition=models.Q(acknowledged_at__isnull=True)),
            models.Index(fields=["dossier", "acknowledged_at"], name="national_outbox_dossier"),
        ]
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox items")

    def __str__(self):
        return f"{self.dossier_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status}"


class SyncAttempt(AppendOnly):
    class Call(models.TextChoices):
        RECORD = "record", _("Dossier record")
        PROGRESS = "progress", _("Progress rows")

    at = models.DateTimeField(_("at"))
    transport = models.CharField(_("transport"), max_length=20)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, db_index=False, related_name="+",
                                verbose_name=_("dossier"))
    call = models.CharField(_("call"), max_length=10, choices=Call.choices)
    update = models.BooleanField(_("as an update"), default=False)
    rows = models.PositiveSmallIntegerField(_("rows"), default=0)
    ok = models.BooleanField(_("acknowledged"))
    error_kind = models.CharField(_("error kind"), max_length=12, choices=ErrorKind.choices, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    milliseconds = models.PositiveIntegerField(_("duration (ms)"), default=0)

    objects = AppendOnlyQuerySet.as_manager()
    changed_message = _("Synchronisation attempts are never changed.")
    deleted_message = _("Synchronisation attempts are never deleted.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="national_attempt_dossier")]
        verbose_name = _("synchronisation attempt")
        verbose_name_plural = _("synchronisation attempts")


class SimulatedReceipt(models.Model):
    """The portal simulator's store: one row per record (moment and status empty) or progress row."""

    kind = models.CharField(max_length=10)  # "record" or "progress"
    code = models.CharField(max_length=40)
    moment = models.CharField(max_length=14, blank=True)
    status = models.CharField(max_length=4, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updates = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code", "moment", "status"],
                                               name="national_simulated_key")]
        verbose_name = _("simulated portal receipt")
        verbose_name_plural = _("simulated portal receipts")
