from django import template

from motcua.documents import selectors

register = template.Library()


@register.filter
def may_see_openings(user) -> bool:
    """Whether the officer nav links to the document access log (managers only)."""
    return selectors.may_see_openings(user)
