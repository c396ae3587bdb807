"""The pages of part A: online booking step by step, the appointment page (cancel), check-in at the
kiosk, the public Saturday service page, the manager's roster page. The clock is moved to known
days (Sunday 1 March 2026 evening for booking, Monday 2 March for check-in)."""
import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.catalog.models import Field
from motcua.catalog.tests.conftest import birth_registration
from motcua.notifications.models import OutboxMessage
from motcua.organization.models import OpeningHours, Role, RoleAssignment
from motcua.queueing import appointments
from motcua.queueing.models import Appointment, AppointmentStatus, SaturdayDuty, SlotTemplate, Ticket

from .conftest import at

SUNDAY_EVENING = at(2026, 3, 1, 20, 0)
PROCEDURE = "1.001193.000.00.00.H99"


@pytest.fixture
def bookable(centre):
    SlotTemplate.objects.create(queue=centre["B"], start=datetime.time(8, 0), end=datetime.time(10, 0),
                                slot_minutes=30, capacity=1)
    civil = Field.objects.create(code="ho-tich", name="Hộ tịch")
    centre["procedure"] = birth_registration({"civil": civil, "justice": centre["justice"]})
    return centre


@pytest.fixture
def clock():
    with time_machine.travel(SUNDAY_EVENING, tick=False) as traveller:
        yield traveller


def test_booking_step_by_step_then_the_sms_and_the_appointment_page(client, bookable, clock):
    page = client.get("/xep-hang/dat-hen/?q=khai+sinh")
    assert page.status_code == 200 and f"thu_tuc={PROCEDURE}" in page.content.decode()
    places = client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}").content.decode()
    assert "Trung tâm Phục vụ hành chính công tỉnh" in places and f"hang={bookable['B'].pk}" in places
    days = client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}&hang={bookable['B'].pk}").content.decode()
    assert 'data-day="2026-03-02"' in days and 'data-day="2026-03-07"' not in days  # no Saturday hours
    assert 'data-day="2026-03-31"' in days and 'data-day="2026-04-01"' not in days  # 30 days ahead
    slots = client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}&hang={bookable['B'].pk}&ngay=2026-03-02")
    html = slots.content.decode()
    assert 'data-time="08:00"' in html and 'data-time="09:30"' in html and "còn 1 chỗ" in html
    answer = client.post("/xep-hang/dat-hen/", {
        "thu_tuc": PROCEDURE, "hang": bookable["B"].pk, "ngay": "2026-03-02",
        "slot": at(2026, 3, 2, 8, 30).isoformat(), "full_name": "Nguyễn Thị Bình", "phone": "0987 654 321"})
    assert answer.status_code == 302 and answer["Location"].startswith("/xep-hang/hen/")
    appointment = Appointment.objects.get()
    assert appointment.procedure == bookable["procedure"].procedure and appointment.phone == "84987654321"
    sms = OutboxMessage.objects.get(event_kind="appointment_booked")
    assert appointment.code in sms.body
    booked = client.get(answer["Location"]).content.decode()
    assert "0987 *** 321" in booked and "08:30" in booked and appointment.code not in booked
    # The SMS's own link shows the code and its QR code (for the kiosk's scanner).
    sms_link = sms.body.rsplit(" ", 1)[1]
    assert "/xep-hang/hen/" in sms_link and sms_link.split("/xep-hang/")[1] not in answer["Location"]
    from_sms = client.get(sms_link).content.decode()
    assert f'id="appointment-code">{appointment.code}<' in from_sms and "<svg" in from_sms
    # The slot is now full: it is no longer offered, and a second booking of it is refused.
    html = client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}&hang={bookable['B'].pk}&ngay=2026-03-02").content
    assert 'data-time="08:30"' not in html.decode()
    again = client.post("/xep-hang/dat-hen/", {
        "thu_tuc": PROCEDURE, "hang": bookable["B"].pk, "ngay": "2026-03-02",
        "slot": at(2026, 3, 2, 8, 30).isoformat(), "full_name": "Trần Văn Cường", "phone": "0987000111"})
    assert again.status_code == 409 and "vừa hết chỗ" in again.content.decode()
    # Cancel from the appointment page (the SMS's link).
    cancelled = client.post(answer["Location"].split("?")[0])
    assert cancelled.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "Đã hủy lịch hẹn" in client.get(cancelled["Location"]).content.decode()


