"""The receiver only enqueues `deliver_for_event`; the task writes the outbox."""
import pytest

from motcua.dossiers.tests.conftest import APPLICANT, MONDAY, _fresh_caches, at, receive, world  # noqa: F401
from motcua.notifications import receivers, tasks
from motcua.notifications.models import OutboxMessage


@pytest.mark.django_db
def test_receiver_enqueues_one_task_with_the_event_id_and_writes_nothing(receive, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.deliver_for_event, "delay", lambda event_id: queued.append(event_id))
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    event = dossier.events.get()
    assert queued == [event.pk]
    assert not OutboxMessage.objects.exists()
    tasks.deliver_for_event(event.pk)  # what the worker does
    assert set(OutboxMessage.objects.filter(event_id=event.pk).values_list("channel", flat=True)) == {"sms", "email"}


@pytest.mark.django_db
def test_receiver_skips_events_without_messages(receive, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.deliver_for_event, "delay", lambda event_id: queued.append(event_id))
    event = receive().events.get()
    event.kind = "start_processing"
    receivers.on_dossier_event(sender=None, event=event)
    assert queued == []


@pytest.mark.django_db
def test_broker_outage_queues_the_messages_inline(receive, monkeypatch):
    def refuse(event_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_for_event, "delay", refuse)
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda message_id: None)
    event = receive().events.get()
    receivers.on_dossier_event(sender=None, event=event)
    assert OutboxMessage.objects.filter(event_id=event.pk).count() == 2


@pytest.mark.django_db
def test_task_for_a_vanished_event_does_nothing():
    tasks.deliver_for_event(987654)
    assert not OutboxMessage.objects.exists()
