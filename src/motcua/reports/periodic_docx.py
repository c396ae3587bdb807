"""The periodic report as Word, in the format of Decree 30/2020/NĐ-CP (Appendix I):

A4 portrait, margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; body 14 pt
(tables 11-12 pt); page numbers centred in the header from page 2; the header as a borderless
two-column table (parent body 13 pt, issuing body bold 13 pt over a short rule, "Số: .../BC-..."
13 pt | the national motto bold 13 pt, "Độc lập - Tự do - Hạnh phúc" bold 14 pt over a rule,
place and date italic 14 pt); "BÁO CÁO" bold 14 pt and its subtitle bold 14 pt; the body with
first-line indent 1 cm and 6 pt between paragraphs; the wide 06a table on a landscape A4 page; the
closing borderless table: "Nơi nhận:" bold italic 12 pt with its list in 11 pt | the signer's
title bold 14 pt, room to sign and seal, the name bold 14 pt.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _all_scripts_in_font(rpr):
    """Word picks a font per script: name FONT for all four, or Vietnamese letters fall back."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _font(run, size=None, bold=None, italic=None):
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    _all_scripts_in_font(rpr)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _para(container, text="", *, size=BODY_PT, bold=False, italic=False, align=None, indent=False,
          before=0, after=0):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1)
    if align is not None:
        paragraph.alignment = align
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(paragraph, width_cm: float, cell_width_cm: float):
    """A short centred rule under a header line: the bottom border of a paragraph indented so that
    only `width_cm` of it is left."""
    side = max((cell_width_cm - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(side)
    paragraph.paragraph_format.right_indent = Cm(side)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page(section, landscape=False):
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)


def _page_number(section):
    """Centred page number in the header, none on the first page (Decree 30)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _font(paragraph.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _borderless(document, rows, cols, widths_cm):
    table = document.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    return table


def _cell_text(cell, text, *, size, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
    _font(paragraph.add_run(str(text)), size, bold)


def _header(document, header: dict):
    left, right = 6.5, 10.0
    table = _borderless(document, 1, 2, (left, right))
    a, b = table.rows[0].cells
    a.paragraphs[0].text = ""
    first = a.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if header["parent"]:
        _font(first.add_run(header["parent"]), 13)
        _para(a, header["body"], size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        _font(first.add_run(header["body"]), 13, True)
    _rule(_para(a, size=6, align=WD_ALIGN_PARAGRAPH.CENTER), 2.2, left)
    _para(a, header["number"], size=13, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    motto, slogan = header["motto"]
    top = b.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(top.add_run(motto), 13, True)
    _para(b, slogan, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(_para(b, size=6, align=WD_ALIGN_PARAGRAPH.CENTER), 5.6, right)
    _para(b, header["dated"], size=14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)


def _grid(document, headings, rows, *, size=12):
    table = document.add_table(rows=1 + len(rows), cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headings):
        _cell_text(table.rows[0].cells[i], text, size=size, bold=True)
    for r, values in enumerate(rows, start=1):
        for i, value in enumerate(values):
            _cell_text(table.rows[r].cells[i], value, size=size,
                       align=WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _grouped(document, header_rows, rows, options, width_cm):
    cols = sum(colspan for _text, colspan, _rowspan in header_rows[0])
    numbers = options.get("number_row")
    total_rows = len(header_rows) + (1 if numbers else 0) + len(rows)
    table = document.add_table(rows=total_rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = options.get("widths") or [1] * cols
    for row in table.rows:
        for cell, weight in zip(row.cells, weights):
            cell.width = Cm(width_cm * weight / sum(weights))
    taken = set()
    for r, header in enumerate(header_rows):
        c = 0
        for text, colspan, rowspan in header:
            while (r, c) in taken:
                c += 1
            cell = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    taken.add((rr, cc))
            cell.text = ""
            _cell_text(cell, text, size=11, bold=True)
            c += colspan
    offset = len(header_rows)
    if numbers:
        for c, text in enumerate(numbers):
            _cell_text(table.cell(offset, c), text, size=10)
        offset += 1
    for r, values in enumerate(rows):
        last = options.get("bold_last_row") and r == len(rows) - 1
        for c, value in enumerate(values):
            _cell_text(table.cell(offset + r, c), value, size=11, bold=bool(last),
                       align=WD_ALIGN_PARAGRAPH.LEFT if c == 1 else WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _closing(document, content: dict):
    left, right = 7.5, 9.0
    table = _borderless(document, 1, 2, (left, right))
    a, b = table.rows[0].cells
    first = a.paragraphs[0]
    _font(first.add_run("Nơi nhận:"), 12, True, True)
    for line in content["recipients"]:
        _para(a, f"- {line}", size=11)
    top = b.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(top.add_run(content["signer"]["title"]), 14, True)
    for _n in range(4):  # room for the signature and the seal
        _para(b, "", size=14)
    _para(b, content["signer"]["name"] or "", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def render(content: dict) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    _all_scripts_in_font(rpr)
    section = document.sections[0]
    _page(section)
    _page_number(section)
    # A content without a header, title or signer (a section rendered on its own) leaves them out.
    if content.get("header"):
        _header(document, content["header"])
        _para(document, content["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    for key, italic in (("subtitle", False), ("period", True)):
        if content.get(key):
            _para(document, content[key], bold=not italic, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER,
                  after=12 if italic else 0)
    for block in content["blocks"]:
        kind = block[0]
        if kind in ("title", "subtitle"):
            _para(document, block[1], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif kind == "heading":
            _para(document, block[1], bold=True, indent=True, before=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif kind == "bullet":
            _para(document, f"- {block[1]}", indent=True, before=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif kind == "paragraph":
            _para(document, block[1], italic=True, indent=True, before=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        elif kind == "table":
            _para(document, size=6)
            _grid(document, block[1], block[2])
            _para(document, size=6)
        elif kind == "grouped_table":
            options = block[3] if len(block) > 3 else {}
            landscape = options.get("landscape")
            if landscape:
                _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
            width = ((297 if landscape else 210) - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
            _para(document, size=6)
            _grouped(document, block[1], block[2], options, width)
            if landscape:
                _page(document.add_section(WD_SECTION.NEW_PAGE))
    if content.get("signer"):
        _para(document, size=BODY_PT)
        _closing(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
