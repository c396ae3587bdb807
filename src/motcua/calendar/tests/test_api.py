"""The public calendar API: figures, and 400s with clear messages in Vietnamese or English."""
from datetime import date, time

import pytest

from motcua.calendar.models import CalendarDay
from motcua.organization.models import OpeningHours, ServicePoint

pytestmark = pytest.mark.django_db
DUE = "/api/v1/calendar/due/"
DAYS = "/api/v1/calendar/working-days/"


@pytest.fixture
def tet_2024(db):
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2024, 2, d), kind="public_holiday", name="Tết Nguyên Đán") for d in range(8, 15)
    )
    from motcua.calendar import services

    services.invalidate()


def test_due_date_tet_example(client, tet_2024):
    response = client.get(DUE, {"start": "2024-02-07T10:00:00+07:00", "amount": "5", "unit": "working_days"})
    assert response.status_code == 200
    assert response.json() == {"due": "2024-02-21T10:00:00+07:00"}


def test_due_date_other_units(client):
    response = client.get(DUE, {"start": "2024-03-06T10:00", "amount": "0.5", "unit": "working_days"})
    assert response.json() == {"due": "2024-03-06T16:00:00+07:00"}
    response = client.get(DUE, {"start": "2024-03-08T16:00:00Z", "amount": "2", "unit": "working_hours"})
    assert response.json() == {"due": "2024-03-11T09:00:00+07:00"}  # 23:00 Friday local -> Monday 07:00 + 2 h
    response = client.get(DUE, {"start": "2024-03-06T10:00", "amount": "3", "unit": "calendar_days"})
    assert response.json() == {"due": "2024-03-11T17:00:00+07:00"}


def test_due_date_bad_input_in_vietnamese(client):
    response = client.get(DUE, {"start": "hôm qua", "amount": "-1", "unit": "weeks"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"start", "amount", "unit"}
    assert "không phải" in body["start"][0] or "không hợp lệ" in body["start"][0]
    assert "âm" in body["amount"][0]
    assert "weeks" in body["unit"][0]


def test_due_date_missing_params_in_english(client):
    response = client.get(DUE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["unit"] == ["Give the unit (unit): working_days, working_hours or calendar_days."]


def test_due_date_out_of_range_is_400(client):
    response = client.get(DUE, {"start": "1990-01-01T10:00", "amount": "1", "unit": "working_days"})
    assert response.status_code == 400
    response = client.get(DUE, {"start": "2024-01-01T10:00", "amount": "1e9", "unit": "working_days"})
    assert response.status_code == 400


def test_working_days(client, tet_2024):
    response = client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29"})
    assert response.json() == {"count": 16}


def test_working_days_of_a_saturday_open_service_point(client, tet_2024):
    point = ServicePoint.objects.create(code="ttpvhcc", name="Trung tâm", kind="centre")
    for weekday in range(6):
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=time(7), closes=time(11, 30))
    response = client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29", "service_point": point.pk})
    assert response.json() == {"count": 16 + 3}  # Saturdays 3, 17, 24 (10 Feb is Tết)


def test_working_days_bad_input(client):
    response = client.get(DAYS, {"from": "2024-02-29", "to": "2024-02-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"to": ["The last date must not be before the first date."]}
    response = client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29", "service_point": "999"})
    assert response.status_code == 400 and "999" in response.json()["service_point"][0]
    response = client.get(DAYS, {"to": "2024-02-30"})
    assert response.status_code == 400 and set(response.json()) == {"from", "to"}


def test_schema_documents_the_parameters(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/calendar/due/" in schema and "calendar_days" in schema and "service_point" in schema
