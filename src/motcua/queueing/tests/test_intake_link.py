"""The ticket linked to the dossier received while serving it (signal from intake), linked and
unlinked by hand from the intake and receipt pages."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.organization.models import Counter, CounterAssignment, OpeningHours
from motcua.queueing import intake_link, services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Queue, TicketEvent
from motcua.testing.world import MONDAY, at


@pytest.fixture
def desk(world):
    """Counter 3 of the world's centre, for the land agency, with the world's counter officer seated."""
    for weekday in range(5):
        OpeningHours.objects.create(service_point=world["centre"], weekday=weekday, opens=datetime.time(7, 0),
                                    closes=datetime.time(17, 0))
    counter = Counter.objects.create(service_point=world["centre"], number=3, name="Đất đai")
    counter.agencies.add(world["land"])
    CounterAssignment.objects.create(user=world["counter"], counter=counter, agency=world["land"])
    queue = Queue.objects.create(service_point=world["centre"], letter="B", name="Đất đai")
    queue.agencies.set([world["land"]])
    return {"counter": counter, "queue": queue, "officer": world["counter"]}


def serve(desk, when=MONDAY):
    ticket = services.issue_ticket(desk["queue"], now=when)
    ticket = services.call_next(desk["officer"], desk["counter"], now=when + datetime.timedelta(minutes=1))
    return services.start_service(desk["officer"], ticket, now=when + datetime.timedelta(minutes=2))


def test_the_dossier_received_while_serving_is_linked_to_the_ticket(desk, receive,
                                                                     django_capture_on_commit_callbacks):
    ticket = serve(desk)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(at(2026, 3, 2, 8, 10))
    ticket.refresh_from_db()
    assert ticket.dossier == dossier
    event = ticket.events.get(kind=TicketEvent.Kind.LINKED)
    assert (event.actor, event.note, event.counter) == (desk["officer"], dossier.code, desk["counter"])
    # A second dossier for the same person does not replace the first link by itself.
    with django_capture_on_commit_callbacks(execute=True):
        second = receive(at(2026, 3, 2, 8, 15))
    ticket.refresh_from_db()
    assert ticket.dossier == dossier
    # The officer picks the second one by hand, then undoes the link.
    intake_link.link_dossier(desk["officer"], ticket, second, now=at(2026, 3, 2, 8, 16))
    ticket.refresh_from_db()
    assert ticket.dossier == second
    intake_link.unlink_dossier(desk["officer"], ticket, now=at(2026, 3, 2, 8, 17))
    ticket.refresh_from_db()
    assert ticket.dossier is None
    assert list(ticket.events.filter(kind__in=("linked", "unlinked")).values_list("kind", "note")) == [
        ("linked", dossier.code), ("linked", second.code), ("unlinked", second.code)]


def test_no_ticket_in_hand_no_link(desk, receive, django_capture_on_commit_callbacks):
    ticket = serve(desk)
    services.end_service(desk["officer"], ticket, now=at(2026, 3, 2, 8, 5))
    with django_capture_on_commit_callbacks(execute=True):
        receive(at(2026, 3, 2, 8, 10))
    ticket.refresh_from_db()
    assert ticket.dossier is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the receipt's one statement is PostgreSQL's")
def test_the_receipt_statement_answers_whether_anyone_holds_a_ticket(desk, receive,
                                                                     django_capture_on_commit_callbacks):
    from motcua.dossiers.signals import dossier_event_committed

    events = []
    dossier_event_committed.connect(lambda sender, event, **kw: events.append(event), weak=False,
                                    dispatch_uid="test-receipt-answer")
    try:
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            first = receive(at(2026, 3, 2, 8, 0))
        # Nobody holds a ticket yet: the receipt said so, and the link looked nothing up.
        assert events[-1].receipt_answers == {intake_link.QUESTION: False}
        assert not [q for q in queries.captured_queries if "queueing_ticket" in q["sql"]]
        ticket = serve(desk)
        with django_capture_on_commit_callbacks(execute=True):
            second = receive(at(2026, 3, 2, 8, 10))
        assert events[-1].receipt_answers == {intake_link.QUESTION: True}
    finally:
        dossier_event_committed.disconnect(dispatch_uid="test-receipt-answer")
    ticket.refresh_from_db()
    assert ticket.dossier == second and ticket.dossier != first


def test_only_the_officer_seated_there_links_and_not_another_day(desk, receive, world):
    ticket = serve(desk)
    dossier = receive(at(2026, 3, 2, 8, 10))
    with pytest.raises(QueueError) as refused:
        intake_link.link_dossier(world["specialist"], ticket, dossier, now=at(2026, 3, 2, 8, 11))
    assert refused.value.code == "not_assigned"
    with pytest.raises(QueueError) as refused:
        intake_link.link_dossier(desk["officer"], ticket, dossier, now=at(2026, 3, 3, 8, 11))
    assert refused.value.code == "other_day"
    with pytest.raises(QueueError) as refused:
        intake_link.unlink_dossier(desk["officer"], ticket, now=at(2026, 3, 2, 8, 12))
    assert "không có hồ sơ" in refused.value.message.lower()


def test_intake_and_receipt_pages_show_the_ticket_and_link_by_hand(desk, receive, client, world, time_machine,
                                                                    django_capture_on_commit_callbacks):
    time_machine.move_to(at(2026, 3, 2, 8, 0), tick=False)
    ticket = serve(desk, at(2026, 3, 2, 7, 58))
    client.force_login(desk["officer"])
    page = client.get(reverse("backoffice:intake")).content.decode()
    assert "Đang phục vụ số <strong>B-001</strong>" in page
    dossier = receive(at(2026, 3, 2, 7, 59))  # no on-commit callbacks: not linked by the signal
    receipt = reverse("backoffice:receipt", args=[dossier.code])
    page = client.get(receipt).content.decode()
    assert f"Gắn hồ sơ {dossier.code} với số B-001" in page
    url = reverse("queueing_officer:dossier_link", args=[ticket.pk])
    response = client.post(url, {"action": "link", "code": dossier.code, "next": receipt})
    assert response.status_code == 302 and response["Location"] == receipt
    ticket.refresh_from_db()
    assert ticket.dossier == dossier
    panel = client.get(reverse("queueing_officer:panel")).content.decode()
    assert dossier.code in panel
    assert client.post(url, {"action": "unlink", "next": "https://evil.example/"})["Location"] == reverse(
        "queueing_officer:panel")
    ticket.refresh_from_db()
    assert ticket.dossier is None
    assert client.post(url, {"action": "link", "code": "KHONG-CO"}).status_code == 400
    assert client.post(url, {"action": "unlink"}).status_code == 409  # nothing linked any more
    client.force_login(world["justice_counter"])  # not seated at this counter
    assert client.post(url, {"action": "unlink"}).status_code == 404
