"""The public statistics (/thong-ke/): the dashboard's figures, counted again here from the
dossiers themselves; no personal data; impossible periods refused; closed periods stored once."""
import csv
import datetime
import io
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.core.formatting import vn_number
from motcua.dossiers.counting import counts_as_received, reported_outcome
from motcua.dossiers.models import Channel, Dossier, Outcome
from motcua.reports.dashboard import dashboard_data
from motcua.reports.dossier_table import period_bounds
from motcua.reports.index766 import service_index
from motcua.reports.models import ReportSnapshot
from motcua.reports.publicstats import Period, last_closed_month, public_figures

from .test_single_pass import FROM, TO, varied  # noqa: F401  (the fixture)

MARCH = {"ky": "thang", "nam": "2024", "thang": "3"}
# A day after March 2024: the month is closed and published.
AFTER_MARCH = datetime.datetime(2024, 4, 10, 9, 0, tzinfo=datetime.timezone.utc)
APPLICANT = "Trần Thị Mẫu Thử"
APPLICANT_ID = "079199012345"


@pytest.fixture
def published(varied):
    """The varied dossiers, one with a synthetic person's name, ID and phone."""
    Dossier.objects.filter(code="ON-TIME").update(applicant_name=APPLICANT, applicant_id_number=APPLICANT_ID,
                                                  applicant_phone="0999123456")
    with time_machine.travel(AFTER_MARCH, tick=False):
        yield varied


def from_the_dossiers(date_from, date_to):
    """{agency id: figures} counted in Python, dossier by dossier, with the definitions of
    docs/reports.md (received: `counts_as_received`; resolved: received and finished in the
    period; in time: early or on time by `reported_outcome`)."""
    start, end = period_bounds(date_from, date_to)
    out: dict = {}
    for d in Dossier.objects.all():
        if not counts_as_received(d.status, d.received_at):
            continue
        f = out.setdefault(d.competent_agency_id, {"received": 0, "online": 0, "resolved": 0, "in_time": 0})
        if start <= d.received_at < end:
            f["received"] += 1
            f["online"] += d.channel_in == Channel.ONLINE
        if d.finished_at is not None and start <= d.finished_at < end:
            f["resolved"] += 1
            f["in_time"] += reported_outcome(d.outcome, d.finished_at, d.due_at, d.supplement_count) in (
                Outcome.EARLY, Outcome.ON_TIME)
    return out


def percent(part, whole):
    return round(100 * part / whole, 3) if whole else None


def test_the_figures_are_the_dossiers_and_the_dashboards(published):
    figures = public_figures(Period.month(2024, 3))
    counted = from_the_dossiers(FROM, TO)
    dashboard = dashboard_data(FROM, TO, "agency")
    table_rows = {r["code"]: r for r in dashboard["table"]["rows"]}
    # The 766 index computed the per-query way (not the pass the page uses).
    scores = {a["code"]: a["score"] for a in service_index(FROM, TO)["agencies"]}
    land, ward = published["land"], published["ward"]
    by_code = {a["code"]: a for a in figures["agencies"]}
    assert set(by_code) == {land.code, ward.code}
    # By hand: March's receipts of the land agency are 7 (REFUSED at intake is none of them).
    assert by_code[land.code]["received"] == 7
    for agency in (land, ward):
        public, mine, dash = by_code[agency.code], counted[agency.pk], table_rows[agency.code]
        assert public["received"] == mine["received"] == dash["new_total"]
        assert public["resolved"] == mine["resolved"] == dash["resolved"]
        assert public["resolved_in_time"] == mine["in_time"] == dash["early"] + dash["on_time"]
        assert public["received_online"] == mine["online"] == dash["new_online"]
        assert public["on_time_rate"] == pytest.approx(percent(mine["in_time"], mine["resolved"]), abs=0.0005)
        assert public["on_time_rate"] == pytest.approx(dash["early_rate"] + dash["on_time_rate"], abs=0.0015)
        assert public["online_share"] == pytest.approx(percent(mine["online"], mine["received"]), abs=0.0005)
        assert public["score"] == scores[agency.code]
        assert public["pending_overdue"] == dash["pending_overdue"]
    total = dashboard["table"]["total"]
    assert figures["province"]["received"] == sum(c["received"] for c in counted.values()) == total["new_total"]
    assert figures["province"]["resolved"] == total["resolved"]
    assert figures["province"]["score"] == dashboard["index"]["province"]["score"]
    # One row per level, the sums of its agencies.
    levels = {lv["code"]: lv for lv in figures["levels"]}
    assert levels["xa"]["received"] == by_code[ward.code]["received"]
    assert levels["tinh"]["agencies"] == 1


