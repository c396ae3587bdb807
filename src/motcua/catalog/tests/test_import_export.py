import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from motcua.catalog import import_export, services
from motcua.catalog.models import (
    DecisionItem,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
)

from .conftest import birth_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org, decision):
    """Three procedures: one with two versions, one abolished, one draft; every table has rows."""
    birth = birth_registration(org, decision=decision)
    draft = services.new_version(birth.procedure)
    services.update_draft(draft, name="Đăng ký khai sinh (sửa đổi)", receiving_agencies=["000.00.10.H99", "000.01.01.H99"])
    services.publish(draft, decision=decision, valid_from=datetime.date(2025, 9, 1))
    old = services.create_procedure(
        "1.000010.000.00.00.H99", "1.000010", name="Cấp bản sao trích lục", field="ho-tich", time_limit=Decimal("0.5"),
        levels=["xa"], competent_agencies=["000.01.01.H99"], is_same_day=True, publish=True,
        valid_from=datetime.date(2024, 1, 1),
        steps=[{"order": 1, "name": "Xử lý", "role": "specialist", "budget_hours": 4,
                "agency": "000.01.01.H99"}],
    )
    services.abolish(old.procedure, decision)
    services.create_procedure(
        "1.004227.000.00.00.H99", "1.004227", name="Đăng ký biến động đất đai", field="dat-dai", time_limit=10,
        time_limit_unit="calendar_days", levels=["tinh"],
    )


def wipe_catalogue():
    """Empty the catalogue tables (bulk deletes, as a maintenance script would)."""
    DecisionItem.objects.all().delete()
    Procedure.objects.update(current_version=None)
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    PublicationDecision.objects.all().delete()
    Field.objects.all().delete()


def test_export_tables_content(catalogue):
    tables = import_export.export_tables()
    assert [(r["code"], r["version"], r["status"]) for r in tables["procedures"]] == [
        ("1.000010.000.00.00.H99", 1, "abolished"),
        ("1.001193.000.00.00.H99", 1, "superseded"),
        ("1.001193.000.00.00.H99", 2, "published"),
        ("1.004227.000.00.00.H99", 1, "draft"),
    ]
    birth_v2 = tables["procedures"][2]
    assert birth_v2["receiving_agencies"] == "000.00.10.H99, 000.01.01.H99"
    assert birth_v2["time_limit"] == "3" and birth_v2["online_time_limit"] == "2"
    assert tables["procedures"][0]["time_limit"] == "0.5"
    assert len(tables["cases"]) == 4 and len(tables["documents"]) == 6 and len(tables["steps"]) == 9
    assert tables["exemptions"] == [
        {"procedure": "1.001193.000.00.00.H99", "version": v, "fee_no": 1, "beneficiary": "Hộ nghèo", "percent": 100,
         "legal_basis": "TT 85/2019", "beneficiary_en": ""}
        for v in (1, 2)
    ]
    assert [(i["version"], i["action"]) for i in tables["decision_items"]] == [(1, "abolish"), (1, "publish"),
                                                                             (2, "amend")]


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_round_trip_into_empty_database(catalogue, fmt):
    first = import_export.export_catalog(fmt)
    before = import_export.export_tables()
    wipe_catalogue()
    assert ProcedureVersion.objects.count() == 0

    counts = import_export.import_file(first, f"catalog.{fmt}")
    assert counts["procedures"] == 3 and counts["versions"] == 4 and counts["steps"] == 9
    assert import_export.export_tables() == before
    if fmt == "json":
        assert import_export.export_catalog("json") == first
    # the imported catalogue works: current versions, search text, API-visible content
    birth = Procedure.objects.get(code="1.001193.000.00.00.H99")
    assert birth.current_version.number == 2
    assert birth.current_version.search_text.startswith("dang ky khai sinh (sua doi)")
    assert Procedure.objects.get(code="1.000010.000.00.00.H99").current_version is None
    # and stays immutable
    with pytest.raises(ValidationError):
        birth.current_version.documents.first().delete()


