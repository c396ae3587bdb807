"""/healthz, /readyz and /metrics for load balancers and Prometheus; the request id; the client
address behind the proxy (motcua.core.health, .metrics, .logs, .proxy)."""
import io
import json
import logging
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from motcua.core import db_routing, health, logs
from motcua.testing.world import APPLICANT, MONDAY, documents_for

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _no_replica(monkeypatch):
    """The checks below are the primary's; a replica's (DATABASE_REPLICA_URL set for the suite, where
    it mirrors the default database and is no standby) is tested in test_db_routing.py."""
    monkeypatch.setattr(db_routing, "replica_configured", lambda: False)


@pytest.fixture
def production_host(settings):
    """As in production: a named host and HTTPS redirects (the probes come by IP over plain HTTP)."""
    settings.ALLOWED_HOSTS = ["motcua.example.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.fixture
def fresh_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


# --- /healthz and /readyz ---------------------------------------------------------------------

def test_healthz_answers_without_database_host_check_or_https_redirect(client, production_host):
    # No database access is allowed in this test: the probe must not touch it.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store" and len(response["X-Request-ID"]) == 32
    assert client.post("/healthz").status_code == 405
    # Anything else still goes through the host check and the redirect.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/", HTTP_HOST="motcua.example.gov.vn").status_code == 301


@pytest.mark.django_db
def test_readyz_is_ok_when_database_storage_and_migrations_are(client, production_host, media_root,
                                                                fresh_migration_check, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz/", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "broker": "not configured (tasks run in-process)", "storage": "ok", "migrations": "ok"}}
    assert not any(Path(media_root).rglob("*.txt"))  # the storage probe cleans up after itself


@pytest.mark.django_db
def test_readyz_pings_the_redis_broker(client, settings, broker, media_root):
    settings.REDIS_URL = REDIS
    assert client.get("/readyz").json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_names_every_failure_with_503(client, settings, tmp_path, fresh_migration_check):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker)
    with connection.cursor() as cursor:  # the newest migration of an app, forgotten (in the test's transaction)
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = "
                       "(SELECT MAX(name) FROM django_migrations WHERE app = 'core')")
    response = client.get("/readyz")
    assert response.status_code == 503
    payload = response.json()
    assert payload["status"] == "unavailable" and payload["checks"] == {"database": "ok"}
    assert set(payload["failed"]) == {"broker", "storage", "migrations"}
    assert payload["failed"]["broker"].startswith("ConnectionError")
    assert payload["failed"]["migrations"].startswith("RuntimeError: 1 unapplied: core.")


def test_readyz_reports_a_database_that_does_not_answer(client, monkeypatch, settings):
    from django.db import OperationalError

    def down():
        raise OperationalError('connection to server at "10.0.0.9", port 5432 failed: Connection refused')

    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "CHECKS", (("database", down), *health.CHECKS[1:3], ("migrations", health.check_migrations)))
    monkeypatch.setattr(health, "check_storage", lambda: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == {
        "database": 'OperationalError: connection to server at "10.0.0.9", port 5432 failed: Connection refused',
        "migrations": "database unavailable"}


# --- /metrics ---------------------------------------------------------------------------------

def metric(text: str, name: str, **labels) -> float:
    wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}" if labels else "")
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{wanted} not in the metrics")


@pytest.mark.django_db
def test_metrics_are_refused_to_the_public_and_open_to_the_allowed_and_the_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    bearer = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert bearer.status_code == 200 and bearer["Content-Type"].startswith("text/plain")
    settings.METRICS_TOKEN = ""  # no token configured: no token opens it
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
def test_metrics_count_the_backlogs_overdue_dossiers_and_the_celery_queue(client, world, settings, broker):
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier
    from motcua.national.models import OutboxItem
    from motcua.notifications.models import OutboxMessage

    settings.REDIS_URL = REDIS
    OutboxMessage.objects.bulk_create([
        OutboxMessage(event_kind="received", channel="sms", recipient="0912345678", body="x", status=status)
        for status in ("queued", "queued", "queued", "sent", "failed")])
    OutboxMessage.objects.create(event_kind="received", channel="email", recipient="a@example.vn", body="x")
    dossiers = [services.receive_at_counter(
        world["counter"], procedure_version=world["version"], applicant=APPLICANT,
        documents=[{"required_document": d["required_document"], "originals": 1} for d in documents_for(world)],
        service_point=world["centre"], received_at=MONDAY) for _ in range(3)]
    # Two of them past their due moment (a Monday long ago: every dossier received then is).
    Dossier.objects.filter(pk=dossiers[2].pk).update(due_at=timezone.now() + timezone.timedelta(days=30))
    pending_national = OutboxItem.objects.filter(acknowledged_at__isnull=True).count()
    broker.lpush("celery", "task-1", "task-2")
    broker.lpush("celery\x06\x163", "task-3")

    text = client.get("/metrics").content.decode()
    assert metric(text, "motcua_notification_outbox_backlog", channel="sms") == 3
    assert metric(text, "motcua_notification_outbox_backlog", channel="email") == 1
    assert metric(text, "motcua_national_sync_backlog") == pending_national
    assert metric(text, "motcua_dossiers_overdue") == 2
    assert metric(text, "motcua_celery_queue_length", queue="celery") == 3
    assert metric(text, "motcua_ereceipts_issued_last_minute") == 0
    for source in ("notifications.gauges", "national.gauges", "dossiers.gauges", "payments.gauges",
                   "core.celery_gauges"):
        assert metric(text, "motcua_metrics_source_up", source=source) == 1
    assert "django_http_requests_total_by_method_total" in text  # django-prometheus's request metrics


