"""Committed dossier events handed to the notification worker in batches.

A receipt must not wait for the broker: one Celery `.delay()` costs 0.5-1.2 ms on Redis, as much
as half the receipt itself (docs/performance.md, "Dossier receipts"). So the receiver adds the
event id to this process's batch (`EventBatcher.add`, a list append under a lock) and a daemon
thread publishes the batch as one task, `tasks.deliver_for_events(ids)`, after FLUSH_SECONDS or
as soon as it holds MAX_BATCH ids. If the broker refuses the batch, the thread handles the events
itself, as the single-event path did. Ids still in the batch when the process ends normally are
published at exit; if the process is killed, `tasks.notify_missed_events` (periodic) finds the
recent notifiable events without any message and handles them.

In the embedded default (no REDIS_URL, Celery eager) nothing is batched: `add` hands the event
over at once and the eager task runs inline, so a test or the demo sees the messages at once.
"""
from __future__ import annotations

import atexit
import logging
import threading
from typing import Callable

from .tasks import deliver_for_events, notify_events

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.05
MAX_BATCH = 500


class EventBatcher:
    """Collects ids and hands them to `publish` in batches from a background thread; `fallback`
    gets a batch that `publish` raised on."""

    def __init__(self, publish: Callable[[list[int]], None], fallback: Callable[[list[int]], None],
                 flush_seconds: float = FLUSH_SECONDS, max_batch: int = MAX_BATCH,
                 inline: Callable[[], bool] = lambda: False):
        self._publish, self._fallback, self._inline = publish, fallback, inline
        self._flush_seconds, self._max_batch = flush_seconds, max_batch
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, event_id: int) -> None:
        if self._inline():  # nothing to wait for: hand it over now, in this thread
            self._hand_over([event_id])
            return
        with self._lock:
            self._ids.append(event_id)
            full = len(self._ids) >= self._max_batch
            if self._thread is None or not self._thread.is_alive():
                # Also after a fork (gunicorn workers): threads do not survive it.
                self._thread = threading.Thread(target=self._run, name="notification-batcher", daemon=True)
                self._thread.start()
        if full:
            self._wake.set()

    def flush(self) -> int:
        """Publish what is waiting now, in this thread; the number of ids handed over."""
        with self._lock:
            ids, self._ids = self._ids, []
        if ids:
            self._hand_over(ids)
        return len(ids)

    def _hand_over(self, ids: list[int]) -> None:
        try:
            self._publish(ids)
        except Exception:  # noqa: BLE001 - a broker outage: do the work here rather than lose it
            logger.exception("could not enqueue notifications for %d dossier events; handling them here", len(ids))
            self._fallback(ids)

    def pending(self) -> int:
        with self._lock:
            return len(self._ids)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_seconds)
            self._wake.clear()
            try:
                if self.flush():
                    _close_thread_connections()
            except Exception:  # noqa: BLE001 - the thread must keep running
                logger.exception("notification batch failed")
                _close_thread_connections()


def _close_thread_connections() -> None:
    """The fallback may have used the database from this thread: give its connection back."""
    from django.db import connections

    connections.close_all()  # this thread's connections only (they are thread-local)


def _publish(ids: list[int]) -> None:
    deliver_for_events.delay(ids)


def _handle_here(ids: list[int]) -> None:
    notify_events(ids)


def _celery_eager() -> bool:
    return bool(deliver_for_events.app.conf.task_always_eager)


batcher = EventBatcher(_publish, _handle_here, inline=_celery_eager)
atexit.register(batcher.flush)
