from django import template

register = template.Library()


@register.filter
def dong(value):
    """50000 -> "50.000 đ" (Vietnamese thousands separator)."""
    try:
        return f"{int(value):,} đ".replace(",", ".")
    except (TypeError, ValueError):
        return ""
