"""The outbox: written with the event, in its transaction; skipped kinds and legacy imports left out."""
import pytest
from django.db import transaction

from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent
from motcua.national.models import OutboxItem
from motcua.national.services import LEGACY_PLACEHOLDER
from motcua.testing.world import at


def test_every_event_queues_one_row_in_its_transaction(receive, world):
    with transaction.atomic():
        d = receive()
        # Before the commit: the row is part of the same transaction as the event.
        assert OutboxItem.objects.filter(dossier=d).count() == 1
    d = s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 9))
    items = list(OutboxItem.objects.filter(dossier=d).order_by("at"))
    assert [(i.event.kind, i.status, i.acknowledged_at) for i in items] == [
        ("receive_at_counter", 2, None), ("start_processing", 4, None)]


def test_a_rolled_back_action_queues_nothing(receive, world):
    d = receive()
    with pytest.raises(RuntimeError), transaction.atomic():
        s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 9))
        raise RuntimeError("the process dies before the commit")
    assert OutboxItem.objects.filter(dossier=d).count() == 1
    assert DossierEvent.objects.filter(dossier=d).count() == 1


def test_sweep_flags_are_not_sent(receive, world):
    d = receive(when=at(2026, 3, 2, 8))
    s.mark_overdue(now=at(2026, 4, 30, 8))
    assert DossierEvent.objects.filter(dossier=d, kind="overdue").exists()
    assert list(OutboxItem.objects.filter(dossier=d).values_list("event__kind", flat=True)) == ["receive_at_counter"]


def test_legacy_imports_are_not_sent(world):
    from motcua.reports.legacy_import import PLACEHOLDER, import_rows

    assert PLACEHOLDER == LEGACY_PLACEHOLDER  # the mark the legacy import leaves on the people's names
    result = import_rows([{
        "code": "CU-0001", "procedure_code": "1.004227.000.00.00.H99", "agency_code": "000.00.20.H99",
        "service_point_code": "trung-tam", "channel": "1", "received_at": "02/03/2026 08:00",
        "due_at": "16/03/2026 08:00", "status": "2"}])
    assert result.ok, [str(e) for e in result.errors]
    from motcua.dossiers.models import Dossier

    legacy = Dossier.objects.get(code="CU-0001")
    s.start_processing(world["specialist"], legacy, at=at(2026, 3, 3, 9))  # acted on in motcua later
    assert DossierEvent.objects.filter(dossier=legacy).count() == 1
    assert not OutboxItem.objects.filter(dossier=legacy).exists()


def test_sync_can_be_switched_off(receive, settings):
    settings.NATIONAL_SYNC = False
    d = receive()
    assert not OutboxItem.objects.filter(dossier=d).exists()


@pytest.mark.django_db(transaction=True)
def test_a_receipt_outside_a_transaction_writes_its_outbox_row_in_the_same_statement(receive, world):
    # On PostgreSQL the receipt is one SQL statement in its own implicit transaction (no save(),
    # no post_save): the outbox row is part of that statement (dossiers.receipt_sql.EVENT_COMPANIONS).
    d = receive()
    item = OutboxItem.objects.get(dossier=d)
    assert (item.event.kind, item.status, item.at, item.acknowledged_at) == ("receive_at_counter", 2, d.received_at, None)
