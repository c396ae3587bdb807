"""The receiver only adds the event to the process's batch; a thread publishes batches as one
task; the task writes the outbox; a broker outage or a killed process loses nothing."""
import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import DossierEvent
from motcua.testing.world import APPLICANT, MONDAY, at
from motcua.notifications import dispatch, receivers, tasks
from motcua.notifications.dispatch import EventBatcher
from motcua.notifications.models import OutboxMessage


@pytest.fixture
def with_broker(monkeypatch):
    """Celery as in production (not eager), a batcher that only flushes when told, and the
    published batches recorded instead of sent to a broker."""
    published = []
    monkeypatch.setitem(tasks.deliver_for_events.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.deliver_for_events, "delay", lambda ids: published.append(list(ids)))
    batcher = EventBatcher(dispatch._publish, dispatch._handle_here, flush_seconds=3600)
    monkeypatch.setattr(dispatch, "batcher", batcher)
    return batcher, published


@pytest.mark.django_db
def test_receipts_are_batched_into_one_task_and_the_task_writes_the_outbox(receive, with_broker,
                                                                           django_capture_on_commit_callbacks):
    batcher, published = with_broker
    with django_capture_on_commit_callbacks(execute=True):
        first, second = receive(), receive()
    ids = [first.events.get().pk, second.events.get().pk]
    assert batcher.pending() == 2 and published == []
    assert not OutboxMessage.objects.exists()  # the officer's request wrote nothing
    assert batcher.flush() == 2
    assert published == [ids] and batcher.pending() == 0
    tasks.deliver_for_events(ids)  # what the worker does
    for event_id in ids:
        assert set(OutboxMessage.objects.filter(event_id=event_id).values_list("channel", flat=True)) == {"sms", "email"}


@pytest.mark.django_db
def test_events_without_messages_are_not_batched(receive, with_broker):
    batcher, _published = with_broker
    event = receive().events.get()
    event.kind = "start_processing"
    receivers.on_dossier_event(sender=None, event=event)
    assert batcher.pending() == 0


@pytest.mark.django_db
def test_broker_outage_handles_the_batch_here(receive, with_broker, monkeypatch):
    batcher, _published = with_broker

    def refuse(ids):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_for_events, "delay", refuse)
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda message_id: None)
    event = receive().events.get()
    receivers.on_dossier_event(sender=None, event=event)
    assert batcher.flush() == 1
    assert OutboxMessage.objects.filter(event_id=event.pk).count() == 2


def test_the_thread_publishes_by_itself_after_the_delay_or_when_the_batch_is_full():
    published = []
    timed = EventBatcher(published.append, lambda ids: None, flush_seconds=0.01)
    for event_id in (1, 2, 3):
        timed.add(event_id)
    deadline = time.monotonic() + 5
    while timed.pending() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sum(published, []) == [1, 2, 3]

    published.clear()
    full = EventBatcher(published.append, lambda ids: None, flush_seconds=3600, max_batch=3)
    for event_id in (4, 5, 6):
        full.add(event_id)
    deadline = time.monotonic() + 5
    while not published and time.monotonic() < deadline:
        time.sleep(0.01)
    assert published == [[4, 5, 6]]


def test_concurrent_adds_lose_nothing():
    import threading

    published = []
    batcher = EventBatcher(published.append, lambda ids: None, flush_seconds=0.001)
    workers = [threading.Thread(target=lambda k=k: [batcher.add(k * 1000 + i) for i in range(500)]) for k in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    batcher.flush()
    deadline = time.monotonic() + 5
    while sum(len(b) for b in published) < 2000 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(sum(published, [])) == sorted(k * 1000 + i for k in range(4) for i in range(500))


@pytest.mark.django_db
def test_missed_events_are_handled_once_by_the_safety_net(receive, with_broker, monkeypatch):
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda message_id: None)
    lost, recent, done = receive(), receive(), receive()
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    DossierEvent.objects.filter(dossier__in=[lost, done]).update(at=ten_minutes_ago)
    tasks.deliver_for_events([done.events.get().pk])
    before = OutboxMessage.objects.filter(event_id=done.events.get().pk).count()

    call_command("notify_missed_events")
    assert OutboxMessage.objects.filter(event_id=lost.events.get().pk).count() == 2
    assert not OutboxMessage.objects.filter(event_id=recent.events.get().pk).exists()  # still in some batch
    assert OutboxMessage.objects.filter(event_id=done.events.get().pk).count() == before
    assert tasks.notify_missed_events() == 0


@pytest.mark.django_db
def test_task_for_a_vanished_event_does_nothing():
    tasks.deliver_for_events([987654])
    tasks.deliver_for_event(987654)
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_embedded_default_writes_the_outbox_inline(receive, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda message_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    assert OutboxMessage.objects.filter(event_id=dossier.events.get().pk).count() == 2
    assert dispatch.batcher.pending() == 0
