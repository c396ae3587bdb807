"""Small bar charts as inline SVG, drawn on the server (no JavaScript, no CDN)."""
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _n(value: float) -> str:
    return f"{value:.1f}"


def bar_chart(items: list[tuple[str, float]], title: str, width: int = 640, height: int = 220,
              unit: str = "") -> str:
    """Vertical bars, one per (label, value), with the value above each bar."""
    if not items:
        return ""
    top = max(value for _label, value in items) or 1
    slot = (width - 40) / len(items)
    bar = max(4.0, slot * 0.7)
    plot = height - 50
    parts = [format_html('<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" class="chart">'
                         '<title>{}</title>', title, width, height, title)]
    for i, (label, value) in enumerate(items):
        h = plot * value / top
        x = 30 + i * slot + (slot - bar) / 2
        y = 20 + plot - h
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#2b6cb0"><title>{}: {}{}</title></rect>'
            '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>'
            '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
            _n(x), _n(y), _n(bar), _n(h), label, value, unit, _n(x + bar / 2), _n(y - 3), f"{value:g}",
            _n(x + bar / 2), height - 12, label))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def hbar_chart(items: list[tuple[str, float]], title: str, maximum: float = 100, width: int = 640,
               value_text=None) -> str:
    """Horizontal bars (a ranking), label on the left, value on the right (`value_text(value)`,
    e.g. Vietnamese format, else the plain number)."""
    if not items:
        return ""
    row = 22
    height = row * len(items) + 10
    label_w, plot = 260, width - 260 - 60
    parts = [format_html('<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" class="chart">'
                         '<title>{}</title>', title, width, height, title)]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = plot * min(value, maximum) / (maximum or 1)
        parts.append(format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f855a"></rect>'
            '<text x="{}" y="{}" font-size="11">{}</text>',
            label_w - 6, y + 14, label[:40], label_w, y + 3, _n(w), row - 8, _n(label_w + w + 4), y + 14,
            value_text(value) if value_text else f"{value:g}"))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