def test_management_commands_round_trip(catalogue, tmp_path):
    target = tmp_path / "catalog.xlsx"
    call_command("export_catalog", "--output", str(target), stdout=io.StringIO())
    workbook = load_workbook(target)
    assert workbook.sheetnames == list(import_export.TABLES)
    assert workbook["procedures"]["A1"].value == "code"
    assert workbook["procedures"].max_row == 5
    before = import_export.export_tables()
    wipe_catalogue()
    out = io.StringIO()
    call_command("import_catalog", str(target), stdout=out)
    assert "procedures 3" in out.getvalue()
    assert import_export.export_tables() == before


def bad_json(catalogue_tables):
    return json.dumps({"format": "motcua-catalog", "format_version": 1} | catalogue_tables).encode()


def test_bad_rows_are_all_reported_and_nothing_changes(catalogue):
    tables = import_export.export_tables()
    tables["procedures"][0]["time_limit"] = "năm"  # row 1
    tables["procedures"][2]["field"] = "khong-co"  # row 3
    tables["procedures"][3]["levels"] = "tinh, huyen-cu"  # row 4
    tables["documents"][1]["originals"] = 0  # row 2: no original and no copy
    tables["documents"][1]["copies"] = 0
    tables["documents"][1]["certified_copies"] = 0
    tables["steps"][0]["agency"] = "000.00.99.H99"
    tables["fees"][0]["case"] = "khong-co"
    tables["cases"].append({"procedure": "9.999", "version": 1, "code": "x", "name": "X", "order": 1})
    wipe_catalogue()
    Field.objects.create(code="ho-tich", name="Hộ tịch (tên cũ)")

    with translation.override("en"), pytest.raises(import_export.ImportFailed) as failure:
        import_export.import_file(bad_json(tables), "catalog.json")
    errors = failure.value.errors
    assert "Sheet procedures, row 1: time_limit: 'năm' is not a number." in errors
    assert "Sheet procedures, row 3: unknown field code khong-co." in errors
    assert "Sheet procedures, row 4: levels: unknown code(s) huyen-cu." in errors
    assert "Sheet documents, row 2: A document needs at least one original or copy." in errors
    assert "Sheet steps, row 1: unknown agency identifier code 000.00.99.H99." in errors
    assert "Sheet fees, row 1: unknown case code khong-co for this version." in errors
    assert any(e.startswith("Sheet cases, row 5: version 1 of procedure 9.999 is not in the procedures") for e in errors)
    # nothing written, not even the valid fields and decisions
    assert Field.objects.get().name == "Hộ tịch (tên cũ)"
    assert Procedure.objects.count() == 0 and PublicationDecision.objects.count() == 0


def test_bad_rows_reported_in_vietnamese_with_excel_row_numbers(catalogue):
    data = import_export.export_catalog("xlsx")
    workbook = load_workbook(io.BytesIO(data))
    workbook["steps"]["I3"] = 999  # budget_hours of data row 2 -> the whole procedure exceeds its limit
    workbook["fees"]["G2"] = -5  # amount
    buffer = io.BytesIO()
    workbook.save(buffer)
    wipe_catalogue()
    with translation.override("vi"), pytest.raises(import_export.ImportFailed) as failure:
        import_export.import_file(buffer.getvalue(), "catalog.xlsx")
    errors = failure.value.errors
    assert any(e.startswith("Trang tính fees, dòng 2: amount:") for e in errors), errors
    budget = [e for e in errors if "vượt thời hạn giải quyết" in e]
    assert budget and all(e.startswith("Trang tính procedures, dòng 3:") for e in budget), errors
    assert ProcedureVersion.objects.count() == 0


