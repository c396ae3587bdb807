import datetime
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from motcua.calendar.services import legal_calendar
from motcua.feedback import selectors, services
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, FeedbackEvent, State
from motcua.notifications.models import OutboxMessage
from motcua.testing import world as testing_world

from .conftest import APPLICANT, MONDAY, at

pytestmark = pytest.mark.django_db

SENDER = {"sender_name": "Lê Văn Phản Ánh", "sender_phone": "0987654321", "sender_email": "phananh.le@example.vn"}


refused = partial(testing_world.refused, error=FeedbackError)


def submit(at_=MONDAY, ip="203.0.113.7", **overrides):
    data = dict(subject_kind="rule", title="Quy định về giờ làm việc",
                content="Đề nghị mở cửa bộ phận một cửa vào sáng thứ Bảy.", client_ip=ip, at=at_, **SENDER)
    data.update(overrides)
    return services.submit_from_portal(**data)


def test_deadlines_are_counted_in_working_days_over_the_weekend(world):
    thursday = at(2026, 3, 5, 10)
    feedback = submit(thursday)
    assert feedback.refuse_due_at == at(2026, 3, 9, 10)      # Thu -> Fri -> (weekend) -> Mon
    assert feedback.info_due_at == at(2026, 3, 12, 10)       # five working days: next Thursday
    assert feedback.resolve_due_at == at(2026, 3, 26, 10)    # fifteen working days
    assert feedback.resolve_due_at == legal_calendar().add(thursday, 15, "working_days")
    # Received on a Saturday: the count starts on Monday morning.
    saturday = submit(at(2026, 3, 7, 9), ip="203.0.113.8")
    assert saturday.refuse_due_at == legal_calendar().add(at(2026, 3, 9, 7), 2, "working_days")
    assert saturday.refuse_due_at.date() == datetime.date(2026, 3, 10)


def test_every_state_change(world, province_admin, django_capture_on_commit_callbacks):
    feedback = submit(subject_kind="rule")
    assert (feedback.state, feedback.agency, feedback.channel) == (State.RECEIVED, None, "portal")
    # Not routed yet: only the province office may act.
    refused("forbidden", services.route, world["leader"], feedback, agency=world["land"])
    feedback = services.route(province_admin, feedback, agency=world["land"], note="Thuộc lĩnh vực đất đai",
                              at=at(2026, 3, 2, 9))
    assert (feedback.state, feedback.agency) == (State.IN_PROGRESS, world["land"])
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.request_info(world["specialist"], feedback, request="Ghi rõ địa điểm", at=at(2026, 3, 3, 9))
    assert feedback.state == State.NEEDS_INFO
    assert OutboxMessage.objects.filter(event_kind="feedback_info_requested", recipient=SENDER["sender_phone"]).exists()
    feedback = services.provide_info(feedback, text="Tại Trung tâm Phục vụ hành chính công tỉnh", at=at(2026, 3, 4, 9))
    assert feedback.state == State.IN_PROGRESS and "Trung tâm Phục vụ" in feedback.content
    refused("not_allowed", services.publish, world["leader"], feedback)
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.answer(world["leader"], feedback, text="Trung tâm sẽ mở cửa sáng thứ Bảy từ tháng 4.",
                                   at=at(2026, 3, 5, 14))
    assert (feedback.state, feedback.answered_by, feedback.answered_at) == (
        State.ANSWERED, world["leader"], at(2026, 3, 5, 14))
    assert feedback.publish_due_at == at(2026, 3, 9, 14) and not feedback.is_overdue
    answered = OutboxMessage.objects.get(event_kind="feedback_answered", channel="sms")
    assert feedback.code in answered.body and "/phan-anh/tra-cuu/" in answered.body
    feedback = services.publish(world["leader"], feedback, at=at(2026, 3, 6, 9))
    assert feedback.state == State.PUBLISHED and feedback.published_at == at(2026, 3, 6, 9)
    feedback = services.rate_answer(feedback, level="satisfied", comment="Cảm ơn")
    assert feedback.answer_rating == "satisfied"
    refused("not_allowed", services.rate_answer, feedback, level="dissatisfied")
    kinds = list(FeedbackEvent.objects.filter(feedback=feedback).values_list("kind", "to_state"))
    assert kinds == [("submit", "received"), ("route", "in_progress"), ("request_info", "needs_info"),
                     ("provide_info", "in_progress"), ("answer", "answered"), ("publish", "published"),
                     ("rate_answer", "published")]
    event = FeedbackEvent.objects.filter(feedback=feedback).first()
    with pytest.raises(ValidationError):
        event.save()


