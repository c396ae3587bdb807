"""`{% serving_ticket user dossier %}`: on the counter intake and receipt pages, the queue ticket
the officer has in hand now ("Serving ticket B-023") and the dossier linked to it, with the forms
to link this dossier to it or undo the link (`queueing.intake_link`)."""
from django import template

from ..intake_link import tickets_in_hand

register = template.Library()


@register.inclusion_tag("queueing/_serving_ticket.html", takes_context=True)
def serving_ticket(context, dossier=None):
    request = context["request"]
    return {
        "tickets": list(tickets_in_hand(request.user)), "dossier": dossier, "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
