"""The sender against the simulator: batches, acknowledgement, backoff, every failure mode, a
crash between send and mark, "already exists", resending, and what is shown as stuck."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.national import selectors, services, tasks
from motcua.national.models import ErrorKind, OutboxItem, SimulatedReceipt, SyncAttempt
from motcua.national.transports import get_transport
from motcua.testing.world import APPLICANT, at


def progress_count(code):
    return SimulatedReceipt.objects.filter(kind="progress", code=code).count()


def test_backoff_doubles_up_to_an_hour():
    assert [services.backoff(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert services.backoff(50) == 3600


def test_23_events_go_in_3_batches(many_events):
    d = many_events(23)
    totals = services.sync_due()
    assert totals == {"dossiers": 1, "records": 1, "rows": 23, "batches": 3, "failed": 0}
    calls = SyncAttempt.objects.filter(dossier=d).order_by("pk")
    assert [(a.call, a.rows, a.ok, a.update) for a in calls] == [
        ("record", 1, True, False), ("progress", 10, True, True), ("progress", 10, True, True),
        ("progress", 3, True, True)]
    assert progress_count(d.code) == 23
    assert OutboxItem.objects.filter(dossier=d, acknowledged_at__isnull=False, transport="simulator").count() == 23
    assert services.sync_due()["dossiers"] == 0  # nothing is sent twice


def test_later_events_update_the_record_and_send_only_the_new_rows(receive, world):
    d = receive()
    services.sync_due()
    s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 9))
    services.sync_due()
    calls = list(SyncAttempt.objects.filter(dossier=d).order_by("pk").values_list("call", "update", "rows"))
    assert calls == [("record", False, 1), ("progress", True, 1), ("record", True, 1), ("progress", True, 1)]
    assert SimulatedReceipt.objects.get(kind="record", code=d.code).payload["TrangThaiHoSo"] == 4
    assert progress_count(d.code) == 2


def test_two_rows_in_the_same_second_with_the_same_status_are_both_kept(receive, world):
    d = receive()
    moment = at(2026, 3, 2, 9)
    s.start_processing(world["specialist"], d, at=moment)
    s.hand_over(world["specialist"], d, at=moment.replace(microsecond=500))  # status 4 again, same second
    s.assign(world["leader"], d, officer=world["specialist"], at=moment.replace(microsecond=900))
    assert list(OutboxItem.objects.filter(dossier=d).order_by("at").values_list("status", "at")) == [
        (2, at(2026, 3, 2, 8)), (4, moment), (4, moment + datetime.timedelta(seconds=1)),
        (4, moment + datetime.timedelta(seconds=2))]
    services.sync_due()
    moments = sorted(SimulatedReceipt.objects.filter(kind="progress", code=d.code).values_list("moment", flat=True))
    assert moments == ["20260302080000", "20260302090000", "20260302090001", "20260302090002"]


def test_a_crash_between_send_and_mark_leaves_no_duplicate(many_events, monkeypatch):
    d = many_events(23)
    real = services.mark_acknowledged
    calls = {"n": 0}

    def dies_on_second_batch(items, name):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("the worker is killed after the portal stored the batch")
        return real(items, name)

    monkeypatch.setattr(services, "mark_acknowledged", dies_on_second_batch)
    with pytest.raises(SystemExit):
        services.sync_due()
    monkeypatch.setattr(services, "mark_acknowledged", real)
    assert progress_count(d.code) == 20  # the portal has two batches
    assert OutboxItem.objects.filter(dossier=d, acknowledged_at__isnull=True).count() == 13
    # The lease keeps another worker off the rows for five minutes, then they are sent again.
    assert services.sync_due()["dossiers"] == 0
    later = timezone.now() + services.LEASE + datetime.timedelta(seconds=1)
    totals = services.sync_due(later)
    assert (totals["rows"], totals["batches"]) == (13, 2)
    assert progress_count(d.code) == 23  # the resent batch was not doubled at the portal
    assert not OutboxItem.objects.filter(dossier=d, acknowledged_at__isnull=True).exists()


@pytest.mark.parametrize("mode, kind", [
    ("server_error", ErrorKind.SERVER), ("timeout", ErrorKind.TIMEOUT), ("garbage", ErrorKind.NOT_JSON),
    ("error_code", ErrorKind.REFUSED)])
def test_each_failure_mode_is_kept_retried_with_backoff_and_then_sent(receive, world, settings, mode, kind):
    d = receive()
    s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 9))
    settings.NATIONAL_SIMULATOR_MODE = mode
    now = timezone.now()
    assert services.sync_due(now)["failed"] == 1
    items = list(OutboxItem.objects.filter(dossier=d))
    assert {(i.attempts, i.error_kind, i.acknowledged_at, i.leased_until) for i in items} == {(1, kind, None, None)}
    assert {i.next_attempt_at for i in items} == {now + datetime.timedelta(seconds=60)}
    assert services.sync_due(now + datetime.timedelta(seconds=59))["dossiers"] == 0  # waits its turn
    services.sync_due(now + datetime.timedelta(seconds=60))
    assert {(i.attempts, i.next_attempt_at) for i in OutboxItem.objects.filter(dossier=d)} == {
        (2, now + datetime.timedelta(seconds=180))}
    stuck = selectors.stuck(now=now)
    assert [(r["code"], r["pending"], r["attempts"], r["error_kind"]) for r in stuck] == [(d.code, 2, 2, kind)]
    assert progress_count(d.code) == 0
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    assert services.sync_due(now + datetime.timedelta(seconds=180))["rows"] == 2
    assert progress_count(d.code) == 2 and selectors.stuck(now=now) == []
    failed = SyncAttempt.objects.filter(dossier=d, ok=False)
    assert failed.count() == 2 and set(failed.values_list("error_kind", flat=True)) == {kind}
    # No personal data in what is kept about failures.
    assert not any("Trần Thị Mẫu" in a.error or "038190012345" in a.error for a in failed)


def test_a_lost_answer_is_resent_as_an_update_without_duplicates(receive, settings):
    d = receive()
    settings.NATIONAL_SIMULATOR_MODE = "lost_answer"
    now = timezone.now()
    services.sync_due(now)
    assert SimulatedReceipt.objects.filter(kind="record", code=d.code).count() == 1  # stored, not acknowledged
    assert OutboxItem.objects.get(dossier=d).error_kind == ErrorKind.TIMEOUT
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    services.sync_due(now + datetime.timedelta(minutes=1))
    calls = list(SyncAttempt.objects.filter(dossier=d).order_by("pk").values_list("call", "update", "ok"))
    assert calls == [("record", False, False), ("record", False, False), ("record", True, True),
                     ("progress", True, True)]
    assert "already exists" in SyncAttempt.objects.filter(dossier=d).order_by("pk")[1].error
    assert SimulatedReceipt.objects.get(kind="record", code=d.code).updates == 1
    assert progress_count(d.code) == 1


def test_a_refused_record_is_stuck_with_the_portals_reason(world):
    from decimal import Decimal

    from motcua.catalog import services as catalog

    # A procedure of the province only: its code is not in the national procedure database.
    local = catalog.create_procedure(
        "H99.TTDT.01", "H99.01", name="Hỗ trợ học phí theo nghị quyết của tỉnh", field=world["version"].field,
        time_limit=Decimal("5"), time_limit_unit="working_days", levels=[world["land"].level],
        competent_agencies=[world["land"]], documents=[{"name": "Đơn đề nghị", "originals": 1}],
        steps=[{"order": 1, "name": "Tiếp nhận và giải quyết", "role": "counter_officer", "budget_hours": 8}],
        publish=True, valid_from=datetime.date(2025, 1, 1))
    d = s.receive_at_counter(world["counter"], procedure_version=local, applicant=APPLICANT,
                             documents=[{"required_document": local.documents.get().pk, "originals": 1}],
                             service_point=world["centre"], received_at=at(2026, 3, 2, 8))
    services.sync_due()
    [row] = selectors.stuck()
    assert (row["code"], row["error_kind"], row["attempts"]) == (d.code, ErrorKind.REFUSED, 1)
    assert row["error"] == "error_code -6: Mã thủ tục H99.01 không có trên Cơ sở dữ liệu quốc gia về TTHC"
    assert selectors.stuck(agency_ids={world["justice"].pk}) == []  # scoped


def test_two_workers_do_not_take_the_same_rows(receive):
    d = receive()
    now = timezone.now()
    first = services._claim(now, 10)
    assert [i.dossier_id for i in first] == [d.pk]
    assert services._claim(now, 10) == []  # leased by the first worker


def test_command_resends_without_doubling(many_events, capsys):
    d = many_events(12)
    call_command("sync_national")
    assert "progress rows: 12 in 2 batches" in capsys.readouterr().out
    call_command("sync_national", "--code", d.code)
    out = capsys.readouterr().out
    assert "queued again: 12" in out and "progress rows: 12 in 2 batches" in out
    assert progress_count(d.code) == 12
    call_command("sync_national", "--since", "2026-03-02")
    assert "queued again: 12" in capsys.readouterr().out


def test_command_refuses_a_bad_moment():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sync_national", "--since", "hôm qua")


def test_task_sends(receive):
    receive()
    assert tasks.sync.delay().get()["rows"] == 1


def test_the_simulator_is_refused_where_simulators_may_not_run(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.ALLOW_SIMULATORS_IN_PRODUCTION = False
    with pytest.raises(ImproperlyConfigured):
        get_transport("simulator")
    settings.NATIONAL_TRANSPORT = ""
    from motcua.national.transports.base import transport_name

    assert transport_name() == "none"
