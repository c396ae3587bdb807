"""When a procedure's fees are payable (`ProcedureVersion.fee_payable_at`): in the catalogue, its
import and export (JSON and Excel), the public procedure page and the API."""
import io
import json

import pytest
from django.utils import translation
from openpyxl import load_workbook

from motcua.catalog import import_export
from motcua.catalog.models import Procedure, ProcedureVersion

from .conftest import birth_registration
from .test_import_export import wipe_catalogue

pytestmark = pytest.mark.django_db
PayableAt = ProcedureVersion.FeePayableAt


@pytest.fixture
def two(org, decision):
    birth_registration(org, decision=decision)  # default: at intake
    birth_registration(org, code="1.001194.000.00.00.H99", decision=decision, fee_payable_at=PayableAt.BEFORE_RESULT)


def payable_by_code():
    return dict(ProcedureVersion.objects.values_list("procedure__code", "fee_payable_at"))


def test_default_is_at_intake_and_the_choice_is_kept(two):
    assert payable_by_code() == {"1.001193.000.00.00.H99": "intake", "1.001194.000.00.00.H99": "before_result"}


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_round_trip(two, fmt):
    data = import_export.export_catalog(fmt)
    if fmt == "json":
        rows = json.loads(data)["procedures"]
    else:
        sheet = load_workbook(io.BytesIO(data))["procedures"]
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert sorted(r["fee_payable_at"] for r in rows) == ["before_result", "intake"]
    wipe_catalogue()
    import_export.import_file(data, f"catalog.{fmt}")
    assert payable_by_code() == {"1.001193.000.00.00.H99": "intake", "1.001194.000.00.00.H99": "before_result"}


def test_older_files_without_the_column_get_the_default_and_a_bad_value_is_refused(two):
    tables = import_export.export_tables()
    for row in tables["procedures"]:
        del row["fee_payable_at"]
    wipe_catalogue()
    import_export.import_file(json.dumps({"format": "motcua-catalog", "format_version": 1} | tables).encode(), "c.json")
    assert set(payable_by_code().values()) == {"intake"}

    tables = import_export.export_tables()
    tables["procedures"][1]["fee_payable_at"] = "someday"
    wipe_catalogue()
    with translation.override("en"), pytest.raises(import_export.ImportFailed) as failure:
        import_export.import_file(json.dumps({"format": "motcua-catalog", "format_version": 1} | tables).encode(), "c.json")
    assert any(e.startswith("Sheet procedures, row 2:") and "someday" in e for e in failure.value.errors)
    assert Procedure.objects.count() == 0


def test_public_page_and_api_say_when_to_pay(client, two):
    page = client.get("/thu-tuc/1.001194.000.00.00.H99/").content.decode()
    assert 'id="fee-payable-at"' in page and "Thời điểm nộp" in page and "Trước khi có kết quả giải quyết" in page
    page = client.get("/thu-tuc/1.001193.000.00.00.H99/?lang=en").content.decode()
    assert "When to pay" in page and "At intake" in page
    detail = client.get("/api/v1/procedures/1.001194.000.00.00.H99/").json()
    assert detail["fee_payable_at"] == "before_result"
