"""report_06a: CSV with the English column names, Excel with the form's Vietnamese headings."""
import csv
import io

import pytest
from django.core.management import CommandError, call_command

from motcua.reports.dossier_table import COLUMNS, RATES
from motcua.reports.legacy_import import import_rows

from .conftest import at, row

ARGS = ["--from", "2022-03-01", "--to", "2022-03-31"]


@pytest.fixture
def march(world):
    result = import_rows([
        row("A", at(2022, 2, 20), due_at=at(2022, 3, 10), finished_at=at(2022, 3, 8)),
        row("B", at(2022, 3, 2), channel=2, due_at=at(2022, 3, 16), finished_at=at(2022, 3, 16, 15)),
        row("C", at(2022, 3, 3), channel=3, status=4, due_at=at(2022, 3, 17)),
        row("D", at(2022, 3, 3), status=9, due_at=at(2022, 3, 4), finished_at=at(2022, 3, 7),
            procedure="1.001193.000.00.00.H99", agency="000.21.20.H99", service_point="mot-cua-phuong"),
    ])
    assert result.ok
    return world


@pytest.mark.django_db
def test_csv_has_the_stable_english_names_and_a_total_row(march):
    out = io.StringIO()
    call_command("report_06a", *ARGS, "--group-by", "field", "--format", "csv", stdout=out)
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(lines[0].keys()) == ["key", "code", "name", *COLUMNS, *RATES]
    by_code = {line["code"]: line for line in lines}
    assert by_code["dat-dai"]["carried_over"] == "1" and by_code["dat-dai"]["new_total"] == "2"
    assert by_code["dat-dai"]["pending_overdue"] == "1" and by_code["ho-tich"]["late"] == "1"
    total = lines[-1]
    assert total["key"] == "total" and total["name"] == "Tổng cộng"
    assert (total["to_resolve"], total["resolved"], total["early"], total["on_time"], total["late"]) == (
        "4", "3", "1", "1", "1")
    assert total["early_rate"] == "33.333"


@pytest.mark.django_db
def test_xlsx_has_the_official_headings_and_figures(march, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "06a.xlsx"
    call_command("report_06a", *ARGS, "--group-by", "agency", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    cells = {c.value for r in sheet.iter_rows() for c in r if c.value is not None}
    for heading in ("Biểu số II.06a/VPCP/KSTT", "Số hồ sơ nhận giải quyết", "Kết quả giải quyết",
                    "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước chuyển qua",
                    "Số hồ sơ đã giải quyết", "Trả trước hạn", "Trả đúng thời hạn", "Trả quá hạn",
                    "Số hồ sơ đang giải quyết", "Chưa đến hạn", "Quá hạn", "Cơ quan, đơn vị",
                    "Kỳ báo cáo: từ ngày 01/03/2022 đến ngày 31/03/2022"):
        assert heading in cells, heading
    rows = {r[1]: r[2:] for r in sheet.iter_rows(min_row=9, values_only=True) if r[1]}
    # (1) total, (2) online, (3) counter+post, (3a), (3b), (4) carried, (5)..(8), (9)..(11)
    assert rows["Sở Nông nghiệp và Môi trường"] == (3, 1, 1, 0, 1, 1, 2, 1, 1, 0, 1, 0, 1)
    assert rows["UBND phường Trung Tâm"] == (1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0)
    assert rows["Tổng cộng"] == (4, 1, 2, 1, 1, 1, 3, 1, 1, 1, 1, 0, 1)
    assert "Tỷ lệ hồ sơ giải quyết trước hạn/số hồ sơ đã giải quyết: 33,333%" in cells


@pytest.mark.django_db
def test_bad_arguments_give_clear_messages(march):
    with pytest.raises(CommandError, match="không phải là ngày"):
        call_command("report_06a", "--from", "2022-02-30", "--to", "2022-03-31")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("report_06a", "--from", "2022-02-30", "--to", "2022-03-31", "--lang", "en")
    with pytest.raises(CommandError, match="không được trước ngày bắt đầu"):
        call_command("report_06a", "--from", "2022-03-31", "--to", "2022-03-01")
    with pytest.raises(CommandError, match="Nơi tiếp nhận “nowhere” không tồn tại"):
        call_command("report_06a", *ARGS, "--service-point", "nowhere")
    with pytest.raises(CommandError, match="--output"):
        call_command("report_06a", *ARGS, "--format", "xlsx")
