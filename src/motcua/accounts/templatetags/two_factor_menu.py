"""The officers' menu link to their two-factor sign-in (backoffice base template)."""
from django import template

from motcua.accounts import two_factor

register = template.Library()


@register.filter
def may_manage_two_factor(user) -> bool:
    """An officer signed in while two-factor sign-in is on: enrol, replace, new backup codes, disable."""
    return two_factor.enabled() and two_factor.is_officer(user)
