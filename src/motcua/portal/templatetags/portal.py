from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def money(amount) -> str:
    """8000 -> "8.000" in Vietnamese, "8,000" in English (Django's vi format does not group digits)."""
    if amount in (None, ""):
        return ""
    grouped = f"{int(amount):,}"
    return grouped.replace(",", ".") if (get_language() or "vi").startswith("vi") else grouped
