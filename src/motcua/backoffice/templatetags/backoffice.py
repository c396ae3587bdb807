from django import template

register = template.Library()


@register.filter
def officer_name(user) -> str:
    """The officer's full name from their staff profile, else the user name; '' for nobody."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.full_name if profile else user.get_username()
