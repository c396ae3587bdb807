"""Issue 12 in a real browser: a citizen takes a ticket at the kiosk, the counter officer calls it
from the panel reached through the officer menu, and the display board (polling its JSON) shows
it without a reload. The test centre is open every day, all day, so the test runs at any hour."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.core.testing import reseed_migration_data
from motcua.organization.models import (
    AdministrativeLevel, Agency, Counter, CounterAssignment, OpeningHours, Role, RoleAssignment, ServicePoint,
)
from motcua.queueing.models import Queue, SaturdayDuty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-Quay-2026!"


@pytest.fixture
def centre(live_server, settings):
    settings.SITE_URL = live_server.url
    reseed_migration_data("queueing")  # the priority groups, after an earlier test's flush
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    justice = Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    point = ServicePoint.objects.create(code="trung-tam-thu", name="Trung tâm Phục vụ hành chính công thử",
                                        kind=ServicePoint.Kind.PROVINCIAL_CENTRE)
    for weekday in range(7):
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=datetime.time(0, 0),
                                    closes=datetime.time(23, 59, 59))
    counter = Counter.objects.create(service_point=point, number=4, name="Tư pháp - Hộ tịch")
    counter.agencies.set([justice])
    queue = Queue.objects.create(service_point=point, letter="B", name="Tư pháp - Hộ tịch")
    queue.agencies.set([justice])
    officer = get_user_model().objects.create_user("quay4", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER, agency=justice)
    CounterAssignment.objects.create(user=officer, counter=counter, agency=justice)
    if timezone.localdate().weekday() == 5:  # on a Saturday the duty roster decides who calls
        SaturdayDuty.objects.create(date=timezone.localdate(), counter=counter, officer=officer, agency=justice,
                                    shift="all_day")
    return live_server.url


def new_page(browser):
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15000)
    return page


def test_kiosk_ticket_called_from_the_panel_appears_on_the_board(browser, centre):
    base = centre
    board = new_page(browser)
    board.goto(f"{base}/xep-hang/trung-tam-thu/bang/")
    assert board.locator("#board-calls li").count() == 0

    kiosk = new_page(browser)
    kiosk.goto(f"{base}/xep-hang/trung-tam-thu/kiosk/")
    kiosk.get_by_label("Người cao tuổi").check()
    kiosk.locator("button[data-letter=B]").click()
    kiosk.wait_for_url("**/xep-hang/ve/**")
    assert kiosk.locator("#ticket-number").inner_text() == "B-001"
    assert kiosk.locator("#ticket-ahead").inner_text() == "0"
    assert kiosk.locator(".qr svg").count() == 1
    assert kiosk.locator("#print-ticket").is_visible()

    officer = new_page(browser)
    officer.goto(f"{base}/mot-cua/dang-nhap/")
    officer.fill("#id_username", "quay4")
    officer.fill("#id_password", PASSWORD)
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in
    officer.click("#nav-queue")
    officer.wait_for_url(f"{base}/mot-cua/xep-hang/")
    officer.click("button[data-action=call]")
    officer.wait_for_load_state()
    assert "Đã gọi số B-001." in officer.locator(".messages").inner_text()
    assert "B-001" in officer.locator(".in-hand").inner_text()

    # The board polls every 2 seconds: the call shows within 3 seconds, without a reload.
    board.locator("#board-calls li").first.wait_for(timeout=3000)
    assert "B-001" in board.locator("#board-calls li").first.inner_text()
    assert board.locator("#board-counters tr[data-counter='4'] .ticket").inner_text() == "B-001"

    # The citizen's status page (the QR code's link) now says where to go.
    kiosk.reload()
    assert "Quầy 4" in kiosk.locator("#ticket-status").inner_text()
