"""The "result ready" SMS and e-mail say what is still owed and that it is paid at return
(migration 0009_resolved_shows_fee_owed); without anything owed they say nothing of fees."""
import pytest

from motcua.dossiers import services
from motcua.testing.world import MONDAY, at
from motcua.notifications.models import MessageTemplate, OutboxMessage

pytestmark = pytest.mark.django_db


def _resolve(world, dossier):
    services.hand_over(world["counter"], dossier, at=at(2026, 3, 2, 9))
    services.resolve(world["leader"], dossier, result_description="Giấy chứng nhận", at=at(2026, 3, 3, 9))


def _messages(dossier):
    return {m.channel: m.body for m in OutboxMessage.objects.filter(dossier_code=dossier.code, event_kind="resolved")}


def test_seeded_result_ready_texts_carry_the_fee_owed():
    for channel in ("sms", "email"):
        body = MessageTemplate.objects.get(event_kind="resolved", channel=channel, language="vi").body
        assert "{% if fee_owed %}" in body and "khi nhận kết quả" in body


def test_result_ready_says_what_is_owed_and_that_it_is_paid_at_return(world, receive,
                                                                      django_capture_on_commit_callbacks):
    dossier = receive(when=MONDAY)  # 50.000 đ due, nothing paid
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, dossier)
    messages = _messages(dossier)
    assert "Phí, lệ phí còn phải nộp: 50.000 đồng, nộp khi nhận kết quả." in messages["sms"]
    assert messages["sms"].startswith(f"Hồ sơ {dossier.code} đã có kết quả.")
    assert "Phí, lệ phí còn phải nộp: 50.000 đồng. Ông/Bà nộp khoản này khi nhận kết quả" in messages["email"]


def test_result_ready_without_anything_owed_says_nothing_of_fees(world, receive,
                                                                  django_capture_on_commit_callbacks):
    dossier = receive(when=MONDAY)
    services.record_payment(world["counter"], dossier, amount=50000, method="cash", reference="BL-1",
                            at=at(2026, 3, 2, 8, 30))
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, dossier)
    messages = _messages(dossier)
    assert "Phí" not in messages["sms"] and "Phí" not in messages["email"]
    assert messages["sms"] == (f"Hồ sơ {dossier.code} đã có kết quả. Mời Ông/Bà nhận kết quả theo hình thức "
                               f"đã đăng ký. Tra cứu: {messages['sms'].split('Tra cứu: ')[1]}")


def test_an_administrators_own_wording_is_left_alone():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("motcua.notifications.migrations.0009_resolved_shows_fee_owed")
    row = MessageTemplate.objects.get(event_kind="resolved", channel="sms", language="vi")
    row.body = "Hồ sơ {{ code }} đã xong."
    row.save()
    migration.forwards(apps, None)
    row.refresh_from_db()
    assert row.body == "Hồ sơ {{ code }} đã xong."
    migration.backwards(apps, None)  # only the seeded new text goes back
    assert MessageTemplate.objects.get(event_kind="resolved", channel="email", language="vi").body == \
        migration.OLD["email"]
