"""A report period the working calendar does not cover (its year's days off were never entered)
is refused with the calendar's message at every entry point: the dashboard and its downloads
answer 400, the commands exit with it; nothing is computed or stored. The test calendar covers
2015-2035 (motcua.calendar.testing), so 2010 is outside it."""
import pytest
from django.core.management import CommandError, call_command

from motcua.backoffice.tests.scenario import PASSWORD, make_officer
from motcua.organization.models import Role
from motcua.reports.dossier_table import ReportError, dossier_table, working_days
from motcua.reports.models import ReportSnapshot

UNCOVERED = {"from": "2010-01-01", "to": "2010-03-31"}
STRADDLING = {"from": "2014-12-01", "to": "2015-01-31"}  # starts in a year not covered
MESSAGE_VI = "Lịch làm việc chưa có năm 2010"
MESSAGE_EN = "The working calendar does not cover 2010"


@pytest.fixture
def admin(world):
    make_officer("vanphong.tinh", "Hà Thị Tỉnh", Role.PROVINCE_ADMIN, world["land"])
    return world


def test_the_working_days_of_an_uncovered_period_are_a_report_error(world):
    import datetime

    with pytest.raises(ReportError) as error:
        working_days(datetime.date(2010, 1, 1), datetime.date(2010, 1, 31))
    assert "2010" in str(error.value)
    with pytest.raises(ReportError):
        dossier_table(datetime.date(2014, 12, 1), datetime.date(2015, 1, 31))
    # A covered period still counts (January 2016: 21 weekdays, no days off in the test calendar).
    assert working_days(datetime.date(2016, 1, 1), datetime.date(2016, 1, 31)) == 21


@pytest.mark.parametrize("path", ["/mot-cua/bao-cao/", "/mot-cua/bao-cao/bieu-06a.xlsx",
                                  "/mot-cua/bao-cao/bao-cao.docx", "/mot-cua/bao-cao/bao-cao.pdf"])
def test_pages_and_downloads_answer_400_with_the_message(client, admin, path):
    client.login(username="vanphong.tinh", password=PASSWORD)
    response = client.get(path, UNCOVERED)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert MESSAGE_VI in page and "2015–2035" in page
    assert 'id="table-06a"' not in page and 'id="download-xlsx"' not in page
    response = client.get(path, {**STRADDLING, "lang": "en"})
    assert response.status_code == 400
    assert "The working calendar does not cover 2014" in response.content.decode()
    assert not ReportSnapshot.objects.exists()  # a closed period, yet nothing stored


def test_english_message(client, admin):
    client.login(username="vanphong.tinh", password=PASSWORD)
    response = client.get("/mot-cua/bao-cao/", {**UNCOVERED, "lang": "en"})
    assert response.status_code == 400 and MESSAGE_EN in response.content.decode()


def test_a_covered_period_still_shows_its_figures(client, admin):
    client.login(username="vanphong.tinh", password=PASSWORD)
    response = client.get("/mot-cua/bao-cao/", {"from": "2016-01-01", "to": "2016-01-31"})
    assert response.status_code == 200 and 'id="table-06a"' in response.content.decode()


@pytest.mark.parametrize("command,extra", [
    ("report_06a", ["--format", "json"]),
    ("report_periodic", ["--format", "docx"]),
])
def test_commands_exit_with_the_message(world, tmp_path, command, extra):
    output = tmp_path / "out.bin"
    with pytest.raises(CommandError) as error:
        call_command(command, "--from", UNCOVERED["from"], "--to", UNCOVERED["to"], *extra,
                     "--output", str(output))
    assert MESSAGE_VI in str(error.value)
    assert not output.exists()
    with pytest.raises(CommandError) as error:
        call_command(command, "--from", UNCOVERED["from"], "--to", UNCOVERED["to"], *extra,
                     "--output", str(output), "--lang", "en")
    assert MESSAGE_EN in str(error.value)


def test_commands_exit_non_zero_from_the_shell(world, tmp_path):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "report_06a", "--from", "2010-01-01", "--to", "2010-01-31"])
    assert exited.value.code != 0


def test_report_snapshots_refuses_an_uncovered_year_and_stores_nothing(world):
    with pytest.raises(CommandError) as error:
        call_command("report_snapshots", "--year", "2010")
    assert MESSAGE_VI in str(error.value)
    assert not ReportSnapshot.objects.exists()
