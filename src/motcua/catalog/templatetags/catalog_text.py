"""Catalogue texts in the reader's language: `{{ version|tr:"name" }}` shows the English text on an
English page when the catalogue has one, else the Vietnamese text marked as Vietnamese only (with
lang="vi", so a screen reader reads it with a Vietnamese voice). `tr_plain` gives the bare text for
places that take no markup (the page title, an attribute)."""
from django import template
from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from motcua.catalog.translation import translated

register = template.Library()

VIETNAMESE_ONLY = mark_safe('<small class="vi-only">(<span lang="vi">chỉ có tiếng Việt</span> / Vietnamese only)</small>')


def _html_text(obj, field: str, text: str) -> str:
    """Escaped text; line breaks of a long text field kept as <br>."""
    html = escape(text)
    if isinstance(obj._meta.get_field(field), models.TextField):
        html = html.replace("\r\n", "\n").replace("\n", "<br>")
    return html


@register.filter
def tr(obj, field: str):
    if obj is None or obj == "":
        return ""
    shown = translated(obj, field)
    html = _html_text(obj, field, shown.text)
    if shown.is_fallback:
        return format_html('<span lang="vi">{}</span> {}', mark_safe(html), VIETNAMESE_ONLY)
    return mark_safe(html)


@register.filter
def tr_plain(obj, field: str) -> str:
    if obj is None or obj == "":
        return ""
    return translated(obj, field).text
