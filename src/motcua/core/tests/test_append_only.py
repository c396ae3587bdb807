"""`core.models.AppendOnly`: rows are inserted, never changed or deleted; each model keeps its own
refusal (exception, message, code)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone, translation

from motcua.core.models import AppendOnly, AppendOnlyQuerySet
from motcua.documents.models import DocumentOpening
from motcua.dossiers.models import DossierEvent
from motcua.feedback.models import FeedbackEvent
from motcua.organization.models import AccessAuditEntry
from motcua.payments.models import GatewayCallback


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stored(model, **fields):
    """An instance that looks loaded from the database (the refusal comes before any query)."""
    row = model(pk=7, **fields)
    row._state.adding = False
    return row


@isolate_apps("motcua.core")
def test_the_mixin_refuses_change_and_deletion_with_its_default_words():
    class Note(AppendOnly):
        text = models.CharField(max_length=20)

        class Meta:
            app_label = "core"

    row = stored(Note, text="một")
    with pytest.raises(ValidationError) as changed:
        row.save()
    assert (changed.value.code, changed.value.messages) == ("immutable", ["This record is never changed."])
    with pytest.raises(ValidationError) as deleted:
        row.delete()
    assert (deleted.value.code, deleted.value.messages) == ("immutable", ["This record is never deleted."])
    with translation.override("vi"):  # the message is lazy: translated when read
        assert changed.value.messages == ["Bản ghi này không bao giờ được sửa."]
    # The bulk operations pass the model's guard unless the manager is AppendOnlyQuerySet's.
    assert not isinstance(Note.objects.all(), AppendOnlyQuerySet)


@isolate_apps("motcua.core")
def test_a_model_chooses_its_words_and_exception_and_the_queryset_refuses_bulk_changes():
    class Ledger(AppendOnly):
        amount = models.IntegerField()

        objects = AppendOnlyQuerySet.as_manager()
        changed_message = "Ledger lines are never changed."
        deleted_message = "Ledger lines are never deleted."
        refusal_code = "ledger_immutable"

        class Meta:
            app_label = "core"

    class Journal(AppendOnly):
        objects = AppendOnlyQuerySet.as_manager()

        class Meta:
            app_label = "core"

        @classmethod
        def append_only_refusal(cls, changed):
            return PermissionError("changed" if changed else "deleted")

    with pytest.raises(ValidationError) as changed:
        stored(Ledger, amount=1).save()
    assert (changed.value.code, changed.value.messages) == ("ledger_immutable", ["Ledger lines are never changed."])
    with pytest.raises(ValidationError, match="Ledger lines are never changed."):
        Ledger.objects.filter(amount=1).update(amount=2)
    with pytest.raises(ValidationError, match="Ledger lines are never deleted."):
        Ledger.objects.all().delete()
    with pytest.raises(PermissionError, match="^changed$"):
        stored(Journal).save()
    with pytest.raises(PermissionError, match="^deleted$"):
        Journal.objects.all().delete()


# Each append-only model with what it raised before the mixin (its tests and callers rely on it).
REFUSALS = [
    (AccessAuditEntry, PermissionError, None, "The access audit log is append-only.",
     "The access audit log is append-only."),
    (DocumentOpening, ValidationError, "log_immutable", "The access log is never changed.",
     "The access log is never deleted."),
    (DossierEvent, ValidationError, "event_immutable", "Dossier events are never changed.",
     "Dossier events are never deleted."),
    (FeedbackEvent, ValidationError, "event_immutable", "Feedback events are never changed.",
     "Feedback events are never deleted."),
    (GatewayCallback, ValidationError, "immutable", "Gateway callbacks are never changed.",
     "Gateway callbacks are never deleted."),
]


@pytest.mark.parametrize(("model", "error", "code", "changed", "deleted"), REFUSALS,
                         ids=[r[0].__name__ for r in REFUSALS])
def test_each_append_only_model_keeps_its_refusal(model, error, code, changed, deleted):
    assert issubclass(model, AppendOnly)
    for action, message in ((stored(model).save, changed), (stored(model).delete, deleted)):
        with pytest.raises(error) as refused:
            action()
        if error is ValidationError:
            assert (refused.value.code, refused.value.messages) == (code, [message])
        else:
            assert str(refused.value) == message
    # Only the access audit log refuses bulk statements too (the others' rows go with their parent).
    assert isinstance(model.objects.all(), AppendOnlyQuerySet) == (model is AccessAuditEntry)


@pytest.mark.django_db
def test_rows_are_appended_and_a_stored_row_stays_as_it_was():
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    entry = AccessAuditEntry.objects.create(at=at, kind="counter", action="created", object_label="Quầy 1")
    entry.object_label = "Quầy 2"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AccessAuditEntry.objects.filter(pk=entry.pk).update(object_label="Quầy 3")
    with pytest.raises(PermissionError):
        AccessAuditEntry.objects.filter(pk=entry.pk).delete()
    # A copy without its primary key is a new row: appending is allowed.
    entry.pk = None
    entry.save()
    labels = list(AccessAuditEntry.objects.order_by("pk").values_list("object_label", flat=True))
    assert labels == ["Quầy 1", "Quầy 2"]


def test_dossier_and_feedback_events_share_one_event_base_and_keep_their_columns():
    from motcua.core.models import Event

    moment = datetime.datetime(2026, 3, 2, 8, 5, tzinfo=datetime.timezone.utc)
    for model, subject, states in ((DossierEvent, "dossier", ("from_status", "to_status")),
                                   (FeedbackEvent, "feedback", ("from_state", "to_state"))):
        assert issubclass(model, Event) and model.subject == subject
        # The tables are what they were before the base: same columns (the migrations hold no change).
        assert sorted(f.column for f in model._meta.concrete_fields) == sorted(
            ["id", f"{subject}_id", "kind", "actor_id", "at", *states, "payload"])
        assert str(model(**{f"{subject}_id": 12}, kind="receive", at=moment)) == "12 receive 2026-03-02 08:05"
        with pytest.raises(ValidationError) as refused:
            stored(model, kind="receive", at=moment).save()
        assert refused.value.code == "event_immutable"
    assert DossierEvent._meta.get_field("kind").max_length == 40
    assert FeedbackEvent._meta.get_field("kind").max_length == 30
