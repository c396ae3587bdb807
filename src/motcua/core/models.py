"""Shared models.

`IdempotencyRecord`: the stored answer of a creating request sent with an `Idempotency-Key`
(see `core/idempotency.py`). One row per (caller, key), unique: the row is inserted in the same
transaction as the work it protects, so a second request with the same key waits for the first
to commit (PostgreSQL) and then replays its answer instead of doing the work again.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    caller = models.CharField(_("caller"), max_length=80, help_text=_("user:<id>, or anon:<address>"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    method = models.CharField(_("HTTP method"), max_length=10)
    path = models.CharField(_("request path"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)
    body = models.JSONField(_("answer body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="core_idempotency_one_per_caller_key")]

    def __str__(self):
        return f"{self.caller} {self.key}"