def test_existing_procedure_is_refused(catalogue):
    data = import_export.export_catalog("json")
    with translation.override("en"), pytest.raises(import_export.ImportFailed) as failure:
        import_export.import_file(data, "again.json")
    assert failure.value.errors[0].startswith(
        "Sheet procedures, row 1: procedure 1.000010.000.00.00.H99 already exists in the database"
    )
    assert ProcessStep.objects.count() == 9


@pytest.mark.parametrize(
    "filename, data, message",
    [
        ("x.csv", b"a,b", "Unknown file type x.csv"),
        ("x.json", b"{not json", "The file is not valid JSON"),
        ("x.json", b'{"format": "other"}', "not a motcua catalogue export"),
        ("x.xlsx", b"PK not really", "not a readable Excel workbook"),
    ],
)
def test_unreadable_files(db, filename, data, message):
    with translation.override("en"), pytest.raises(import_export.ImportFailed) as failure:
        import_export.import_file(data, filename)
    assert message in failure.value.errors[0]


def test_import_command_reports_rows_and_fails(catalogue, tmp_path):
    tables = import_export.export_tables()
    tables["procedures"][1]["status"] = "lost"
    wipe_catalogue()
    path = tmp_path / "bad.json"
    path.write_bytes(bad_json(tables))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_catalog", str(path), stderr=err)
    assert "Sheet procedures, row 2: unknown status lost." in err.getvalue()
    assert Procedure.objects.count() == 0


@pytest.fixture
def english_catalogue(org, decision):
    """A published procedure translated into English (name, texts, a case, a document, a fee with its
    exemption, a step) and its field's English name."""
    Field.objects.filter(code="ho-tich").update(name_en="Civil status")
    version = birth_registration(org, decision=decision, name_en="Birth registration",
                                 requirements_en="Within 60 days.\nIn person.", result_description_en="Birth certificate")
    version.cases.filter(code="qua-han").update(name_en="Late registration")
    version.documents.filter(order=1).update(name_en="Birth registration form")
    version.fees.update(name_en="Birth registration charge", description_en="per certificate")
    version.fees.get().exemptions.update(beneficiary_en="Poor households")
    version.steps.filter(order=1).update(name_en="Receive the dossier")
    return version


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_english_columns_round_trip(english_catalogue, fmt):
    data = import_export.export_catalog(fmt)
    before = import_export.export_tables()
    assert before["fields"][1] == {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"}
    version_row = before["procedures"][0]
    assert (version_row["name_en"], version_row["requirements_en"], version_row["result_description_en"]) == (
        "Birth registration", "Within 60 days.\nIn person.", "Birth certificate")
    assert [d["name_en"] for d in before["documents"]] == ["Birth registration form", "", ""]
    assert before["fees"][0]["name_en"] == "Birth registration charge"
    assert before["exemptions"][0]["beneficiary_en"] == "Poor households"
    if fmt == "xlsx":  # the English columns come last in each sheet
        header = [c.value for c in load_workbook(io.BytesIO(data))["procedures"][1]]
        assert header[-4:] == ["name_en", "description_en", "requirements_en", "result_description_en"]
    wipe_catalogue()
    import_export.import_file(data, f"catalog.{fmt}")
    assert import_export.export_tables() == before
    version = Procedure.objects.get().current_version
    assert version.name_en == "Birth registration" and "birth registration" in version.search_text
    assert version.fees.get().exemptions.get().beneficiary_en == "Poor households"


def test_a_file_without_english_columns_still_imports(english_catalogue):
    tables = import_export.export_tables()
    for name, columns in import_export.TRANSLATION_COLUMNS.items():
        for row in tables[name]:
            for column in columns:
                del row[column]
    wipe_catalogue()
    Field.objects.create(code="ho-tich", name="Hộ tịch", name_en="Civil status")
    import_export.import_file(bad_json(tables), "old.json")
    version = Procedure.objects.get().current_version
    assert version.name_en == "" and set(version.documents.values_list("name_en", flat=True)) == {""}
    # an existing field keeps its English name when the file has no such column
    assert Field.objects.get(code="ho-tich").name_en == "Civil status"
