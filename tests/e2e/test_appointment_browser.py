"""Issue 12 part A in a real browser: a citizen finds the booking page from the portal, books a
slot (procedure -> service point -> day -> time), receives the code by SMS (the simulator's
outbox), checks in at the kiosk with it and gets the appointment ticket; the officer's panel then
calls that ticket before an earlier walk-in. The server's clock is held at 08:40 today (so the
09:00 slot is bookable and check-in is open, whatever the hour the test runs)."""
import datetime
import os

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog.models import Field
from motcua.catalog.tests.conftest import birth_registration
from motcua.core.testing import reseed_migration_data
from motcua.notifications.models import OutboxMessage
from motcua.organization.models import (
    AdministrativeLevel, Agency, Counter, CounterAssignment, OpeningHours, Role, RoleAssignment, ServicePoint,
)
from motcua.queueing.models import Appointment, Queue, SaturdayDuty, SlotTemplate, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots/appoint"
PROCEDURE = "1.001193.000.00.00.H99"
PASSWORD = "Mat-khau-Quay-2026!"


@pytest.fixture
def centre(live_server, settings):
    settings.SITE_URL = live_server.url
    reseed_migration_data("queueing")
    reseed_migration_data("notifications")  # the SMS templates, after an earlier test's flush
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    justice = Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    point = ServicePoint.objects.create(code="trung-tam-hen", name="Trung tâm Phục vụ hành chính công thử",
                                        kind=ServicePoint.Kind.PROVINCIAL_CENTRE)
    for weekday in range(7):
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=datetime.time(7, 0),
                                    closes=datetime.time(17, 0))
    counter = Counter.objects.create(service_point=point, number=4, name="Tư pháp - Hộ tịch")
    counter.agencies.set([justice])
    queue = Queue.objects.create(service_point=point, letter="B", name="Tư pháp - Hộ tịch")
    queue.agencies.set([justice])
    SlotTemplate.objects.create(queue=queue, start=datetime.time(8, 0), end=datetime.time(11, 0),
                                slot_minutes=30, capacity=2)
    birth_registration({"civil": Field.objects.create(code="ho-tich", name="Hộ tịch"), "justice": justice})
    officer = get_user_model().objects.create_user("quay4", password=PASSWORD)
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER, agency=justice)
    CounterAssignment.objects.create(user=officer, counter=counter, agency=justice)
    if timezone.localdate().weekday() == 5:  # on a Saturday the duty roster decides who calls
        SaturdayDuty.objects.create(date=timezone.localdate(), counter=counter, officer=officer, agency=justice,
                                    shift="all_day")
    return live_server.url


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_book_online_get_the_sms_code_check_in_at_the_kiosk(browser, centre):
    base = centre
    today = timezone.localdate()
    morning = datetime.datetime.combine(today, datetime.time(8, 40), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(morning, tick=True) as clock:
        page = browser.new_context(locale="vi-VN").new_page()
        page.set_default_timeout(15000)
        page.goto(f"{base}/")
        page.click("#portal-book")
        page.fill("#booking-q", "khai sinh")
        page.get_by_role("button", name="Tìm kiếm").click()
        page.get_by_role("link", name="Đăng ký khai sinh").click()
        page.locator("#place-choices a[data-point=trung-tam-hen]").click()
        page.locator(f"#day-choices a[data-day='{today.isoformat()}']").click()
        shot(page, "1-slots")
        # 08:00 and 08:30 have started: the first slot offered is 09:00.
        assert page.locator("input[data-time='08:30']").count() == 0
        page.locator("input[data-time='09:00']").check()
        page.fill("#id_full_name", "Nguyễn Thị Bình")
        page.fill("#id_phone", "0987 654 321")
        page.click("#booking-submit")
        page.wait_for_url("**/xep-hang/hen/**")
        assert "0987 *** 321" in page.locator("#booked-note").inner_text()
        assert page.locator("#appointment-time").inner_text().startswith("09:00")
        shot(page, "2-booked")

        # The SMS, as the simulator's outbox holds it: the code and the cancel link.
        sms = OutboxMessage.objects.get(event_kind="appointment_booked", recipient="84987654321")
        code = Appointment.objects.get().code
        assert f"Mã hẹn: {code}" in sms.body
        # The SMS's link opens the appointment with its code and a QR code of it.
        page.goto(sms.body.rsplit(" ", 1)[1])
        assert page.locator("#appointment-code").inner_text() == code
        shot(page, "2b-from-sms")

        # A walk-in takes a number before the check-in.
        kiosk = browser.new_context(locale="vi-VN").new_page()
        kiosk.set_default_timeout(15000)
        kiosk.goto(f"{base}/xep-hang/trung-tam-hen/kiosk/")
        kiosk.locator("button[data-letter=B]").click()
        kiosk.wait_for_url("**/xep-hang/ve/**")
        assert kiosk.locator("#ticket-number").inner_text() == "B-001"
        kiosk.goto(f"{base}/xep-hang/trung-tam-hen/kiosk/")
        kiosk.fill("#appointment-code", code)
        shot(kiosk, "3-kiosk")
        kiosk.click("#check-in-submit")
        kiosk.wait_for_url("**/xep-hang/ve/**")
        assert kiosk.locator("#ticket-number").inner_text() == "B-002"
        assert "09:00" in kiosk.locator("#ticket-appointment").inner_text()
        shot(kiosk, "4-ticket")
        ticket = Ticket.objects.get(number=2)
        assert ticket.appointment.code == code and ticket.slot_start.astimezone(
            timezone.get_current_timezone()).time() == datetime.time(9, 0)
        # The same code twice: refused with the ticket already given.
        kiosk.goto(f"{base}/xep-hang/trung-tam-hen/kiosk/")
        kiosk.fill("#appointment-code", code)
        kiosk.click("#check-in-submit")
        assert "B-002" in kiosk.locator("#check-in-error").inner_text()

        # From 09:00 the officer's call takes the appointment before the earlier walk-in.
        clock.move_to(morning.replace(hour=9, minute=1))
        officer = browser.new_context(locale="vi-VN").new_page()
        officer.set_default_timeout(15000)
        officer.goto(f"{base}/mot-cua/dang-nhap/")
        officer.fill("#id_username", "quay4")
        officer.fill("#id_password", PASSWORD)
        officer.click("button[type=submit]")
        officer.wait_for_url(f"{base}/mot-cua/")
        officer.click("#nav-queue")
        officer.click("button[data-action=call]")
        officer.wait_for_load_state()
        assert "B-002" in officer.locator(".in-hand").inner_text()
        shot(officer, "5-panel")
