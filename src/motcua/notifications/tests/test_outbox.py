import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from motcua.notifications import providers
from motcua.notifications.models import MessageTemplate, OutboxMessage
from motcua.notifications.phones import InvalidPhone, normalize_mobile
from motcua.notifications.selectors import sent_counts
from motcua.notifications.services import attempt_delivery, backoff_seconds, queue_message
from motcua.notifications.tasks import deliver_message

CONTEXT = {
    "code": "000.00.53.H48-261123-0007",
    "applicant_name": "Phạm Thị Hồng Nhung",
    "procedure_name": "Đăng ký khai sinh",
    "receiving_agency_name": "UBND xã Tịnh Ấn Tây",
    "received_at": "09:30 23/11/2026",
    "due_at": "16:00 25/11/2026",
    "tracking_url": "http://127.0.0.1:8000/tra-cuu/?ma=000.00.53.H48-261123-0007",
    "missing_items": "Bản sao Giấy chứng nhận kết hôn",
    "reason": "Thiếu giấy tờ chứng minh quan hệ cha mẹ",
}


@pytest.mark.django_db
def test_seeded_templates_cover_every_event_in_vietnamese():
    kinds = set(MessageTemplate.objects.filter(language="vi").values_list("event_kind", "channel"))
    for kind in ("received", "supplement_requested", "refused", "resolved", "apology", "returned", "overdue"):
        assert (kind, "sms") in kinds and (kind, "email") in kinds
    template = MessageTemplate.objects.in_force("received", "email")
    subject, body = template.render(CONTEXT)
    assert subject == "Đã tiếp nhận hồ sơ 000.00.53.H48-261123-0007"
    assert "Kính gửi Ông/Bà Phạm Thị Hồng Nhung" in body
    assert "Thời hạn trả kết quả: 16:00 25/11/2026" in body


@pytest.mark.django_db
def test_rendering_picks_the_version_in_force_and_does_not_escape():
    MessageTemplate.objects.create(
        event_kind="received", channel="sms", body="Mới: {{ code }} & {{ applicant_name }}",
        effective_from=timezone.localdate() + timedelta(days=1),
    )
    message, created = queue_message(kind="received", channel="sms", recipient="0912345678", context=CONTEXT)
    assert created
    assert message.body.startswith("UBND xã Tịnh Ấn Tây đã tiếp nhận hồ sơ 000.00.53.H48-261123-0007")
    MessageTemplate.objects.create(
        event_kind="received", channel="sms", body="Mới: {{ code }} & {{ applicant_name }}",
        effective_from=timezone.localdate(),
    )
    message, _ = queue_message(kind="received", channel="sms", recipient="0987654321", context=CONTEXT)
    assert message.body == "Mới: 000.00.53.H48-261123-0007 & Phạm Thị Hồng Nhung"


@pytest.mark.django_db
def test_same_event_channel_and_recipient_is_queued_once():
    first, created = queue_message(kind="refused", channel="sms", recipient="0912345678", context=CONTEXT, event_id=42)
    again, created_again = queue_message(
        kind="refused", channel="sms", recipient="0912345678", context=CONTEXT, event_id=42
    )
    other, created_other = queue_message(
        kind="refused", channel="email", recipient="nhung@example.org", context=CONTEXT, event_id=42
    )
    assert created and not created_again and created_other
    assert again.pk == first.pk
    assert OutboxMessage.objects.filter(event_id=42).count() == 2


@pytest.mark.parametrize(
    "raw,expected",
    [("0912345678", "84912345678"), ("+84 912 345 678", "84912345678"), ("84-398.765.432", "84398765432")],
)
def test_mobile_numbers_normalise_to_84_form(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["091234567", "02553123456", "0112345678", "abc", "", "0912345678901"])
def test_invalid_mobile_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_mobile(raw)


