"""Legacy import: good files land whole, bad files land not at all, with every bad line named."""
import datetime

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.models import Dossier, Outcome, ReturnChannel, Status
from motcua.reports.legacy_import import COLUMNS, PLACEHOLDER, import_file

from .conftest import at

HEADER = ",".join(COLUMNS)
GOOD = [
    "H-1,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-01 08:00,2022-03-15 17:00,"
    "2022-03-10 10:00,2022-03-11 09:00,10,post,1,0,50000",
    "H-2,1.001193.000.00.00.H99,000.21.20.H99,,2,01/03/2022 09:30,02/03/2022 17:00,,,4,online,0,1,",
    "H-3,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,3,2022-03-01T08:00:00+07:00,2022-03-02 17:00,"
    "2022-03-03 08:00,,9,,1,1,20000",
]


def write(tmp_path, lines, name="file.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_good_file_is_imported_with_derived_columns(world, tmp_path):
    result = import_file(write(tmp_path, GOOD))
    assert result.ok and result.imported == 3
    one = Dossier.objects.get(code="H-1")
    assert one.status == Status.RETURNED and one.channel_in == 1
    assert one.received_at == at(2022, 3, 1, 8) and one.due_at == at(2022, 3, 15, 17)
    assert one.finished_at == at(2022, 3, 10, 10) and one.returned_at == at(2022, 3, 11, 9)
    assert one.outcome == Outcome.EARLY
    assert one.return_channel == ReturnChannel.POST and one.fee_due == one.fee_paid == 50000
    assert one.field == world["land_field"] and one.level == world["province"]
    assert one.procedure_version == world["land_version"]
    assert one.competent_agency == one.receiving_agency == world["land"]
    assert one.service_point == world["centre"] and one.current_agency is None
    assert one.applicant_name == one.owner_name == PLACEHOLDER
    two = Dossier.objects.get(code="H-2")
    assert two.received_at == at(2022, 3, 1, 9, 30) and two.service_point is None
    assert two.field == world["civil"] and two.level == world["commune"] and two.current_agency == world["ward"]
    assert two.outcome is None and two.finished_at is None and two.return_channel == ReturnChannel.ONLINE
    assert Dossier.objects.get(code="H-3").outcome == Outcome.LATE


@pytest.mark.django_db
def test_digitized_and_paid_online_flags(world, tmp_path):
    if not all(hasattr(Dossier, name) for name in ("is_digitized", "paid_online")):
        pytest.skip("Dossier has no is_digitized / paid_online columns yet (the dossier engine adds them)")
    import_file(write(tmp_path, GOOD))
    flags = dict((code, (d, p)) for code, d, p in Dossier.objects.values_list("code", "is_digitized", "paid_online"))
    assert flags == {"H-1": (True, False), "H-2": (False, True), "H-3": (True, True)}


@pytest.mark.django_db
def test_bad_file_imports_nothing_and_names_every_bad_line(world, tmp_path):
    bad = [
        *GOOD,
        "H-4,9.999999,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,2,,0,0,",  # line 5
        "H-5,1.004227.000.00.00.H99,000.99.99.H99,trung-tam,1,2022-03-01 08:00,,,,2,,0,0,",  # 6
        "H-6,1.004227.000.00.00.H99,000.00.20.H99,khong-co,1,2022-03-01 08:00,,,,2,,0,0,",  # 7
        "H-7,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,4,2022-03-01 08:00,,,,2,,0,0,",  # 8
        "H-8,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,hôm qua,,,,2,,0,0,",  # 9
        "H-9,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,9,,0,0,",  # 10
        "H-1,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,2,,0,0,",  # 11
        "H-10,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-05 08:00,2022-03-04 08:00,,,2,,0,0,",  # 12
        "H-11,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,2,,2,0,",  # 13
        "H-12,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,2,,0,0,5.000",  # 14
    ]
    path = write(tmp_path, bad)
    result = import_file(path)
    assert result.imported == 0 and Dossier.objects.count() == 0
    assert [e.line for e in result.errors] == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]

    with pytest.raises(CommandError) as raised:
        call_command("import_dossiers", str(path))
    assert "10" in str(raised.value) and "không có hồ sơ nào được nhập" in str(raised.value)
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_error_messages_in_vietnamese_and_english(world, tmp_path, capsys):
    path = write(tmp_path, ["X-1,9.999999,000.00.20.H99,trung-tam,1,2022-03-01 08:00,,,,2,,0,0,"])
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(path))
    assert "dòng 2: thủ tục “9.999999” không tồn tại." in capsys.readouterr().err
    with pytest.raises(CommandError) as raised:
        call_command("import_dossiers", str(path), "--lang", "en")
    assert "line 2: procedure “9.999999” does not exist." in capsys.readouterr().err
    assert "nothing was imported" in str(raised.value)


