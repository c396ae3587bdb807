"""The page layout shared by the official forms, on fpdf2 (pure Python, no system libraries).

Vietnamese needs a Unicode TrueType font with every precomposed letter (ặ, ỹ, ữ, Đ ...): Roboto,
shipped by the `font-roboto` package from PyPI, has them all. fpdf2 embeds a subset of the font
with a ToUnicode map, so the PDF's text can be searched and extracted.
"""
import logging
from datetime import date, datetime
from pathlib import Path

import font_roboto
import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT_DIR = Path(font_roboto.font_directory)
FONT = "Roboto"
FONT_FILES = {"": "Roboto-Regular.ttf", "B": "Roboto-Bold.ttf", "I": "Roboto-Italic.ttf", "BI": "Roboto-BoldItalic.ttf"}

# fontTools logs every font subsetting at INFO; the root logger would print pages of it.
logging.getLogger("fontTools").setLevel(logging.WARNING)

NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def format_datetime(moment: datetime | None) -> str:
    """'14 giờ 30 phút, ngày 23/11/2026' in local time; empty when unknown."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return _("%(hour)s:%(minute)s, %(date)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "date": f"{local:%d/%m/%Y}",
    }


def format_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day:%d/%m/%Y}"


class FormPDF(FPDF):
    """An A4 page with the Roboto family and helpers for the parts every form shares."""

    def __init__(self, title: str, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for style, filename in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / filename))
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.set_title(title)
        self.set_creator("motcua")
        self.alias_nb_pages()
        self.add_page()
        self.set_font(FONT, size=11)

    # -- header ---------------------------------------------------------------------------
    def national_header(self, form_number: str, parent_agency: str, agency: str, place: str, issued_on: date):
        """Form number, agency block on the left, national motto on the right, place and date."""
        self.set_font(FONT, "B", 10)
        self.cell(0, 5, form_number, align="R", **NEXT_LINE)
        top = self.get_y() + 1
        left_width = 75
        right_x = self.l_margin + left_width + 2
        right_width = self.epw - left_width - 2

        self.set_xy(self.l_margin, top)
        self.set_font(FONT, "", 10)
        if parent_agency:
            self.multi_cell(left_width, 5, parent_agency.upper(), align="C", **NEXT_LINE)
        self.set_font(FONT, "B", 10)
        self.multi_cell(left_width, 5, agency.upper(), align="C", **NEXT_LINE)
        self._rule(self.l_margin + left_width / 2, self.get_y() + 0.5, 25)
        left_bottom = self.get_y()

        self.set_xy(right_x, top)
        self.set_font(FONT, "B", 10)
        self.multi_cell(right_width, 5, _("SOCIALIST REPUBLIC OF VIET NAM"), align="C")
        self.set_x(right_x)
        self.set_font(FONT, "B", 11)
        self.multi_cell(right_width, 5, _("Independence - Freedom - Happiness"), align="C")
        self._rule(right_x + right_width / 2, self.get_y() + 0.5, 55)
        self.set_xy(right_x, self.get_y() + 3)
        self.set_font(FONT, "I", 10)
        dated = _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
            "place": place or "......",
            "day": f"{issued_on:%d}",
            "month": f"{issued_on:%m}",
            "year": issued_on.year,
        }
        self.multi_cell(right_width, 5, dated.strip(", "), align="C")
        self.set_y(max(left_bottom, self.get_y()) + 6)

    def _rule(self, centre_x: float, y: float, width: float):
        self.set_line_width(0.3)
        self.line(centre_x - width / 2, y, centre_x + width / 2, y)

    def form_title(self, text: str, subtitle: str = ""):
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 6, text.upper(), align="C", **NEXT_LINE)
        if subtitle:
            self.set_font(FONT, "B", 11)
            self.multi_cell(0, 6, subtitle, align="C", **NEXT_LINE)
        self.ln(3)
        self.set_font(FONT, "", 11)

    # -- body -----------------------------------------------------------------------------
    def paragraph(self, text: str, style: str = "", size: float = 11, align: str = "J"):
        self.set_font(FONT, style, size)
        self.multi_cell(0, 6, text, align=align, **NEXT_LINE)
        self.set_font(FONT, "", 11)

    def field(self, label: str, value: str):
        """'Label: value' with the label in bold, wrapping under the value."""
        self.set_font(FONT, "", 11)
        self.multi_cell(0, 6, f"**{label}:** {value}", markdown=True, **NEXT_LINE)

    def bullet_list(self, items: list[str]):
        for number, item in enumerate(items, start=1):
            self.set_x(self.l_margin + 5)
            self.multi_cell(0, 6, f"{number}. {item}", **NEXT_LINE)

    def grid(self, headings: list[str], rows: list[list[str]], col_widths: tuple, font_size: float = 10):
        """A bordered table whose headings repeat on each page."""
        self.set_font(FONT, "", font_size)
        with self.table(
            col_widths=col_widths,
            text_align="LEFT",
            line_height=5,
            headings_style=FontFace(emphasis="BOLD"),
            padding=1,
            align="LEFT",
            width=sum(col_widths),
        ) as table:
            heading = table.row()
            for text in headings:
                heading.cell(text, align="C")
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(str(value))
        self.ln(3)
        self.set_font(FONT, "", 11)

    def signatures(self, left_title: str, right_title: str, left_name: str = "", right_name: str = ""):
        """Two signature blocks side by side (e.g. the applicant and the receiving officer)."""
        self.ln(4)
        if self.will_page_break(35):
            self.add_page()
        half = self.epw / 2
        y = self.get_y()
        for index, (title, name) in enumerate(((left_title, left_name), (right_title, right_name))):
            if not title:
                continue
            x = self.l_margin + index * half
            self.set_xy(x, y)
            self.set_font(FONT, "B", 11)
            self.multi_cell(half, 5, title.upper(), align="C")
            self.set_x(x)
            self.set_font(FONT, "I", 10)
            self.multi_cell(half, 5, _("(Signature and full name)"), align="C")
            if name:
                self.set_xy(x, y + 28)
                self.set_font(FONT, "B", 11)
                self.multi_cell(half, 5, name, align="C")
        self.set_y(y + 36)
        self.set_font(FONT, "", 11)

    def qr_code(self, data: str, x: float, y: float, size: float = 28):
        """Draw a QR code as filled squares: vector, crisp at any zoom, no image library needed."""
        qr = segno.make(data, error="m")
        matrix = list(qr.matrix_iter(scale=1, border=2))
        module = size / len(matrix)
        self.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(matrix):
            for col_index, dark in enumerate(row):
                if dark:
                    self.rect(x + col_index * module, y + row_index * module, module, module, style="F")

    def to_bytes(self) -> bytes:
        return bytes(self.output())