def test_refuse_and_accept(world, receive):
    dossier = receive()
    feedback = submit(subject_kind="dossier", dossier_code=dossier.code)
    assert (feedback.agency, feedback.dossier, feedback.procedure_id) == (world["land"], dossier, dossier.procedure_id)
    refused("forbidden", services.accept, world["justice_leader"], feedback)
    feedback = services.accept(world["specialist"], feedback)
    assert feedback.state == State.IN_PROGRESS
    refused("invalid", services.refuse, world["leader"], feedback, reason="  ")
    late = services.refuse(world["leader"], feedback, reason="Nội dung đã được giải quyết", at=at(2026, 3, 5, 9))
    assert (late.state, late.is_overdue) == (State.REFUSED, True)  # after the 2-working-day limit (Wed 08:00)
    refused("not_allowed", services.answer, world["leader"], late, text="x")


def test_empty_content_is_refused_and_nothing_saved(client, world):
    refused("invalid", submit, content="   ")
    refused("invalid", submit, content="<p> </p><script></script>")
    response = client.post(reverse("feedback:submit"), {"subject_kind": "rule", "content": "<b></b>", **SENDER})
    assert response.status_code == 400
    assert "Hãy viết nội dung phản ánh, kiến nghị." in response.content.decode()
    api = client.post("/api/v1/feedback/", {"subject_kind": "rule", "content": ""}, content_type="application/json")
    assert api.status_code == 400
    assert Feedback.objects.count() == 0 and FeedbackEvent.objects.count() == 0


def test_content_is_sanitised_and_contact_required_unless_anonymous(world):
    feedback = submit(content="<script>alert(1)</script>Cán bộ <b>chậm</b> trả kết quả")
    assert feedback.content == "alert(1)Cán bộ chậm trả kết quả"
    refused("invalid", submit, sender_name="", ip="1.1.1.1")
    refused("invalid", submit, sender_phone="", sender_email="", ip="1.1.1.1")
    anonymous = submit(is_anonymous=True, ip="1.1.1.1")
    assert (anonymous.sender_name, anonymous.sender_phone, anonymous.sender_email) == ("", "", "")
    refused("invalid", submit, subject_kind="dossier", dossier_code="000.00.20.H99-000000-0000", ip="1.1.1.1")


def test_portal_submissions_are_throttled_per_address(client, world):
    url = reverse("feedback:submit")
    data = {"subject_kind": "rule", "content": "Đề nghị bổ sung ghế chờ.", **SENDER}
    for _i in range(5):
        assert client.post(url, data, REMOTE_ADDR="198.51.100.9").status_code == 302
    response = client.post(url, data, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "tối đa 5 lần mỗi giờ" in response.content.decode()
    api = client.post("/api/v1/feedback/", data, content_type="application/json", REMOTE_ADDR="198.51.100.9")
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert Feedback.objects.count() == 5
    # Another address is not affected, and the address itself is never stored.
    assert client.post(url, data, REMOTE_ADDR="198.51.100.10").status_code == 302
    assert not Feedback.objects.filter(client_key__contains="198.51").exists()


def test_published_answer_has_no_personal_data(client, world, receive, province_admin):
    dossier = receive()
    feedback = submit(
        subject_kind="dossier", dossier_code=dossier.code, title="Hồ sơ trả chậm",
        content=(f"Tôi là Lê Văn Phản Ánh, CCCD 038 190 012 345, điện thoại 0987.654.321, "
                 f"email phananh.le@example.vn. Hồ sơ của {APPLICANT['name']} bị trả chậm."),
    )
    services.accept(world["leader"], feedback)
    services.answer(world["leader"], feedback, text="Kính gửi ông Lê Văn Phản Ánh: hồ sơ đã được trả ngày 10/3.")
    feedback = services.publish(world["leader"], Feedback.objects.get(pk=feedback.pk),
                                answer_text="Trả lời ông Lê Văn Phản Ánh (0987654321): hồ sơ đã được trả ngày 10/3.")
    public = client.get(reverse("feedback:published_detail", args=[feedback.code])).content.decode()
    listing = client.get(reverse("feedback:published")).content.decode()
    for secret in ("Phản Ánh", "0987", "654.321", "phananh.le", "038 190", "012 345", APPLICANT["name"]):
        assert secret not in public and secret not in listing, secret
    assert "hồ sơ đã được trả ngày 10/3" in public and "bị trả chậm" in public
    api = client.get("/api/v1/feedback/published/").json()
    assert api["count"] == 1 and "Phản Ánh" not in str(api)


def test_officers_of_another_agency_get_404(client, world, province_admin):
    feedback = submit()
    services.route(province_admin, feedback, agency=world["land"])
    detail = reverse("feedback_officer:detail", args=[feedback.code])
    client.force_login(world["justice_leader"])
    assert client.get(detail).status_code == 404
    action = reverse("feedback_officer:action", args=[feedback.code, "answer"])
    assert client.post(action, {"answer-text": "Không liên quan"}).status_code == 404
    assert feedback.code not in client.get(reverse("feedback_officer:list")).content.decode()
    assert client.post(f"/api/v1/feedback/{feedback.code}/actions/answer/", {"text": "x"}).status_code == 404
    assert Feedback.objects.get(pk=feedback.pk).state == State.IN_PROGRESS
    client.force_login(world["leader"])
    assert client.get(detail).status_code == 200
    assert feedback.code in client.get(reverse("feedback_officer:list")).content.decode()
    response = client.post(action, {"answer-text": "Đã tiếp thu."})
    assert response.status_code == 302 and Feedback.objects.get(pk=feedback.pk).state == State.ANSWERED
    client.force_login(province_admin)
    assert client.get(detail).status_code == 200
    client.logout()
    assert client.get(detail).status_code == 302  # to the officer login


def test_officer_logs_feedback_with_its_channel(client, world):
    client.force_login(world["counter"])
    response = client.post(reverse("feedback_officer:log"), {
        "channel": "hotline", "received_at": "02/03/2026 08:00", "subject_kind": "procedure",
        "procedure_code": world["version"].procedure.code, "content": "Người dân hỏi về lệ phí.",
        "sender_name": "Phạm Thị Gọi", "sender_phone": "0911222333",
    })
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.channel, feedback.logged_by, feedback.agency, feedback.received_at) == (
        "hotline", world["counter"], world["land"], MONDAY)
    refused("invalid", services.log_by_officer, world["counter"], channel="portal", subject_kind="rule",
            content="x")
    refused("forbidden", services.log_by_officer, None, channel="letter", subject_kind="rule", content="x")


