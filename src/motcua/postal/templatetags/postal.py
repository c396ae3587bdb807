"""`{% load postal %}`: the postal panel of the citizen's dossier page and the waybills on public
tracking (the portal's templates include them; the portal never imports this app)."""
from django import template

from .. import selectors, services
from ..models import FINAL_STATUSES, Leg

register = template.Library()


@register.inclusion_tag("postal/_citizen_panel.html", takes_context=True)
def postal_citizen_panel(context, dossier):
    shipments = selectors.shipments_of(dossier)
    visible = [s for s in shipments if s.leg in (Leg.PICKUP, Leg.DELIVERY)]
    delivery_open = any(s.leg == Leg.DELIVERY and s.status not in FINAL_STATUSES for s in shipments)
    ended = dossier.status in (3, 7, 8)
    return {
        "dossier": dossier, "shipments": visible, "choice": selectors.choice_of(dossier, Leg.DELIVERY),
        "may_choose": not delivery_open and not ended and dossier.status != 10,
        "units": services.delivery_units(), "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("postal/_public_tracking.html")
def postal_public_tracking(code):
    return {"rows": selectors.public_tracking(code) if code else []}