@pytest.mark.django_db
def test_sms_simulator_sends_valid_numbers_and_fails_invalid_ones_without_retry(settings):
    settings.MOTCUA_NOTIFICATION_PROVIDERS = {"sms": "sms_simulator"}
    good, _ = queue_message(kind="resolved", channel="sms", recipient="0912 345 678", context=CONTEXT, event_id=1)
    bad, _ = queue_message(kind="resolved", channel="sms", recipient="0255312345", context=CONTEXT, event_id=2)
    deliver_message.delay(good.pk)
    deliver_message.delay(bad.pk)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.attempts, good.provider) == ("sent", 1, "sms_simulator")
    assert good.provider_message_id.startswith("sim-")
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert "invalid mobile number" in bad.last_error
    log_lines = [json.loads(line) for line in providers.outbox_log_path().read_text(encoding="utf-8").splitlines()]
    assert any(line["to"] == "84912345678" and line["id"] == good.provider_message_id for line in log_lines)


class FlakyProvider(providers.Provider):
    name = "test_flaky"
    channels = ("sms", "email")
    calls = 0

    def send(self, message):
        FlakyProvider.calls += 1
        raise providers.TemporaryFailure("gateway timeout")


@pytest.fixture
def flaky(settings):
    providers.register(FlakyProvider)
    FlakyProvider.calls = 0
    settings.MOTCUA_NOTIFICATION_PROVIDERS = {"sms": "test_flaky", "email": "test_flaky"}
    yield FlakyProvider
    providers.PROVIDERS.unregister(FlakyProvider.name)


@pytest.mark.django_db
def test_temporary_failures_are_retried_until_max_attempts_then_failed(flaky, settings):
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 4
    message, _ = queue_message(kind="apology", channel="sms", recipient="0912345678", context=CONTEXT)
    deliver_message.delay(message.pk)  # eager: the retries run at once
    message.refresh_from_db()
    assert flaky.calls == 4
    assert (message.status, message.attempts, message.last_error) == ("failed", 4, "gateway timeout")
    assert message.sent_at is None
    assert attempt_delivery(message.pk) is False and flaky.calls == 4  # a failed message is left alone


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff_seconds(20) == 3600


