from django import template

from ..procedures.views import may_manage

register = template.Library()


@register.filter
def may_sync_catalogue(user) -> bool:
    """For the officer menu: the catalogue sync link, for administrators of the catalogue."""
    return may_manage(user)
