"""The Django side: seeding, admin validation, the cached calendars, service point opening days."""
from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from motcua.calendar import services
from motcua.calendar.forms import CalendarDayRangeForm
from motcua.calendar.models import CalendarDay, OfficeHours
from motcua.calendar.services import legal_calendar, opening_calendar
from motcua.calendar.worktime import VIETNAM
from motcua.organization.models import OpeningHours, ServicePoint

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM)


def test_seed_is_idempotent_and_gives_the_tet_example():
    call_command("seed_calendar", "--from-year", "2023", "--to-year", "2025")
    count = CalendarDay.objects.count()
    call_command("seed_calendar", "--from-year", "2023", "--to-year", "2025")
    assert CalendarDay.objects.count() == count > 30
    tet = CalendarDay.objects.get(date=date(2024, 2, 10))
    assert tet.kind == CalendarDay.Kind.PUBLIC_HOLIDAY and tet.name == "Tết Nguyên Đán" and tet.seeded
    assert CalendarDay.objects.get(date=date(2024, 5, 4)).kind == CalendarDay.Kind.MAKEUP_WORKING_DAY
    assert CalendarDay.objects.get(date=date(2024, 4, 29)).kind == CalendarDay.Kind.ANNOUNCED_DAY_OFF
    assert legal_calendar().add(at(2024, 2, 7, 10), 5, "working_days") == at(2024, 2, 21, 10)


def test_seed_keeps_administrators_edits():
    CalendarDay.objects.create(date=date(2024, 9, 2), kind="announced_day_off", name="Edited by hand")
    call_command("seed_calendar", "--from-year", "2024", "--to-year", "2024")
    assert CalendarDay.objects.get(date=date(2024, 9, 2)).name == "Edited by hand"


def test_duplicate_date_is_refused_with_a_clear_message():
    CalendarDay.objects.create(date=date(2024, 9, 2), kind="public_holiday", name="Quốc khánh")
    duplicate = CalendarDay(date=date(2024, 9, 2), kind="announced_day_off", name="Nghỉ")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "02/09/2024" in str(error.value) and "Quốc khánh" in str(error.value)


def test_make_up_day_on_a_regular_weekday_is_refused():
    with pytest.raises(ValidationError) as error:
        CalendarDay(date=date(2024, 5, 6), kind="makeup_working_day", name="Làm bù").full_clean()
    assert "kind" in error.value.message_dict
    CalendarDay(date=date(2024, 5, 4), kind="makeup_working_day", name="Làm bù").full_clean()  # a Saturday


def test_range_form_refuses_overlaps_and_saves_nothing():
    CalendarDay.objects.create(date=date(2024, 2, 10), kind="public_holiday", name="Tết Nguyên Đán")
    form = CalendarDayRangeForm(
        data={"first_day": "2024-02-08", "last_day": "2024-02-14", "kind": "announced_day_off", "name": "Nghỉ Tết"}
    )
    assert not form.is_valid()
    assert "10/02/2024 (Tết Nguyên Đán)" in str(form.non_field_errors())
    assert CalendarDay.objects.count() == 1


def test_range_form_adds_every_date():
    form = CalendarDayRangeForm(
        data={"first_day": "2024-02-08", "last_day": "2024-02-14", "kind": "announced_day_off", "name": "Nghỉ Tết"}
    )
    assert form.is_valid(), form.errors
    assert len(form.save()) == 7
    assert legal_calendar().add(at(2024, 2, 7, 10), 5, "working_days") == at(2024, 2, 21, 10)


