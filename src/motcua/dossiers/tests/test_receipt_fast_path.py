"""The receipt outside a caller's transaction (one statement on PostgreSQL, its own transaction)
and the prepared receipt statement."""
import pytest
from django.db import connection

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStep
from motcua.dossiers.signals import dossier_event_committed
from motcua.testing.world import APPLICANT, MONDAY, documents_for


@pytest.mark.django_db(transaction=True)
def test_receipt_outside_a_transaction_writes_every_row_and_signals_once(world):
    seen = []

    def listener(sender, event=None, **kwargs):
        # Sent after the commit: the rows are visible to a fresh read.
        seen.append((event.kind, Dossier.objects.filter(pk=event.dossier_id).exists()))

    dossier_event_committed.connect(listener, dispatch_uid="test-fast-path")
    try:
        first = services.receive_at_counter(
            world["counter"], procedure_version=world["version"], applicant=APPLICANT,
            documents=documents_for(world), service_point=world["centre"], received_at=MONDAY,
        )
        second = services.receive_at_counter(
            world["counter"], procedure_version=world["version"], applicant=APPLICANT,
            documents=documents_for(world), service_point=world["centre"], received_at=MONDAY,
        )
    finally:
        dossier_event_committed.disconnect(dispatch_uid="test-fast-path")
    assert seen == [("receive_at_counter", True), ("receive_at_counter", True)]
    assert first.code.endswith("-0001") and second.code.endswith("-0002")
    stored = Dossier.objects.get(pk=first.pk)
    assert stored.code == first.code and stored.status == 2 and stored.due_at == first.due_at
    assert stored.applicant_phone == APPLICANT["phone"] and stored.step_count == 1
    assert DossierDocument.objects.filter(dossier=stored).count() == len(documents_for(world))
    assert DossierStep.objects.filter(dossier=stored, order=1).count() == 1
    assert DossierEvent.objects.get(dossier=stored).kind == "receive_at_counter"


@pytest.mark.django_db(transaction=True)
def test_refused_receipt_outside_a_transaction_leaves_nothing(world):
    with pytest.raises(services.DossierActionError):
        services.receive_at_counter(
            world["counter"], procedure_version=world["version"], applicant={**APPLICANT, "phone": "12"},
            documents=documents_for(world), service_point=world["centre"], received_at=MONDAY,
        )
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL matter")
def test_receipt_statement_is_prepared_once_per_connection(receive):
    receive()
    receive()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'WITH seq AS%%'")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="kept connections and prepared statements: PostgreSQL")
def test_public_tracking_survives_a_dropped_kept_connection(world):
    import psycopg

    from motcua.dossiers import selectors

    dossier = services.receive_at_counter(
        world["counter"], procedure_version=world["version"], applicant=APPLICANT,
        documents=documents_for(world), service_point=world["centre"], received_at=MONDAY,
    )
    assert selectors.public_tracking(dossier.code)["code"] == dossier.code  # prepares on this connection
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None, user=settings["USER"],
                         password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    data = selectors.public_tracking(dossier.code)
    assert data["code"] == dossier.code and data["status"] == 2
    assert connection.connection.info.backend_pid != pid
