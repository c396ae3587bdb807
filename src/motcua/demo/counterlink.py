"""The demo's queue tickets linked to dossiers and rated on the counter tablet (issue 12): at Bến
Đò, the first ticket of the demo morning (demo/queues.py) carries a dossier received there, and
the served tickets are rated, so that the counter panel, the ratings page and the dashboard's
queue section show figures. Called by `load_demo` after the queues; safe to run again."""
from __future__ import annotations

from django.db import transaction

# Levels given to the served tickets of the demo morning, in order (the long waits rate lower).
LEVELS = [("very_satisfied", []), ("very_satisfied", ["courteous"]), ("satisfied", []),
          ("satisfied", ["long_wait"]), ("dissatisfied", ["long_wait"]), ("very_satisfied", ["clear_guidance"])]


@transaction.atomic
def load_demo_counter_links() -> dict:
    from motcua.dossiers.models import Dossier
    from motcua.feedback import ratings
    from motcua.feedback.models import TicketRating
    from motcua.queueing import intake_link
    from motcua.queueing.models import Ticket, TicketStatus

    served = list(Ticket.objects.filter(queue__service_point__code="mot-cua-ben-do", status=TicketStatus.DONE)
                  .select_related("counter", "served_by").order_by("service_date", "number"))
    if not served or TicketRating.objects.filter(ticket__in=served).exists():
        return {}
    linked = 0
    dossier = Dossier.objects.filter(service_point__code="mot-cua-ben-do").order_by("pk").first()
    first = served[0]
    if dossier is not None and first.served_by is not None:
        intake_link.link_dossier(first.served_by, first, dossier, now=first.ended_at)
        linked = 1
    for ticket, (level, reasons) in zip(served, LEVELS):
        ratings.rate_ticket(ticket, level=level, reasons=reasons, counter=ticket.counter, at=ticket.ended_at)
    return {k: v for k, v in {"tickets linked to a dossier": linked,
                              "tickets rated": min(len(served), len(LEVELS))}.items() if v}
