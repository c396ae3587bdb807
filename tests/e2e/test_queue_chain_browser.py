"""Issue 12, the whole chain in a real browser: a citizen takes a ticket at the kiosk, the counter
officer calls it, the board shows it within 3 seconds, the officer receives the dossier at the
intake page (linked to the ticket in hand), ends the service, and the counter's rating tablet
rates that ticket and its dossier. The test centre is open every day, all day."""
import datetime
import os

import pytest
from django.core import signing
from django.utils import timezone

from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_NAME, build_world
from motcua.core.testing import reseed_migration_data
from motcua.feedback import devices
from motcua.feedback.models import TicketRating
from motcua.organization.models import Counter, OpeningHours
from motcua.queueing.models import Queue, SaturdayDuty, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("MOTCUA_SHOTS", "")


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def new_page(browser):
    page = browser.new_context(locale="vi-VN").new_page()
    page.set_default_timeout(15000)
    return page


def test_kiosk_call_board_intake_link_and_tablet_rating(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    reseed_migration_data("queueing")
    world = build_world()
    point = world.service_point
    for weekday in range(7):
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=datetime.time(0, 0),
                                    closes=datetime.time(23, 59, 59))
    queue = Queue.objects.create(service_point=point, letter="B", name="Tư pháp - Hộ tịch")
    queue.agencies.set([world.agency])
    counter = Counter.objects.get(service_point=point, number=1)
    if timezone.localdate().weekday() == 5:  # on a Saturday the duty roster decides who calls
        SaturdayDuty.objects.create(date=timezone.localdate(), counter=counter, officer=world.counter_officer,
                                    agency=world.agency, shift="all_day")
    base = live_server.url

    board = new_page(browser)
    board.goto(f"{base}/xep-hang/{point.code}/bang/")

    kiosk = new_page(browser)
    kiosk.goto(f"{base}/xep-hang/{point.code}/kiosk/")
    kiosk.locator("button[data-letter=B]").click()
    kiosk.wait_for_url("**/xep-hang/ve/**")
    assert kiosk.locator("#ticket-number").inner_text() == "B-001"

    officer = new_page(browser)
    officer.goto(f"{base}/mot-cua/dang-nhap/")
    officer.fill("#id_username", world.counter_officer.username)
    officer.fill("#id_password", PASSWORD)
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in
    officer.goto(f"{base}/mot-cua/xep-hang/")
    officer.click("button[data-action=call]")
    officer.wait_for_load_state()
    board.locator("#board-calls li").first.wait_for(timeout=3000)  # polled every 2 s: within 3 s
    assert "B-001" in board.locator("#board-calls li").first.inner_text()
    shot(board, "01-board")
    officer.click("button[data-action=start]")
    officer.wait_for_load_state()

    # Intake: the page says which ticket is in hand; the dossier received is linked to it.
    officer.goto(f"{base}/mot-cua/tiep-nhan/?q=khai+sinh")
    assert "Đang phục vụ số B-001" in officer.inner_text("#serving-ticket")
    officer.click(f"text={PROCEDURE_NAME}")
    officer.get_by_label("Tờ khai đăng ký khai sinh").check()
    officer.get_by_label("Giấy chứng sinh").check()
    officer.fill("#id_applicant_citizen_id", "038195012399")
    officer.fill("#id_applicant_name", "Phan Thị Xếp Hàng")
    shot(officer, "02-intake")
    officer.press("#id_applicant_name", "Enter")
    officer.wait_for_selector("#dossier-code")
    code = officer.inner_text("#dossier-code").strip()
    assert code in officer.inner_text("#serving-ticket .linked-dossier")
    shot(officer, "03-receipt-linked")
    assert Ticket.objects.get(queue=queue, number=1).dossier.code == code

    officer.goto(f"{base}/mot-cua/xep-hang/")
    assert code in officer.inner_text(".linked-dossier")
    shot(officer, "04-panel")
    officer.click("button[data-action=end]")
    officer.wait_for_load_state()

    # The tablet registered to counter 1 offers the ticket just served, with its dossier.
    tablet = new_page(browser)
    device, token = devices.register(world.counter_officer, counter)
    value = signing.get_cookie_signer(salt=devices.COOKIE + devices._SALT).sign(f"{device.pk}:{token}")
    tablet.context.add_cookies([{"name": devices.COOKIE, "value": value, "url": base}])
    tablet.goto(f"{base}/danh-gia/quay/{counter.pk}/")
    offered = tablet.inner_text("#kiosk-ticket")
    assert "B-001" in offered and code in offered and "N.T.Q." in offered
    shot(tablet, "05-tablet")
    tablet.click("button[value=very_satisfied]")
    assert tablet.inner_text("#kiosk-thanks") == "Cảm ơn Ông/Bà đã đánh giá!"
    shot(tablet, "06-tablet-thanks")
    rating = TicketRating.objects.get(ticket__queue=queue, ticket__number=1)
    assert (rating.level, rating.dossier.code, rating.officer, rating.counter) == (
        "very_satisfied", code, world.counter_officer, counter)
    tablet.goto(f"{base}/danh-gia/quay/{counter.pk}/")
    assert tablet.locator("#kiosk-empty").is_visible()
