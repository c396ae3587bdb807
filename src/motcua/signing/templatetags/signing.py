"""`{% load signing %}`: the "sign and issue" link on the officer's dossier page and the
verification link of a signed result on the citizen's page (no import of signing elsewhere)."""
from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("signing/_dossier_links.html")
def signing_links(dossier, user=None, officer=False):
    return {
        "dossier": dossier,
        "can_sign": bool(officer and user is not None and selectors.can_sign_now(user, dossier)),
        "signed": selectors.signed_result(dossier),
        "officer": officer,
    }