def test_the_page_shows_the_figures_in_vietnamese_format_without_personal_data(client, published):
    response = client.get("/thong-ke/", MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    land = published["land"]
    counted = from_the_dossiers(FROM, TO)[land.pk]
    assert land.name in html and published["ward"].name in html
    rate = vn_number(percent(counted["in_time"], counted["resolved"]), 2)
    assert "," in rate and f"<td>{rate}</td>" in html  # 58,44, not 58.44
    received = sum(c["received"] for c in from_the_dossiers(FROM, TO).values())
    assert f'id="card-received">{vn_number(received)}</dd>' in html
    assert "tháng 03/2024" in html
    for download in ("csv", "json"):
        body = client.get(f"/thong-ke/thong-ke.{download}", MARCH).content.decode()
        for text in (html, body):
            assert APPLICANT not in text and APPLICANT_ID not in text and "0999123456" not in text
            for code in Dossier.objects.values_list("code", flat=True):
                assert code not in text
    assert "Đúng hạn" in html or "đúng hạn" in html
    assert "766" in html


def test_the_downloads_carry_the_pages_figures(client, published):
    figures = public_figures(Period.month(2024, 3))
    data = json.loads(client.get("/thong-ke/thong-ke.json", MARCH).content)
    assert data["period"] == {"kind": "month", "from": "2024-03-01", "to": "2024-03-31", "label": "tháng 03/2024"}
    rows = {(r["unit"], r["code"]): r for r in data["rows"]}
    for agency in figures["agencies"]:
        row = rows[("agency", agency["code"])]
        assert row["received"] == agency["received"] and row["on_time_rate"] == agency["on_time_rate"]
        assert row["score"] == float(agency["score"])
    response = client.get("/thong-ke/thong-ke.csv", MARCH)
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke_2024-03.csv"'
    lines = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert lines[0]["unit"] == "province" and int(lines[0]["received"]) == figures["province"]["received"]
    assert {line["code"] for line in lines if line["unit"] == "agency"} == {a["code"] for a in figures["agencies"]}


def test_a_closed_period_is_computed_once_then_read_from_its_snapshot(client, published):
    assert client.get("/thong-ke/", MARCH).status_code == 200
    assert ReportSnapshot.objects.filter(kind="public-stats", date_from=FROM, date_to=TO).count() == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/thong-ke/", MARCH)
    assert again.status_code == 200
    assert not [q for q in queries.captured_queries if "dossiers_dossier" in q["sql"]]
    assert again.content.decode().count("<tr>") >= 2


@pytest.mark.parametrize("params", [
    {"ky": "thang", "nam": "2024", "thang": "13"},
    {"ky": "thang", "nam": "2024"},
    {"ky": "quy", "nam": "2024", "quy": "5"},
    {"ky": "tuan", "nam": "2024"},
    {"ky": "nam", "nam": "hai nghìn"},
    {"ky": "nam", "nam": "1999"},
])
def test_an_impossible_period_answers_400_with_the_form_and_the_message(client, varied, params):
    response = client.get("/thong-ke/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="period-form"' in html and 'id="period-errors"' in html
    assert "Kỳ thống kê này không tồn tại" in html
    assert 'id="headline"' not in html
    english = client.get("/thong-ke/", {**params, "lang": "en"})
    assert english.status_code == 400
    assert "This period does not exist" in english.content.decode()
    assert client.get("/thong-ke/thong-ke.json", params).status_code == 400
    assert not ReportSnapshot.objects.exists()


def test_a_year_the_calendar_does_not_cover_answers_400_with_its_message(client, varied):
    response = client.get("/thong-ke/", {"ky": "nam", "nam": "2010"})
    assert response.status_code == 400
    assert "Lịch làm việc chưa có năm 2010" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_an_open_period_is_not_published_yet(client, varied):
    today = timezone.localdate()
    this_month = {"ky": "thang", "nam": today.year, "thang": today.month}
    response = client.get("/thong-ke/", this_month)
    assert response.status_code == 200
    assert 'id="not-published"' in response.content.decode()
    assert 'id="headline"' not in response.content.decode()
    assert client.get("/thong-ke/thong-ke.csv", this_month).status_code == 404
    next_year = {"ky": "nam", "nam": today.year + 1}
    assert 'id="not-published"' in client.get("/thong-ke/", next_year).content.decode()
    assert not ReportSnapshot.objects.exists()


def test_the_default_period_is_the_last_closed_month_whatever_the_date(client, varied):
    today = timezone.localdate()  # the suite's clock (--clock) may be anywhere
    expected = (today.replace(day=1) - datetime.timedelta(days=1))
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.kind, period.year, period.number) == ("month", expected.year, expected.month)
    assert period.closed and period.last_day < today
    assert f"{expected.month:02d}/{expected.year}" in response.content.decode()
    # New Year's Eve and New Year's morning in Viet Nam (still 31 December in UTC).
    assert last_closed_month(datetime.date(2027, 1, 1)) == Period.month(2026, 12)
    assert last_closed_month(datetime.date(2026, 12, 31)) == Period.month(2026, 11)
    with time_machine.travel(datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.timezone.utc), tick=False):
        assert client.get("/thong-ke/").context["period"] == Period.month(2026, 12)


