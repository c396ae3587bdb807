"""The demo: a Bến Đò ticket linked to a dossier, the served tickets rated on the tablet."""
import io

import pytest
from django.core.management import call_command

from motcua.feedback.models import TicketRating
from motcua.queueing.models import Ticket


@pytest.mark.django_db
def test_the_demo_links_a_ticket_and_rates_the_served_ones():
    call_command("load_demo", "--demo", stdout=io.StringIO())
    first = Ticket.objects.filter(queue__service_point__code="mot-cua-ben-do").order_by("number").first()
    assert first.dossier is not None and first.dossier.service_point.code == "mot-cua-ben-do"
    assert first.events.filter(kind="linked").count() == 1
    rated = TicketRating.objects.filter(ticket__queue__service_point__code="mot-cua-ben-do")
    assert sorted(rated.values_list("level", flat=True)) == [
        "dissatisfied", "satisfied", "satisfied", "very_satisfied", "very_satisfied", "very_satisfied"]
    assert {r.officer.username for r in rated} == {"motcua.bendo"}
    call_command("load_demo", "--demo", stdout=io.StringIO())  # again: nothing added
    assert TicketRating.objects.count() == 6
