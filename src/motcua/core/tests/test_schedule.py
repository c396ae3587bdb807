"""The beat schedule names real tasks, and the nightly snapshot job stores closed periods."""
import datetime

import pytest
import time_machine
from django.conf import settings

from motcua.celery import app


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names <= set(app.tasks), names - set(app.tasks)
    assert {"dossiers.sweep_overdue", "payments.reconcile_pending",
            "motcua.notifications.tasks.notify_missed_events", "motcua.reports.tasks.store_snapshots",
            "core.purge_idempotency_keys"} <= names


@pytest.mark.django_db
def test_the_purge_job_deletes_only_expired_idempotency_records():
    from django.utils import timezone

    from motcua.core.models import IdempotencyRecord
    from motcua.core.tasks import purge_idempotency_keys

    now = timezone.now()
    for key, expires in (("old", now - datetime.timedelta(minutes=1)), ("live", now + datetime.timedelta(hours=3))):
        IdempotencyRecord.objects.create(caller="user:1", key=key, fingerprint="x", method="POST", path="/",
                                         created_at=expires - datetime.timedelta(hours=24), expires_at=expires)
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["live"]


@pytest.mark.django_db
def test_nightly_snapshots_store_the_closed_periods_of_last_year_and_this_year():
    from motcua.reports.models import ReportSnapshot
    from motcua.reports.tasks import store_snapshots

    with time_machine.travel(datetime.datetime(2026, 5, 10, 1, 30, tzinfo=datetime.timezone.utc), tick=False):
        # 2025: year, 2 halves, 4 quarters, 12 months; 2026 so far: Q1 and January-April.
        assert store_snapshots() == 19 + 5
        stored = ReportSnapshot.objects.filter(kind="dashboard").count()
        assert stored == 24
        assert store_snapshots() == 24  # read back, nothing new
        assert ReportSnapshot.objects.filter(kind="dashboard").count() == stored
        # The public statistics (/thong-ke/): 2025's 12 months, 4 quarters and the year, 2026's
        # January-April and Q1, in Vietnamese and English.
        assert ReportSnapshot.objects.filter(kind="public-stats").count() == 2 * (17 + 5)
