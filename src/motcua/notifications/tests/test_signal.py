"""The signal wiring, through real dossier commands (fixtures of the dossier engine's tests)."""
import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from motcua.testing.world import APPLICANT, MONDAY, at
from motcua.notifications.models import OutboxMessage
from motcua.notifications.receivers import on_dossier_event
from motcua.organization.models import StaffProfile


@pytest.mark.django_db
def test_receipt_queues_and_sends_sms_and_email_to_the_applicant(receive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    messages = {m.channel: m for m in OutboxMessage.objects.filter(dossier_code=dossier.code)}
    assert set(messages) == {"sms", "email"}
    assert messages["sms"].recipient == APPLICANT["phone"]
    assert messages["email"].recipient == APPLICANT["email"]
    assert all(m.status == "sent" and m.event_kind == "received" for m in messages.values())
    assert messages["email"].subject == f"Đã tiếp nhận hồ sơ {dossier.code}"
    assert "Đăng ký biến động quyền sử dụng đất" in messages["sms"].body
    assert f"/tra-cuu/?ma={dossier.code}" in messages["sms"].body


@pytest.mark.django_db
def test_supplement_request_carries_items_and_reason_and_a_resent_signal_does_not_duplicate(
    world, receive, django_capture_on_commit_callbacks
):
    dossier = receive()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_supplement(world["counter"], dossier, items=["Bản sao sổ hộ khẩu"], reason="Thiếu giấy tờ",
                                    at=at(2026, 3, 2, 9))
    event = dossier.events.get(kind="request_supplement")
    sms = OutboxMessage.objects.get(event_id=event.pk, channel="sms")
    assert "Bản sao sổ hộ khẩu" in sms.body and "Thiếu giấy tờ" in sms.body
    on_dossier_event(sender=None, event=event)  # the same event again
    assert OutboxMessage.objects.filter(event_id=event.pk).count() == 2


@pytest.mark.django_db
def test_overdue_notifies_the_officers_of_the_unit_not_the_applicant(world, receive, django_capture_on_commit_callbacks):
    specialist = world["specialist"]
    specialist.email = "chuyenvien@example.vn"
    specialist.save()
    StaffProfile.objects.create(user=specialist, full_name="Lê Văn Chuyên", phone="0987000111")
    get_user_model().objects.filter(pk=world["leader"].pk).update(email="lanhdao@example.vn")
    dossier = receive()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_overdue(now=at(2026, 4, 30))
    overdue = OutboxMessage.objects.filter(dossier_code=dossier.code, event_kind="overdue")
    recipients = set(overdue.values_list("recipient", flat=True))
    assert {"chuyenvien@example.vn", "0987000111", "lanhdao@example.vn"} <= recipients
    assert APPLICANT["phone"] not in recipients and APPLICANT["email"] not in recipients
    assert any("đã quá hạn" in m.body for m in overdue)


@pytest.mark.django_db
def test_citizen_supplement_and_withdrawal_are_confirmed_to_the_applicant(world, django_capture_on_commit_callbacks):
    from motcua.testing.world import documents_for

    citizen = get_user_model().objects.create_user(username="citizen", password="x")
    dossier = services.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                                     documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    dossier = services.accept_online(world["counter"], dossier, at=at(2026, 3, 2, 9))
    dossier = services.request_supplement(world["counter"], dossier, items=["Trích lục"], reason="Thiếu",
                                          at=at(2026, 3, 3, 8))
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.submit_supplement(citizen, dossier, documents=[{"name": "Trích lục", "copies": 1}],
                                             at=at(2026, 3, 5, 8))
    supplement = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="supplement_received", channel="sms")
    assert "16/03/2026" in supplement.body  # the new due date, moved by the paused working time
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_by_applicant(citizen, dossier, reason="Nộp nhầm", at=at(2026, 3, 5, 9))
    withdrawn = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="withdrawn", channel="email")
    assert withdrawn.subject == f"Đã rút hồ sơ {dossier.code}" and "Nộp nhầm" in withdrawn.body