@pytest.mark.django_db
def test_a_failing_source_is_marked_down_and_the_others_still_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    text = client.get("/metrics").content.decode()
    assert metric(text, "motcua_metrics_source_up", source="core.celery_gauges") == 0
    assert metric(text, "motcua_metrics_source_up", source="dossiers.gauges") == 1


# --- the client address behind the proxy --------------------------------------------------------

@pytest.mark.django_db
def test_the_proxys_client_address_is_believed_only_from_the_proxy(client, settings):
    settings.PROXY_CLIENT_IP_HEADER = "X-Real-IP"
    settings.PROXY_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    # Through the proxy (loopback or a Unix socket): the header names the client.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.20.1.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="", HTTP_X_REAL_IP="10.20.1.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7").status_code == 403
    # Straight from elsewhere, the header is not believed; a malformed one is ignored.
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="10.20.1.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.20.9.9", HTTP_X_REAL_IP="not-an-address").status_code == 200
    settings.PROXY_CLIENT_IP_HEADER = ""  # off: REMOTE_ADDR as the server gave it
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.20.1.1").status_code == 403


# --- request ids and log lines ----------------------------------------------------------------

def test_the_request_id_is_taken_or_made_and_echoed(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert given["X-Request-ID"] == "lb-7f3a9c2e-0001"
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    for bad in ("short", "has spaces in it", "x" * 129, "<script>alert(1)</script>"):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


def json_handler() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.addFilter(logs.PersonalDataFilter())
    handler.setFormatter(logs.JsonFormatter())
    return handler, stream


def test_log_lines_are_json_with_the_request_id():
    handler, stream = json_handler()
    logger = logging.getLogger("motcua.test.requests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("dossier %s received", "H99.12-260105-0001")
        try:
            raise ValueError("broken for 0912345678")
        except ValueError:
            logger.exception("failed")
        from django.http import HttpResponse
        return HttpResponse("ok")

    from django.test import RequestFactory

    try:
        response = logs.RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-0123456789"))
        logger.info("outside any request")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert response["X-Request-ID"] == "req-0123456789"
    assert [(line["message"], line["request_id"], line["level"]) for line in lines] == [
        ("dossier H99.12-260105-0001 received", "req-0123456789", "INFO"),
        ("failed", "req-0123456789", "ERROR"),
        ("outside any request", "-", "INFO")]
    assert "ValueError: broken for [redacted]" in lines[1]["exception"]


@pytest.mark.parametrize("text, expected", [
    ("citizen 038190012345 signed in", "citizen [redacted] signed in"),
    ("old card 123456789", "old card [redacted]"),
    ("tax code 0101234567-001 and 0101234567", "tax code [redacted] and [redacted]"),
    ("sms to 0912345678, 0912 345 678, 0912.345.678, +84912345678, +84 912 345 678",
     "sms to [redacted], [redacted], [redacted], [redacted], [redacted]"),
    ("mail to mau.tran@example.vn", "mail to [redacted]"),
    # What is not personal stays readable: codes, amounts, times, ids.
    ("dossier H99.12-260105-0001 paid 1500000 VND at 2026-01-05T10:00:00 by user 42",
     "dossier H99.12-260105-0001 paid 1500000 VND at 2026-01-05T10:00:00 by user 42"),
])
def test_personal_data_is_masked(text, expected):
    assert logs.redact(text) == expected


@pytest.fixture
def every_log_line():
    """Every line the project's console handler would write at INFO, JSON, while the test runs."""
    handler, stream = json_handler()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)



def test_the_shared_cache_answers_a_miss_when_redis_is_down():
    """Production's cache (CACHE_URL, else REDIS_URL): an unreachable Redis is a miss, not an error."""
    import socket

    from motcua.core.cache import SharedRedisCache

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cache = SharedRedisCache(f"redis://127.0.0.1:{port}/0",
                             {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}})
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("key", 1) is False and cache.has_key("key") is False
    cache.set("key", 1)
    cache.delete("key")