def test_quarter_and_year(client, published):
    quarter = client.get("/thong-ke/", {"ky": "quy", "nam": "2024", "quy": "1"})
    assert quarter.status_code == 200
    assert quarter.context["figures"]["period"]["from"] == datetime.date(2024, 1, 1)
    counted = from_the_dossiers(datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert quarter.context["figures"]["province"]["received"] == sum(c["received"] for c in counted.values())
    # The year 2024 is not over on 10 April 2024.
    assert 'id="not-published"' in client.get("/thong-ke/", {"ky": "nam", "nam": "2024"}).content.decode()


def test_the_agencies_sort_by_any_column(client, published):
    by_received = client.get("/thong-ke/", {**MARCH, "sap_xep": "-received"}).context["agencies"]
    assert [a["received"] for a in by_received] == sorted((a["received"] for a in by_received), reverse=True)
    ascending = client.get("/thong-ke/", {**MARCH, "sap_xep": "received"}).context["agencies"]
    assert [a["code"] for a in ascending] == [a["code"] for a in reversed(by_received)]
    html = client.get("/thong-ke/", {**MARCH, "sap_xep": "-received"}).content.decode()
    assert 'aria-sort="descending"' in html


def test_the_english_page(client, published):
    response = client.get("/thong-ke/", {**MARCH, "lang": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistics of administrative procedures" in html and "What the figures mean" in html
    assert "month 03/2024" in html and "Resolved on time" in html
    # The legal levels by their English names; the Vietnamese page keeps the stored ones.
    levels = [level["name"] for level in response.context["figures"]["levels"]]
    assert levels and set(levels) <= {"Province level", "District level", "Commune level"}, levels
    assert all(agency["level"] in levels for agency in response.context["figures"]["agencies"])
    vietnamese = client.get("/thong-ke/", {**MARCH, "lang": "vi"}).context["figures"]["levels"]
    assert {level["name"] for level in vietnamese} <= {"Cấp tỉnh", "Cấp huyện", "Cấp xã"}


def test_the_home_page_links_to_the_statistics(client, varied):
    html = client.get("/").content.decode()
    assert 'href="/thong-ke/"' in html
