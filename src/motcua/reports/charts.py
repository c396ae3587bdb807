"""Small bar charts as inline SVG, drawn on the server (no JavaScript, no CDN). Figures are written
in the Vietnamese format (58,44; 1.234), like the tables; dashboard.css prints them in colour."""
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from motcua.core.formatting import vn_number


def figure(value: float) -> str:
    """1234 -> '1.234'; 58.4 -> '58,40'; a whole number keeps no decimals."""
    return vn_number(value) if float(value).is_integer() else vn_number(value, 2)


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
            _n(x), _n(y), _n(bar), _n(h), label, figure(value), unit, _n(x + bar / 2), _n(y - 3), figure(value),
            _n(x + bar / 2), height - 12, label))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def hbar_chart(items: list[tuple[str, float]], title: str, maximum: float = 100, width: int = 640,
               value_text=None) -> str:
    """Horizontal bars (a ranking), label on the left, value on the right (`value_text(value)`,
    else the figure in Vietnamese format)."""
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
        shown = value_text(value) if value_text else figure(value)
        parts.append(format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f855a"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" font-size="11">{}</text>',
            label_w - 6, y + 14, label if len(label) <= 40 else label[:39] + "…", label_w, y + 3, _n(w), row - 8,
            label, shown, _n(label_w + w + 4), y + 14, shown))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
