"""Public statistics in a real browser: from the portal's home page to /thong-ke/, the last closed
month's figures, sorting, another period, a bad period, English, a phone and the printed page.

Screenshots go to $MOTCUA_SHOTS (default /tmp/shots/publicstats)."""
import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from motcua.reports.legacy_import import import_rows
from motcua.reports.tests.conftest import row, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MOTCUA_SHOTS") or "/tmp/shots/publicstats")
BIRTH = {"procedure": "1.001193.000.00.00.H99", "agency": "000.21.20.H99", "service_point": "mot-cua-phuong"}


def last_month_dossiers():
    """Ten dossiers in the month before today's (whatever the clock says): 7 of the department
    (5 resolved, 4 of them in time; 3 online), 3 of the ward (all resolved in time, 1 online)."""
    tz = timezone.get_default_timezone()
    first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    def at(day, hour=9):
        return datetime.datetime.combine(first + datetime.timedelta(days=day), datetime.time(hour), tzinfo=tz)

    rows = [
        row("PS-1", at(1), channel=2, status=9, due_at=at(10), finished_at=at(5)),
        row("PS-2", at(2), channel=2, status=9, due_at=at(10), finished_at=at(10, 15)),
        row("PS-3", at(3), status=9, due_at=at(8), finished_at=at(6)),
        row("PS-4", at(4), status=9, due_at=at(9), finished_at=at(7)),
        row("PS-5", at(5), channel=2, status=9, due_at=at(7), finished_at=at(12)),  # late
        row("PS-6", at(6), status=4, due_at=at(20)),
        row("PS-7", at(7), status=4, due_at=at(9)),  # pending and overdue at the month's end
        row("PS-8", at(2), channel=2, status=9, due_at=at(3), finished_at=at(2, 15), **BIRTH),
        row("PS-9", at(3), status=9, due_at=at(4), finished_at=at(4), **BIRTH),
        row("PS-10", at(8), status=9, due_at=at(9), finished_at=at(8, 16), **BIRTH),
    ]
    result = import_rows(rows)
    assert result.ok, [str(e) for e in result.errors]
    return first


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_visitor_reads_the_public_statistics_from_the_home_page(page, live_server, world):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    first = last_month_dossiers()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    page.click("#portal-public-stats a")
    page.wait_for_url("**/thong-ke/")
    assert page.inner_text("#period-title").startswith(f"Số liệu tháng {first:%m/%Y}")
    assert page.inner_text("#card-received") == "10"
    assert page.inner_text("#card-resolved") == "8"
    assert page.inner_text("#card-on-time") == "87,50%"  # 7 of 8
    assert page.inner_text("#card-online") == "40,00%"  # 4 of 10
    department = page.locator("#agencies-table tbody tr", has_text="Sở Nông nghiệp")
    assert department.locator("td").nth(3).inner_text() == "80,00"  # 4 of 5 in time
    assert page.locator("svg.chart").count() == 2
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "1-desktop.png"), full_page=True)

    # Sort by received, the highest first, then reversed.
    page.click("#agencies-table thead a:has-text('Tiếp nhận')")
    names = page.locator("#agencies-table tbody tr th").all_inner_texts()
    assert names[:2] == ["Sở Nông nghiệp và Môi trường", "UBND phường Trung Tâm"]
    page.click("#agencies-table thead a:has-text('Tiếp nhận')")
    assert page.locator("#agencies-table tbody tr th").all_inner_texts()[:2] == [
        "UBND phường Trung Tâm", "Sở Nông nghiệp và Môi trường"]

    # The download carries the same figures.
    with page.expect_download() as info:
        page.click("#download-csv")
    csv_text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[1].startswith("province,,Toàn tỉnh,,10,4,8,7,87.5,40.0")
    assert "PS-1" not in csv_text

    # This month: not published yet.
    today = timezone.localdate()
    page.select_option("#id_thang", str(today.month))
    page.fill("#id_nam", str(today.year))
    page.click("#period-form button[type=submit]")
    assert page.locator("#not-published").is_visible()

    # An impossible year: 400, the form and its message.
    page.fill("#id_nam", "1999")
    page.click("#period-form button[type=submit]")
    assert "Kỳ thống kê này không tồn tại" in page.inner_text("#period-errors")
    page.screenshot(path=str(SHOTS / "2-bad-period.png"), full_page=True)

    # English, from the language link.
    page.goto(f"{live_server.url}/")
    page.click("#portal-public-stats a")
    page.click("a[lang=en]")
    assert "Statistics of administrative procedures" in page.inner_text("h1")
    assert "What the figures mean" in page.inner_text("#explanations")
    assert page.inner_text("#card-on-time") == "87,50%"
    page.screenshot(path=str(SHOTS / "3-english.png"), full_page=True)

    # Printed: no form, the charts and tables in black and grey.
    page.emulate_media(media="print")
    assert not page.locator("#period-form").is_visible()
    page.screenshot(path=str(SHOTS / "4-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # A phone: nothing scrolls sideways; the tables scroll inside their box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    assert no_sideways_scroll(page)
    page.click("#portal-public-stats a")
    page.wait_for_url("**/thong-ke/")
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "5-phone.png"), full_page=True)