@pytest.mark.django_db
def test_smtp_provider_uses_django_email_backend(settings):
    settings.MOTCUA_NOTIFICATION_PROVIDERS = {"email": "smtp"}
    message, _ = queue_message(kind="received", channel="email", recipient="nhung@example.org", context=CONTEXT)
    deliver_message.delay(message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Đã tiếp nhận hồ sơ 000.00.53.H48-261123-0007"
    assert mail.outbox[0].extra_headers["Message-ID"] == message.provider_message_id


class GatewayHandler(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        GatewayHandler.received.append((self.headers["Authorization"], body))
        status, answer = (200, {"message_id": "gw-777"}) if body["to"] != "84999999999" else (503, {"error": "busy"})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.mark.django_db
def test_sms_gateway_posts_json_with_token_and_84_number(settings, monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), GatewayHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    GatewayHandler.received = []
    try:
        monkeypatch.setenv("MOTCUA_SMS_GATEWAY_URL", f"http://127.0.0.1:{server.server_port}/send")
        monkeypatch.setenv("MOTCUA_SMS_GATEWAY_TOKEN", "secret-token")
        settings.MOTCUA_NOTIFICATION_PROVIDERS = {"sms": "sms_gateway"}
        settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 2
        ok, _ = queue_message(kind="returned", channel="sms", recipient="0912345678", context=CONTEXT)
        busy, _ = queue_message(kind="returned", channel="sms", recipient="0999999999", context=CONTEXT)
        invalid, _ = queue_message(kind="returned", channel="sms", recipient="12345", context=CONTEXT)
        for message in (ok, busy, invalid):
            deliver_message.delay(message.pk)
            message.refresh_from_db()
    finally:
        server.shutdown()
    assert (ok.status, ok.provider_message_id) == ("sent", "gw-777")
    assert (busy.status, busy.attempts) == ("failed", 2)  # 503 is temporary: retried, then failed
    assert (invalid.status, invalid.attempts) == ("failed", 1)  # never reached the gateway
    token, body = GatewayHandler.received[0]
    assert token == "Bearer secret-token"
    assert body["to"] == "84912345678" and body["text"] == ok.body
    assert len(GatewayHandler.received) == 3


@pytest.mark.django_db
def test_sent_counts_by_channel_period_and_agency(settings, flaky):
    from motcua.organization.models import AdministrativeLevel, Agency

    level = AdministrativeLevel.objects.create(code="province", name="Tỉnh", rank=1)
    justice = Agency.objects.create(code="000.00.53.H48", name="Sở Tư pháp", level=level)
    other = Agency.objects.create(code="000.00.54.H48", name="Sở Xây dựng", level=level)
    settings.MOTCUA_NOTIFICATION_PROVIDERS = {"sms": "console", "email": "console"}
    for n, (channel, recipient, agency) in enumerate(
        [("sms", "0912345678", justice), ("sms", "0912345679", justice), ("email", "a@example.org", justice),
         ("sms", "0912345670", other)]
    ):
        message, _ = queue_message(kind="received", channel=channel, recipient=recipient, context=CONTEXT,
                                   event_id=100 + n, agency_id=agency.pk)
        deliver_message.delay(message.pk)
    settings.MOTCUA_NOTIFICATION_PROVIDERS = {"email": "test_flaky"}
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 1
    failed, _ = queue_message(kind="received", channel="email", recipient="b@example.org", context=CONTEXT,
                              agency_id=justice.pk)
    deliver_message.delay(failed.pk)

    today = timezone.localdate()
    assert sent_counts(today, today) == {"sms": 3, "email": 1, "failed": 1}
    assert sent_counts(today, today, agency_ids=[justice.pk]) == {"sms": 2, "email": 1, "failed": 1}
    assert sent_counts(today, today, agency_ids=[other.pk]) == {"sms": 1, "email": 0, "failed": 0}
    assert sent_counts(today - timedelta(days=7), today - timedelta(days=1)) == {"sms": 0, "email": 0, "failed": 0}
    # An old sent message counts on its own day.
    OutboxMessage.objects.filter(recipient="0912345678").update(sent_at=timezone.now() - timedelta(days=3))
    assert sent_counts(today - timedelta(days=3), today - timedelta(days=3)) == {"sms": 1, "email": 0, "failed": 0}


@pytest.mark.django_db
def test_the_sweep_hands_over_what_is_due_and_leaves_backoffs_and_fresh_messages_alone():
    from motcua.notifications.tasks import FRESH_SECONDS, due_for_sweep

    now = timezone.now()

    def message(recipient, **fields):
        row, _ = queue_message(kind="received", channel="sms", recipient=recipient, context=CONTEXT)
        OutboxMessage.objects.filter(pk=row.pk).update(**fields)
        return row.pk

    fresh = message("0912000001", created_at=now - timedelta(seconds=FRESH_SECONDS - 5))
    stranded = message("0912000002", created_at=now - timedelta(seconds=FRESH_SECONDS + 5))
    # Tried three times: the next try is 4 minutes after the last one.
    waiting = message("0912000003", attempts=3, last_attempt_at=now - timedelta(minutes=3))
    overdue = message("0912000004", attempts=3, last_attempt_at=now - timedelta(minutes=5))
    message("0912000005", status=OutboxMessage.Status.SENT, created_at=now - timedelta(hours=1))
    message("0912000006", status=OutboxMessage.Status.FAILED, attempts=5,
            last_attempt_at=now - timedelta(hours=2))
    assert sorted(due_for_sweep(now)) == sorted([stranded, overdue])
    # A minute later the waiting one's backoff is over, and the fresh one has had its chance.
    assert sorted(due_for_sweep(now + timedelta(minutes=1, seconds=1))) == sorted([fresh, stranded, waiting, overdue])