def test_booking_refusals_are_4xx_and_nothing_is_booked(client, bookable, clock):
    base = {"thu_tuc": PROCEDURE, "hang": bookable["B"].pk, "ngay": "2026-03-02",
            "slot": at(2026, 3, 2, 8, 30).isoformat(), "full_name": "Nguyễn Thị Bình", "phone": "0987654321"}
    assert client.get("/xep-hang/dat-hen/?thu_tuc=khong-co").status_code == 404
    assert client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}&hang=99999").status_code == 400
    assert client.get(f"/xep-hang/dat-hen/?thu_tuc={PROCEDURE}&hang={bookable['B'].pk}&ngay=2-3").status_code == 400
    bad_phone = client.post("/xep-hang/dat-hen/", {**base, "phone": "12345"})
    assert bad_phone.status_code == 400 and "số điện thoại di động" in bad_phone.content.decode()
    assert 'value="Nguyễn Thị Bình"' in bad_phone.content.decode()  # what was typed is kept
    assert client.post("/xep-hang/dat-hen/", {**base, "slot": "not a time"}).status_code == 400
    past = client.post("/xep-hang/dat-hen/", {**base, "ngay": "2026-02-27", "slot": at(2026, 2, 27, 8, 0).isoformat()})
    assert past.status_code == 400 and "đã qua" in past.content.decode()
    far = client.post("/xep-hang/dat-hen/", {**base, "ngay": "2026-04-06", "slot": at(2026, 4, 6, 8, 0).isoformat()})
    assert far.status_code == 400 and "30 ngày" in far.content.decode()
    sunday = client.post("/xep-hang/dat-hen/", {**base, "ngay": "2026-03-08", "slot": at(2026, 3, 8, 8, 0).isoformat()})
    assert sunday.status_code == 409 and "08/03/2026" in sunday.content.decode()
    assert not Appointment.objects.exists()
    assert client.get("/xep-hang/hen/abc/").status_code == 404


def test_check_in_at_the_kiosk_gives_the_appointment_ticket(client, bookable, clock):
    appointment = appointments.book(bookable["B"], at(2026, 3, 2, 9, 0), "Nguyễn Thị Bình", "0987654321")
    kiosk = f"/xep-hang/{bookable['point'].code}/kiosk/"
    clock.move_to(at(2026, 3, 2, 8, 20))
    early = client.post(kiosk, {"appointment_code": appointment.code})
    assert early.status_code == 409 and "08:30" in early.content.decode()
    assert client.post(kiosk, {"appointment_code": "12"}).status_code == 400
    assert client.post(kiosk, {"appointment_code": "000000" if appointment.code != "000000" else "111111"}).status_code == 400
    clock.move_to(at(2026, 3, 2, 8, 45))
    answer = client.post(kiosk, {"appointment_code": appointment.code})
    assert answer.status_code == 302 and answer["Location"].startswith("/xep-hang/ve/")
    ticket = Ticket.objects.get()
    html = client.get(answer["Location"]).content.decode()
    assert "B-001" in html and "Lịch hẹn lúc 09:00" in html
    assert ticket.slot_start == at(2026, 3, 2, 9, 0)
    twice = client.post(kiosk, {"appointment_code": appointment.code})
    assert twice.status_code == 409 and "B-001" in twice.content.decode()


