"""PAKN deadlines are working days of the legal calendar: a date in a year the calendar does not
cover (its days off were never entered) is refused with the calendar's message at every entry
point (portal page, officer pages, API: 400), and nothing is saved. The test calendar covers
2015-2035 and the clock's year (motcua.calendar.testing); a test removes the clock's year to
submit or answer "now" in a year not covered."""
import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.calendar import services as calendar_services
from motcua.calendar.models import CalendarYear
from motcua.feedback import services
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, FeedbackEvent, State

from .conftest import at

pytestmark = pytest.mark.django_db

SENDER = {"sender_name": "Lê Văn Phản Ánh", "sender_phone": "0987654321", "sender_email": "phananh.le@example.vn"}
PORTAL = {"subject_kind": "rule", "title": "Giờ làm việc", "content": "Đề nghị mở cửa vào sáng thứ Bảy.", **SENDER}


def uncover_this_year() -> int:
    year = timezone.localdate().year
    CalendarYear.objects.filter(year=year).delete()
    calendar_services.invalidate()
    return year


def message_vi(year) -> str:
    return f"Lịch làm việc chưa có năm {year}"


def test_the_service_refuses_a_date_outside_the_calendar(world):
    with pytest.raises(FeedbackError) as error:
        services.submit_from_portal(client_ip="203.0.113.7", at=at(2010, 3, 1, 9), **PORTAL)
    assert error.value.code == "calendar_not_covered"
    assert message_vi(2010) in error.value.message and "2015–2035" in error.value.message
    assert not Feedback.objects.exists()


def test_portal_page_and_api_answer_400(client, world):
    year = uncover_this_year()
    response = client.post(reverse("feedback:submit"), PORTAL)
    assert response.status_code == 400
    assert message_vi(year) in response.content.decode()
    response = client.post("/api/v1/feedback/?lang=en", PORTAL, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "calendar_not_covered"
    assert f"The working calendar does not cover {year}" in body["detail"]
    assert not Feedback.objects.exists() and not FeedbackEvent.objects.exists()


def test_an_officer_logging_feedback_received_in_2010_gets_the_message(client, world):
    client.force_login(world["counter"])
    response = client.post(reverse("feedback_officer:log"), {
        "channel": "letter", "received_at": "01/03/2010 08:00", "subject_kind": "procedure",
        "procedure_code": world["version"].procedure.code, "content": "Thư hỏi về lệ phí.",
        "sender_name": "Phạm Thị Gọi", "sender_phone": "0911222333",
    })
    assert response.status_code == 400
    assert message_vi(2010) in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_answer_in_a_year_not_covered_is_refused_and_nothing_changes(client, world, province_admin):
    feedback = services.submit_from_portal(client_ip="203.0.113.7", **PORTAL)
    feedback = services.route(province_admin, feedback, agency=world["land"])
    events = FeedbackEvent.objects.count()
    year = uncover_this_year()
    client.force_login(world["leader"])
    action = reverse("feedback_officer:action", args=[feedback.code, "answer"])
    response = client.post(action, {"answer-text": "Đã tiếp thu, sẽ mở cửa sáng thứ Bảy."})
    assert response.status_code == 400
    assert message_vi(year) in response.content.decode()
    response = client.post(f"/api/v1/feedback/{feedback.code}/actions/answer/", {"text": "Đã tiếp thu."},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "calendar_not_covered"
    row = Feedback.objects.get(pk=feedback.pk)
    assert (row.state, row.answer, row.answered_at, row.publish_due_at) == (State.IN_PROGRESS, "", None, None)
    assert FeedbackEvent.objects.count() == events
