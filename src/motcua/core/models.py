"""Shared models.

`IdempotencyRecord`: the stored answer of a creating request sent with an `Idempotency-Key`
(see `core/idempotency.py`). One row per (caller, key), unique: the row is inserted in the same
transaction as the work it protects, so a second request with the same key waits for the first
to commit (PostgreSQL) and then replays its answer instead of doing the work again.

`AppendOnly` (with `AppendOnlyQuerySet`): the base of the models whose rows are written once and
never changed or deleted: audit trails, access logs, gateway callbacks. `Event` (on it): one action
on a thing with a life cycle (a dossier, a piece of feedback): its kind, moment and details.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows are inserted and never changed or deleted: `save()` of a stored row and `delete()` raise
    what `append_only_refusal()` returns, so forms, the admin and services all meet the same refusal.

    Each model keeps its own words: set `changed_message`, `deleted_message` and `refusal_code`
    (a `ValidationError`), or override `append_only_refusal` for another exception. Bulk
    `QuerySet.update()`/`delete()` are refused too only when the model's manager is
    `AppendOnlyQuerySet.as_manager()`. Deleting a parent row still cascades: Django's collector
    deletes related rows without calling their `delete()`.
    """

    changed_message = _("This record is never changed.")
    deleted_message = _("This record is never deleted.")
    refusal_code = "immutable"

    class Meta:
        abstract = True

    @classmethod
    def append_only_refusal(cls, changed: bool) -> Exception:
        """The error for a change (`changed`) or a deletion of a row of this model."""
        return ValidationError(cls.changed_message if changed else cls.deleted_message, code=cls.refusal_code)

    def save(self, *args, **kwargs):
        # A row without a primary key is inserted: appending is what the model is for.
        if self.pk is not None and not self._state.adding:
            raise self.append_only_refusal(changed=True)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_refusal(changed=False)


class Event(AppendOnly):
    """One action on a thing, appended and never changed: the base of DossierEvent and FeedbackEvent.

    The concrete model adds the foreign key to its thing (named by `subject`), its `actor` (who may
    be deleted, and how, differs: a dossier's trail protects its officers), the states before and
    after in its own type, `ordering` and its refusal messages. `kind` may be redefined shorter.
    """

    subject = ""  # the name of the foreign key to the thing the event belongs to

    kind = models.CharField(_("kind"), max_length=40)
    at = models.DateTimeField(_("at"))
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    refusal_code = "event_immutable"

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, f'{self.subject}_id')} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk `update()` and `delete()` of an `AppendOnly` model, with the model's refusal."""

    def update(self, **kwargs):
        raise self.model.append_only_refusal(changed=True)

    def delete(self):
        raise self.model.append_only_refusal(changed=False)


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
