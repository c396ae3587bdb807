"""The periodic report as PDF, laid out like the Word draft (Decree 30/2020/NĐ-CP): A4, margins
top 20, bottom 20, left 30, right 15 mm, the header, the title, the body (the 06a table on a
landscape page), "Nơi nhận" and the signature block, page numbers from page 2.

The font: Times New Roman where the machine has it, else a metric-compatible serif (Liberation
Serif, Tinos), else DejaVu Serif; all carry the Vietnamese letters. fpdf2 embeds the TTF it finds.
Without any of them it falls back to the printouts' Roboto (sans-serif, shipped with the project).
"""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

NEXT = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
STYLES = ("", "B", "I", "BI")
CANDIDATES = [
    ("Times New Roman", ["/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman{}.ttf",
                         "/usr/share/fonts/truetype/msttcorefonts/times{}.ttf"],
     {"": "", "B": "_Bold", "I": "_Italic", "BI": "_Bold_Italic"}),
    ("Liberation Serif", ["/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf",
                          "/usr/share/fonts/truetype/liberation/LiberationSerif-{}.ttf"],
     {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}),
    ("Tinos", ["/usr/share/fonts/truetype/croscore/Tinos-{}.ttf"],
     {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}),
    ("DejaVu Serif", ["/usr/share/fonts/truetype/dejavu/DejaVuSerif{}.ttf"],
     {"": "", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"}),
]
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def serif_font() -> tuple[str, dict[str, str]]:
    """(family, {style: path}) of the first candidate with all four styles on this machine."""
    for family, patterns, suffixes in CANDIDATES:
        for pattern in patterns:
            files = {style: pattern.format(suffix) for style, suffix in suffixes.items()}
            if all(Path(path).is_file() for path in files.values()):
                return family, files
    from motcua.printouts.pdf import FONT, FONT_DIR, FONT_FILES

    return FONT, {style: str(FONT_DIR / name) for style, name in FONT_FILES.items()}


class ReportPDF(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.family, files = serif_font()
        for style, path in files.items():
            self.add_font("serif", style, path)
        self.set_margins(MARGINS["left"], MARGINS["top"], MARGINS["right"])
        self.set_auto_page_break(True, margin=MARGINS["bottom"])
        self.set_title(title)
        self.set_creator("motcua")
        self.add_page()

    def header(self):
        if self.page_no() > 1:  # Decree 30: numbered from page 2, centred at the top
            self.set_y(10)
            self.set_font("serif", "", 13)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(MARGINS["top"])

    def text_block(self, text, *, size=14, style="", align="J", indent=True, before=2):
        self.set_font("serif", style, size)
        self.ln(before)
        if not indent:
            self.multi_cell(0, size * 0.45, text, align=align, **NEXT)
            return
        # first line indented 10 mm, the rest justified to the margins (Decree 30)
        with self.text_columns(text_align=align, line_height=1.15) as columns:
            with columns.paragraph(first_line_indent=10) as paragraph:
                paragraph.write(text)
        self.set_x(self.l_margin)

    def fit(self, style: str, size: float, text: str, width: float) -> None:
        """Set the font at `size`, smaller if `text` would not fit on one line of `width` (a wider
        fallback font than Times New Roman)."""
        self.set_font("serif", style, size)
        while size > 9 and self.get_string_width(text) > width - 2:
            size -= 0.5
            self.set_font("serif", style, size)

    def rule(self, centre_x, y, width):
        self.set_line_width(0.3)
        self.line(centre_x - width / 2, y, centre_x + width / 2, y)


def _header(pdf: ReportPDF, header: dict):
    left_w, gap = 68, 2
    right_x = pdf.l_margin + left_w + gap
    right_w = pdf.epw - left_w - gap
    top = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    if header["parent"]:
        pdf.set_font("serif", "", 13)
        pdf.multi_cell(left_w, 6, header["parent"], align="C", **NEXT)
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(left_w, 6, header["body"], align="C", **NEXT)
    pdf.rule(pdf.l_margin + left_w / 2, pdf.get_y() + 0.5, 22)
    pdf.set_y(pdf.get_y() + 3)
    pdf.set_font("serif", "", 13)
    pdf.multi_cell(left_w, 6, header["number"], align="C", **NEXT)
    left_bottom = pdf.get_y()
    motto, slogan = header["motto"]
    pdf.set_xy(right_x, top)
    pdf.fit("B", 13, motto, right_w)
    pdf.multi_cell(right_w, 6, motto, align="C")
    pdf.set_x(right_x)
    pdf.fit("B", 14, slogan, right_w)
    pdf.multi_cell(right_w, 6, slogan, align="C")
    pdf.rule(right_x + right_w / 2, pdf.get_y() + 0.5, pdf.get_string_width(slogan))
    pdf.set_xy(right_x, pdf.get_y() + 3)
    pdf.fit("I", 14, header["dated"], right_w)
    pdf.multi_cell(right_w, 6, header["dated"], align="C")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)


def _grid(pdf: ReportPDF, headings, rows, widths, size=12):
    pdf.set_font("serif", "", size)
    with pdf.table(col_widths=widths, width=sum(widths), line_height=size * 0.45, padding=1,
                   headings_style=FontFace(emphasis="BOLD"), text_align="CENTER") as table:
        heading = table.row()
        for text in headings:
            heading.cell(text)
        for values in rows:
            row = table.row()
            for i, value in enumerate(values):
                row.cell(str(value), align="L" if i == 0 else "C")
    pdf.ln(2)


def _grouped(pdf: ReportPDF, header_rows, rows, options):
    weights = options.get("widths") or [1] * sum(c for _t, c, _r in header_rows[0])
    widths = [pdf.epw * w / sum(weights) for w in weights]
    pdf.set_font("serif", "", 10)
    with pdf.table(col_widths=widths, width=pdf.epw, line_height=4.5, padding=0.8, text_align="CENTER",
                   num_heading_rows=len(header_rows) + (1 if options.get("number_row") else 0),
                   headings_style=FontFace(emphasis="BOLD")) as table:
        for header in header_rows:
            row = table.row()
            for text, colspan, rowspan in header:
                row.cell(text, colspan=colspan, rowspan=rowspan)
        if options.get("number_row"):
            row = table.row()
            for text in options["number_row"]:
                row.cell(text)
        for r, values in enumerate(rows):
            last = options.get("bold_last_row") and r == len(rows) - 1
            row = table.row(style=FontFace(emphasis="BOLD") if last else None)
            for c, value in enumerate(values):
                row.cell(str(value), align="L" if c == 1 else "C")
    pdf.ln(2)


def _closing(pdf: ReportPDF, content: dict):
    if pdf.will_page_break(55):
        pdf.add_page()
    pdf.ln(6)
    left_w = pdf.epw * 0.45
    right_x, right_w = pdf.l_margin + left_w, pdf.epw - left_w
    top = pdf.get_y()
    pdf.set_font("serif", "BI", 12)
    pdf.cell(left_w, 6, "Nơi nhận:", **NEXT)
    pdf.set_font("serif", "", 11)
    for line in content["recipients"]:
        pdf.multi_cell(left_w, 5, f"- {line}", align="L", **NEXT)
    pdf.set_xy(right_x, top)
    pdf.set_font("serif", "B", 14)
    pdf.multi_cell(right_w, 6, content["signer"]["title"], align="C")
    if content["signer"]["name"]:
        pdf.set_xy(right_x, top + 36)
        pdf.multi_cell(right_w, 6, content["signer"]["name"], align="C")


def render(content: dict) -> bytes:
    pdf = ReportPDF(content["title"])
    if content.get("header"):
        _header(pdf, content["header"])
        pdf.text_block(content["title"], style="B", align="C", indent=False, before=6)
    if content.get("subtitle"):
        pdf.text_block(content["subtitle"], style="B", align="C", indent=False, before=0)
    if content.get("period"):
        pdf.text_block(content["period"], style="I", align="C", indent=False, before=0)
    pdf.ln(3)
    for block in content["blocks"]:
        kind = block[0]
        if kind in ("title", "subtitle"):
            pdf.text_block(block[1], style="B", align="C", indent=False)
        elif kind == "heading":
            pdf.text_block(block[1], style="B")
        elif kind == "bullet":
            pdf.text_block(f"- {block[1]}")
        elif kind == "paragraph":
            pdf.text_block(block[1], style="I")
        elif kind == "table":
            headings = block[1]
            pdf.ln(2)
            # the first column holds names (a queue, a group, an agency): wider than the figures
            first = pdf.epw * (0.28 if len(headings) > 3 else 1 / len(headings))
            rest = (pdf.epw - first) / max(len(headings) - 1, 1)
            _grid(pdf, headings, block[2], [first, *([rest] * (len(headings) - 1))],
                  size=12 if len(headings) <= 5 else 10)
        elif kind == "grouped_table":
            options = block[3] if len(block) > 3 else {}
            if options.get("landscape"):
                pdf.add_page(orientation="L")
            _grouped(pdf, block[1], block[2], options)
            if options.get("landscape"):
                pdf.add_page(orientation="P")
    if content.get("signer"):
        _closing(pdf, content)
    return bytes(pdf.output())
