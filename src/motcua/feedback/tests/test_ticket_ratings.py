"""The counter tablet rates the queue ticket just served at its counter (issue 12), and the ticket's
dossier with it once returned; figures per officer."""
import datetime

import pytest
from django.urls import reverse

from motcua.feedback import ratings, selectors
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Rating, TicketRating
from motcua.organization.models import OpeningHours
from motcua.queueing import intake_link, services as queue
from motcua.queueing.models import Queue
from motcua.testing.world import at


@pytest.fixture
def line(world, counter):
    for weekday in range(5):
        OpeningHours.objects.create(service_point=world["centre"], weekday=weekday, opens=datetime.time(7, 0),
                                    closes=datetime.time(17, 0))
    letter = Queue.objects.create(service_point=world["centre"], letter="B", name="Đất đai")
    letter.agencies.set([world["land"]])
    return letter


def served(world, counter, line, start, dossier=None):
    """A ticket issued at `start`, called a minute later, served 10 minutes, optionally with a dossier."""
    officer = world["counter"]
    queue.issue_ticket(line, now=start)
    ticket = queue.call_next(officer, counter, now=start + datetime.timedelta(minutes=1))
    ticket = queue.start_service(officer, ticket, now=start + datetime.timedelta(minutes=2))
    if dossier is not None:
        intake_link.link_dossier(officer, ticket, dossier, now=start + datetime.timedelta(minutes=3))
    return queue.end_service(officer, ticket, now=start + datetime.timedelta(minutes=12))


def test_the_tablet_offers_the_ticket_just_ended_once(world, counter, line, receive):
    dossier = receive(at(2026, 3, 2, 8, 2))
    ticket = served(world, counter, line, at(2026, 3, 2, 8, 0), dossier)
    assert ratings.ticket_offer(counter, now=at(2026, 3, 2, 8, 13)) == ticket
    assert ratings.ticket_offer(counter, now=at(2026, 3, 2, 9, 0)) is None  # past the 30-minute window
    rating = ratings.rate_ticket(ticket, level="satisfied", reasons=["long_wait"], counter=counter,
                                 at=at(2026, 3, 2, 8, 14))
    assert (rating.dossier, rating.officer, rating.counter, rating.agency, rating.reasons) == (
        dossier, world["counter"], counter, world["land"], ["long_wait"])
    assert not Rating.objects.exists()  # the dossier was only received, not returned: no dossier rating
    assert ratings.ticket_offer(counter, now=at(2026, 3, 2, 8, 15)) is None
    with pytest.raises(FeedbackError) as refused:
        ratings.rate_ticket(ticket, level="dissatisfied", counter=counter, at=at(2026, 3, 2, 8, 16))
    assert refused.value.code == "already_rated" and "B-001" in refused.value.message


def test_a_returned_dossier_linked_to_the_ticket_is_rated_too(world, counter, line, returned):
    dossier = returned(at(2026, 3, 2, 8, 0))  # returned Tuesday 3 March 10:00
    ticket = served(world, counter, line, at(2026, 3, 3, 9, 55), dossier)
    ratings.rate_ticket(ticket, level="very_satisfied", counter=counter, at=at(2026, 3, 3, 10, 10))
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.channel, rating.level, rating.counter) == ("kiosk", "very_satisfied", counter)


def test_bad_input_and_wrong_tickets_are_refused(world, counter, line):
    ticket = served(world, counter, line, at(2026, 3, 2, 8, 0))
    with pytest.raises(FeedbackError) as refused:
        ratings.rate_ticket(ticket, level="so-so", counter=counter)
    assert refused.value.code == "invalid"
    queue.issue_ticket(line, now=at(2026, 3, 2, 8, 20))
    waiting = queue.call_next(world["counter"], counter, now=at(2026, 3, 2, 8, 21))
    with pytest.raises(FeedbackError) as refused:
        ratings.rate_ticket(waiting, level="satisfied", counter=counter)
    assert refused.value.code == "not_served"
    assert not TicketRating.objects.exists()


def test_tablet_page_rates_the_ticket_and_counts_per_officer(client, world, counter, line, receive, time_machine):
    dossier = receive(at(2026, 3, 2, 8, 2))
    ticket = served(world, counter, line, at(2026, 3, 2, 8, 0), dossier)
    time_machine.move_to(at(2026, 3, 2, 8, 20), tick=False)
    url = reverse("feedback:kiosk", args=[counter.pk])
    client.force_login(world["counter"])
    page = client.get(url).content.decode()
    assert "B-001" in page and dossier.code in page
    assert client.post(url, {"ticket": "999999", "level": "satisfied"}).status_code == 400
    response = client.post(url, {"ticket": ticket.pk, "level": "dissatisfied", "reasons": ["long_wait"]})
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    assert TicketRating.objects.get(ticket=ticket).level == "dissatisfied"
    assert "B-001" not in client.get(url).content.decode()
    # Two more tickets, both satisfied: per officer 3 ratings, 66.67% satisfied.
    for minute in (25, 45):
        time_machine.move_to(at(2026, 3, 2, 8, minute), tick=False)
        later = served(world, counter, line, at(2026, 3, 2, 8, minute))
        time_machine.move_to(at(2026, 3, 2, 8, minute + 13), tick=False)
        assert client.post(url, {"ticket": later.pk, "level": "satisfied"}).status_code == 200
    rows = selectors.rating_breakdown(TicketRating.objects.all(), "officer")
    assert [(r["label"], r["count"], r["dissatisfied"], r["rate"]) for r in rows] == [("counter", 3, 1, 66.67)]
    page = client.get(reverse("feedback_officer:ratings"), {"from": "2026-03-02", "to": "2026-03-02"})
    assert page.status_code == 200 and 'id="ticket-by-officer"' in page.content.decode()