def test_overdue_flag_and_summary(world, province_admin):
    monday = submit(at(2026, 3, 2, 8), ip="1.1.1.1")
    services.route(province_admin, monday, agency=world["land"])
    services.answer(world["leader"], monday, text="Đã trả lời", at=at(2026, 3, 4, 8))
    open_one = submit(at(2026, 3, 2, 9), ip="1.1.1.2")
    services.route(province_admin, open_one, agency=world["justice"])
    letter = services.log_by_officer(province_admin, channel="letter", subject_kind="rule", content="Thư góp ý",
                                     agency=world["land"], received_at=at(2026, 3, 3, 9))
    services.refuse(province_admin, letter, reason="Trùng nội dung", at=at(2026, 3, 3, 10))
    national = services.log_by_officer(province_admin, channel="national_portal", subject_kind="rule",
                                       content="Từ Cổng DVC quốc gia", agency=world["land"],
                                       received_at=at(2026, 4, 1, 9))

    # 15 working days from Monday 2 March 09:00 is Monday 23 March 09:00.
    assert services.mark_overdue(now=at(2026, 3, 23, 8)) == 0
    assert services.mark_overdue(now=at(2026, 3, 23, 10)) == 1
    assert services.mark_overdue(now=at(2026, 3, 23, 11)) == 0  # flagged once
    assert Feedback.objects.get(pk=open_one.pk).is_overdue
    call_command("flag_overdue_feedback")

    march = selectors.feedback_summary(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert march["total"] == 3 and march["handled"] == 2 and march["overdue"] == 1
    assert march["by_channel"] == {"portal": 2, "letter": 1, "hotline": 0, "walk_in": 0, "national_portal": 0}
    assert march["by_state"] == {"received": 0, "refused": 1, "needs_info": 0, "in_progress": 1, "answered": 1,
                                 "published": 0}
    land = selectors.feedback_summary(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30), [world["land"].pk])
    assert (land["total"], land["by_channel"]["national_portal"], land["handled"]) == (3, 1, 2)
    assert national.state == State.RECEIVED


def test_tracking_page_lets_the_sender_add_information_and_rate(client, world, province_admin):
    feedback = submit()
    services.route(province_admin, feedback, agency=world["land"])
    services.request_info(world["leader"], feedback, request="Cho biết ngày đến trung tâm")
    url = reverse("feedback:track")
    assert "Cho biết ngày đến trung tâm" in client.get(url, {"ma": feedback.code}).content.decode()
    response = client.post(url, {"ma": feedback.code, "form": "info", "info-text": "Ngày 2/3/2026"})
    assert response.status_code == 302
    assert Feedback.objects.get(pk=feedback.pk).state == State.IN_PROGRESS
    services.answer(world["leader"], Feedback.objects.get(pk=feedback.pk), text="Đã chấn chỉnh")
    response = client.post(url, {"ma": feedback.code, "form": "rating", "rating-level": "very_satisfied"})
    assert response.status_code == 302
    assert Feedback.objects.get(pk=feedback.pk).answer_rating == "very_satisfied"
    assert client.get(url, {"ma": "PAKN-000000-XXXXXX"}).status_code == 404
    api = client.get(f"/api/v1/feedback/{feedback.code}/").json()
    assert api["state"] == "answered" and api["answer"] == "Đã chấn chỉnh"