def test_admin_range_view_in_vietnamese(admin_client):
    CalendarDay.objects.create(date=date(2024, 2, 10), kind="public_holiday", name="Tết Nguyên Đán")
    url = reverse("admin:workcalendar_calendarday_add_range")
    response = admin_client.post(
        url, {"first_day": "2024-02-08", "last_day": "2024-02-14", "kind": "announced_day_off", "name": "Nghỉ Tết"}
    )
    assert response.status_code == 200
    assert "đã có trong lịch" in response.content.decode()
    response = admin_client.post(
        url, {"first_day": "2024-02-15", "last_day": "2024-02-16", "kind": "announced_day_off", "name": "Nghỉ thêm"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(name="Nghỉ thêm").count() == 2
    assert admin_client.get(reverse("admin:workcalendar_calendarday_changelist")).status_code == 200


def test_office_hours_validation():
    with pytest.raises(ValidationError) as error:
        OfficeHours(effective_from=date(2025, 1, 1), morning_start=time(8), morning_end=time(12),
                    afternoon_start=time(11), afternoon_end=time(17)).full_clean()
    assert "afternoon_start" in error.value.message_dict
    with pytest.raises(ValidationError):
        OfficeHours(effective_from=date(2025, 1, 1), monday=False, tuesday=False, wednesday=False,
                    thursday=False, friday=False).full_clean()


def test_cache_is_reused_and_invalidated_on_change():
    first = legal_calendar()
    assert legal_calendar() is first
    assert first.is_working_day(date(2024, 3, 6))
    day = CalendarDay.objects.create(date=date(2024, 3, 6), kind="announced_day_off", name="Nghỉ đột xuất")
    second = legal_calendar()
    assert second is not first and not second.is_working_day(date(2024, 3, 6))
    day.delete()
    assert legal_calendar().is_working_day(date(2024, 3, 6))


def test_office_hours_change_reaches_the_calendar():
    assert legal_calendar().add(at(2024, 3, 6, 7), 8, "working_hours") == at(2024, 3, 6, 17)
    OfficeHours.objects.create(effective_from=date(2020, 1, 1), morning_start=time(7, 30), morning_end=time(11, 30),
                               afternoon_start=time(13), afternoon_end=time(17), same_day_cutoff=time(16))
    calendar = legal_calendar()
    assert calendar.add(at(2024, 3, 6, 7, 30), 8, "working_hours") == at(2024, 3, 6, 17)
    assert calendar.same_day_due(at(2024, 3, 6, 15, 30)) == at(2024, 3, 6, 17)


def test_changes_rolled_back_do_not_linger():
    from django.db import transaction

    legal_calendar()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            CalendarDay.objects.create(date=date(2024, 3, 7), kind="announced_day_off", name="Nghỉ")
            assert not legal_calendar().is_working_day(date(2024, 3, 7))
            raise RuntimeError("undo")
    assert legal_calendar().is_working_day(date(2024, 3, 7))


@pytest.fixture
def saturday_centre():
    point = ServicePoint.objects.create(code="ttpvhcc", name="Trung tâm Phục vụ hành chính công", kind="centre")
    for weekday in range(6):  # Monday..Saturday mornings
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=time(7), closes=time(11, 30))
    return point


def test_saturday_open_centre_counts_saturdays_not_sundays_nor_holidays(saturday_centre):
    CalendarDay.objects.create(date=date(2024, 3, 9), kind="announced_day_off", name="Nghỉ (thứ Bảy)")
    opening = opening_calendar(saturday_centre)
    assert opening.is_open(date(2024, 3, 16))  # Saturday
    assert not opening.is_open(date(2024, 3, 17))  # Sunday
    assert not opening.is_open(date(2024, 3, 9))  # Saturday, but a day off
    # 4-17 March: 12 weekdays+Saturdays minus 9 March = 11.
    assert services.working_days_between(date(2024, 3, 4), date(2024, 3, 17), saturday_centre.pk) == 11
    # Legal limits never count the Saturday.
    assert services.working_days_between(date(2024, 3, 4), date(2024, 3, 17)) == 10
    assert legal_calendar().add(at(2024, 3, 15, 10), 1, "working_days") == at(2024, 3, 18, 10)


def test_opening_calendar_follows_opening_hours_changes(saturday_centre):
    assert not opening_calendar(saturday_centre).is_open(date(2024, 3, 17))
    OpeningHours.objects.create(service_point=saturday_centre, weekday=6, opens=time(8), closes=time(11))
    assert opening_calendar(saturday_centre).is_open(date(2024, 3, 17))


def test_make_up_day_opens_a_closed_service_point(saturday_centre):
    point = ServicePoint.objects.create(code="xa-a", name="UBND xã A", kind="commune")
    OpeningHours.objects.create(service_point=point, weekday=0, opens=time(7), closes=time(17))
    CalendarDay.objects.create(date=date(2024, 5, 4), kind="makeup_working_day", name="Làm bù")
    assert opening_calendar(point).is_open(date(2024, 5, 4))
    assert not opening_calendar(point).is_open(date(2024, 5, 7))  # Tuesday: the commune opens Mondays only


def test_admin_pages_render_in_vietnamese(admin_client):
    CalendarDay.objects.create(date=date(2024, 9, 2), kind="public_holiday", name="Quốc khánh")
    changelist = admin_client.get(reverse("admin:workcalendar_calendarday_changelist")).content.decode()
    assert "Thêm một khoảng ngày" in changelist and "Ngày lễ, Tết" in changelist
    office = admin_client.get(reverse("admin:workcalendar_officehours_add")).content.decode()
    assert "Giờ chốt trả kết quả trong ngày" in office or "giờ chốt trả kết quả trong ngày" in office.lower()