@pytest.mark.django_db
def test_missing_columns_and_codes_already_in_the_database(world, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("code,procedure_code\nA,B\n", encoding="utf-8")
    result = import_file(path)
    assert not result.ok and result.errors[0].line == 1 and "agency_code" in result.errors[0].message

    assert import_file(write(tmp_path, GOOD[:1])).imported == 1
    again = import_file(write(tmp_path, GOOD[:2], name="again.csv"))
    assert [e.line for e in again.errors] == [2] and again.imported == 0
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_xlsx_file_with_real_dates(world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(["X-1", "1.004227.000.00.00.H99", "000.00.20.H99", "trung-tam", 2,
                  datetime.datetime(2022, 3, 1, 8), datetime.datetime(2022, 3, 15, 17),
                  datetime.datetime(2022, 3, 15, 9), None, 9, "online", 1, 0, 50000])
    sheet.append(["X-2", "1.004227.000.00.00.H99", "000.00.20.H99", "trung-tam", 1,
                  "02/03/2022 08:00", None, None, None, 7, None, 0, 0, None])
    path = tmp_path / "legacy.xlsx"
    book.save(path)
    result = import_file(path)
    assert [str(e) for e in result.errors] == ["dòng 3: trạng thái 7 (đã kết thúc) cần có finished_at."]
    sheet["H3"] = datetime.datetime(2022, 3, 2, 10)
    book.save(path)
    result = import_file(path)
    assert result.ok and result.imported == 2
    x1 = Dossier.objects.get(code="X-1")
    assert x1.received_at == at(2022, 3, 1, 8) and x1.outcome == Outcome.ON_TIME and x1.channel_in == 2
    assert Dossier.objects.get(code="X-2").status == Status.WITHDRAWN


@pytest.mark.django_db
def test_semicolon_csv_as_excel_saves_it_in_vietnamese_settings(world, tmp_path):
    path = tmp_path / "excel-vi.csv"
    lines = [HEADER.replace(",", ";"), *(line.replace(",", ";") for line in GOOD)]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = import_file(path)
    assert result.ok and result.imported == 3
    assert Dossier.objects.get(code="H-1").fee_due == 50000


@pytest.mark.django_db
def test_dry_run_writes_nothing(world, tmp_path, capsys):
    call_command("import_dossiers", str(write(tmp_path, GOOD)), "--dry-run", "--lang", "en")
    assert "3 rows checked" in capsys.readouterr().out
    assert Dossier.objects.count() == 0
    call_command("import_dossiers", str(write(tmp_path, GOOD)))
    assert Dossier.objects.count() == 3


@pytest.mark.django_db
def test_postgresql_write_refuses_a_vanished_reference_and_keeps_row_checks_on(world, tmp_path, monkeypatch):
    """An agency deleted between the check and the write: the once-per-id reference check refuses
    the whole import (even where the row triggers are switched off), and the session is left with
    its triggers on."""
    from django.db import connection

    from motcua.organization.models import Agency
    from motcua.reports import legacy_import

    if connection.vendor != "postgresql":
        pytest.skip("the staged write is PostgreSQL's")
    real_check = legacy_import.check_chunks
    missing_agency = Agency.objects.order_by("-pk").first().pk + 1000

    def check_then_vanish(rows, catalogue, size=None):
        for records, lines, errors in real_check(rows, catalogue, size):
            for record in records:
                if record["code"] == "H-2":
                    record["receiving_agency_id"] = missing_agency
            yield records, lines, errors

    monkeypatch.setattr(legacy_import, "check_chunks", check_then_vanish)
    result = import_file(write(tmp_path, GOOD))
    assert not result.ok and result.imported == 0
    assert "receiving_agency" in str(result.errors[0])
    assert not Dossier.objects.filter(code__in=["H-1", "H-2", "H-3"]).exists()
    monkeypatch.undo()
    assert import_file(write(tmp_path, GOOD)).imported == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@pytest.mark.django_db
def test_a_bad_row_in_a_later_chunk_rolls_back_the_chunks_already_written(world, tmp_path, monkeypatch):
    """Chunks are written while later ones are still being checked: a bad row at the end undoes
    them all, every bad line is still named, and codes already in the database are found in
    every chunk."""
    from motcua.reports import legacy_import

    monkeypatch.setattr(legacy_import, "CHUNK", 2)
    rows = [GOOD[0].replace("H-1,", f"C-{i},", 1) for i in range(7)]
    bad = rows + ["C-9,1.004227.000.00.00.H99,000.00.20.H99,trung-tam,1,hôm qua,,,,2,,0,0,"]  # line 9
    result = import_file(write(tmp_path, bad))
    assert result.rows == 8 and result.imported == 0
    assert [e.line for e in result.errors] == [9]
    assert not Dossier.objects.filter(code__startswith="C-").exists()

    assert import_file(write(tmp_path, rows[:3])).imported == 3
    again = import_file(write(tmp_path, rows))  # C-0..C-2 (chunks 1 and 2) are there now
    assert again.imported == 0 and [e.line for e in again.errors] == [2, 3, 4]
    assert [e.message for e in again.errors] == [
        f"mã hồ sơ “C-{i}” đã có trong cơ sở dữ liệu." for i in range(3)]
    assert Dossier.objects.filter(code__startswith="C-").count() == 3

    good = import_file(write(tmp_path, rows[3:]))
    assert good.ok and good.imported == 4 and Dossier.objects.filter(code__startswith="C-").count() == 7


@pytest.mark.django_db
def test_a_failure_while_reading_is_raised_and_writes_nothing(world, monkeypatch):
    from motcua.reports import legacy_import

    monkeypatch.setattr(legacy_import, "CHUNK", 1)
    header = COLUMNS

    def rows():
        for i in range(3):
            yield i + 2, dict(zip(header, GOOD[0].replace("H-1,", f"R-{i},", 1).split(",")))
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        legacy_import.import_rows(rows())
    assert not Dossier.objects.filter(code__startswith="R-").exists()
