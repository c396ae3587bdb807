"""A message carrying a one-time code (password reset) keeps no readable code once it leaves the
queue, and the admin never shows it, not even while it is queued."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.notifications import services
from motcua.notifications.models import EventKind, OutboxMessage

pytestmark = pytest.mark.django_db

CONTEXT = {"reset_code": "482913", "valid_minutes": 15, "full_name": "Trần Thị Thử", "reset_url": "http://x/"}


def queue(kind=EventKind.PASSWORD_RESET, recipient="0987000222"):
    message, created = services.queue_message(kind=kind, channel="sms", recipient=recipient, context=CONTEXT)
    assert created and ("482913" in message.body) == (kind == EventKind.PASSWORD_RESET)
    return message


def test_the_code_is_masked_once_sent_or_failed(settings):
    settings.NOTIFICATION_PROVIDERS = {"sms": "console", "email": "console"}
    message = queue()
    services.attempt_delivery(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert "482913" not in message.body and "******" in message.body
    assert "0987000222" == message.recipient  # only the code goes

    failing = queue(recipient="0123")  # the simulator's permanent failure for an invalid number
    OutboxMessage.objects.filter(pk=failing.pk).update(provider="sms_simulator")
    services.attempt_delivery(failing.pk)
    failing.refresh_from_db()
    assert failing.status == OutboxMessage.Status.FAILED and "482913" not in failing.body


def test_other_messages_keep_their_body():
    message = queue(kind=EventKind.RECEIVED)
    assert services.masked("Mã hồ sơ 000.00.20.H99-260302-0001, mã 482913") == \
        "Mã hồ sơ 000.00.20.H99-260302-0001, mã ******"
    assert services.masked("Mã: 482913. Gọi 0987000222 hoặc 1.234567.000") == "Mã: ******. Gọi 0987000222 hoặc 1.234567.000"
    body = message.body
    services.attempt_delivery(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.body == body


def test_the_admin_hides_a_queued_code_and_does_not_resend_it(client):
    message = queue()
    admin = get_user_model().objects.create_superuser("root-outbox", "root@example.invalid", "x")
    client.force_login(admin)
    page = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200 and b"482913" not in page.content and b"******" in page.content
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    client.post(reverse("admin:notifications_outboxmessage_changelist"),
                {"action": "retry_failed", "_selected_action": [message.pk]})
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.FAILED


def test_reset_codes_are_not_counted_as_dossier_notifications(settings):
    import datetime

    from django.utils import timezone

    from motcua.notifications.selectors import sent_counts

    settings.NOTIFICATION_PROVIDERS = {"sms": "console", "email": "console"}
    for message in (queue(), queue(kind=EventKind.RECEIVED)):
        services.attempt_delivery(message.pk)
    today = timezone.localdate()
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2
    assert sent_counts(today, today + datetime.timedelta(days=1)) == {"sms": 1, "email": 0, "failed": 0}