def test_a_late_check_in_gets_an_ordinary_ticket(client, bookable, clock):
    appointment = appointments.book(bookable["B"], at(2026, 3, 2, 8, 0), "Nguyễn Thị Bình", "0987654321")
    clock.move_to(at(2026, 3, 2, 8, 20))
    answer = client.post(f"/xep-hang/{bookable['point'].code}/kiosk/", {"appointment_code": appointment.code})
    assert answer.status_code == 302 and answer["Location"].endswith("&hen=tre")
    assert "số thứ tự thông thường" in client.get(answer["Location"]).content.decode()
    assert Ticket.objects.get().slot_start is None


def test_the_saturday_page_lists_the_roster_and_the_saturday_procedures(client, bookable, clock):
    OpeningHours.objects.create(service_point=bookable["point"], weekday=5, opens=datetime.time(7, 30),
                                closes=datetime.time(11, 30))
    SaturdayDuty.objects.create(date=datetime.date(2026, 3, 7), counter=bookable["counters"][3],
                                officer=bookable["officer3"], agency=bookable["justice"], shift="morning")
    html = client.get("/xep-hang/thu-bay/").content.decode()
    assert 'id="saturday-2026-03-07"' in html and 'id="saturday-2026-03-28"' in html
    assert "Quầy 3" in html and "Sở Tư pháp" in html and "Buổi sáng" in html and "07:30-11:30" in html
    assert "Đăng ký khai sinh" in html and "1 thủ tục được tiếp nhận vào thứ Bảy" in html
    assert "quay3" not in html  # officers are not named on the public page
    assert "Saturday service" in client.get("/xep-hang/thu-bay/?lang=en").content.decode()


def manager(centre):
    user = get_user_model().objects.create_user("quanly", password="x", is_staff=True)
    RoleAssignment.objects.create(user=user, role=Role.CENTRE_MANAGER, service_point=centre["point"])
    return user


def test_the_manager_keeps_the_roster(client, bookable, clock):
    client.force_login(manager(bookable))
    page = client.get("/mot-cua/xep-hang/lich-truc/")
    assert page.status_code == 200 and "07/03/2026" in page.content.decode()
    added = client.post("/mot-cua/xep-hang/lich-truc/them/", {
        "date": "2026-03-07", "counter": bookable["counters"][3].pk, "officer": bookable["officer3"].pk,
        "agency": bookable["justice"].pk, "shift": "morning"})
    assert added.status_code == 302
    duty = SaturdayDuty.objects.get()
    assert (duty.counter, duty.officer, duty.shift) == (bookable["counters"][3], bookable["officer3"], "morning")
    no_role = client.post("/mot-cua/xep-hang/lich-truc/them/", {  # officer1 works for the land agency
        "date": "2026-03-14", "counter": bookable["counters"][3].pk, "officer": bookable["officer1"].pk,
        "agency": bookable["justice"].pk, "shift": "all_day"})
    assert no_role.status_code == 400 and "không có vai trò" in no_role.content.decode()
    clash = client.post("/mot-cua/xep-hang/lich-truc/them/", {
        "date": "2026-03-07", "counter": bookable["counters"][3].pk, "officer": bookable["officer3"].pk,
        "agency": bookable["justice"].pk, "shift": "all_day"})
    assert clash.status_code == 409 and "đã có người trực" in clash.content.decode()
    friday = client.post("/mot-cua/xep-hang/lich-truc/them/", {
        "date": "2026-03-06", "counter": bookable["counters"][3].pk, "officer": bookable["officer3"].pk,
        "agency": bookable["justice"].pk, "shift": "morning"})
    assert friday.status_code == 400
    assert client.post(f"/mot-cua/xep-hang/lich-truc/{duty.pk}/xoa/").status_code == 302
    assert not SaturdayDuty.objects.exists()


def test_the_roster_page_is_for_managers_only(client, bookable, clock):
    client.force_login(bookable["officer1"])
    bookable["officer1"].is_staff = True
    bookable["officer1"].save()
    assert client.get("/mot-cua/xep-hang/lich-truc/").status_code in (302, 403)
    assert client.post("/mot-cua/xep-hang/lich-truc/them/", {}).status_code in (302, 403)
