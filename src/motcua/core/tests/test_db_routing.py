"""The read-replica router's decisions (motcua.core.db_routing) with the replica's health faked: no
replica needed, any database. The real replica is tests/test_read_replica.py."""
import datetime
import runpy
from types import SimpleNamespace

import pytest
import time_machine
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.core import db_routing
from motcua.core.db_routing import REPLICA, PrimaryReplicaRouter, heavy_read_scope, heavy_reads, read_alias

HEALTHY = (True, True, True, 0.2)  # in recovery, streaming, replayed all it received, last commit 0.2 s ago


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def replica(monkeypatch, settings):
    """A configured replica whose health query answers `replica.row` (or raises `replica.error`)."""
    settings.DATABASE_REPLICA_MAX_LAG = 10
    settings.DATABASE_REPLICA_CHECK_SECONDS = 5
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 30
    fake = SimpleNamespace(row=HEALTHY, error=None, probes=0, clock=Clock())

    def probe():
        fake.probes += 1
        if fake.error is not None:
            raise fake.error
        return fake.row

    monkeypatch.setattr(db_routing, "replica_configured", lambda: True)
    monkeypatch.setattr(db_routing, "probe", probe)
    monkeypatch.setattr(db_routing, "_close_replica", lambda: None)
    monkeypatch.setattr(db_routing.time, "monotonic", fake.clock)
    db_routing.forget()
    yield fake
    db_routing.forget()


# --- the health check --------------------------------------------------------------------------

@pytest.mark.parametrize("row, available, lag", [
    ((True, True, True, 0.5), True, 0.0),
    # An idle primary: the last replayed commit is old, but the standby has replayed all it received.
    ((True, True, True, 900.0), True, 0.0),
    ((True, True, False, 4.0), True, 4.0),  # replaying behind what it received: the last commit's age
    ((True, True, False, 12.5), False, 12.5),  # over DATABASE_REPLICA_MAX_LAG
    ((True, False, True, 900.0), False, 900.0),  # not streaming (the primary unreachable): stale
    ((True, True, True, None), True, 0.0),
    ((True, False, False, None), False, None),  # nothing replayed yet
    ((False, False, False, None), False, None),  # promoted: no longer follows the primary
])
def test_the_health_row_is_judged_by_replay_position_and_lag(replica, row, available, lag):
    replica.row = row
    status = db_routing.replica_status()
    assert (status.available, status.lag) == (available, lag)
    assert bool(status.reason) == (not available)


def test_the_health_answer_is_kept_a_few_seconds_and_a_failure_longer(replica):
    assert db_routing.replica_status().available and replica.probes == 1
    replica.clock.now += 4
    assert db_routing.replica_status().available and replica.probes == 1
    replica.clock.now += 2  # past DATABASE_REPLICA_CHECK_SECONDS
    replica.error = OperationalError("connection to server at 127.0.0.1, port 5433 failed: Connection refused")
    status = db_routing.replica_status()
    assert not status.available and replica.probes == 2
    assert status.reason.startswith("OperationalError: connection to server")
    replica.error = None
    replica.clock.now += 20  # the failure is remembered DATABASE_REPLICA_RETRY_SECONDS
    assert not db_routing.replica_status().available and replica.probes == 2
    replica.clock.now += 11
    assert db_routing.replica_status().available and replica.probes == 3


def test_an_unexpected_failure_of_the_check_is_also_only_a_fallback(replica):
    replica.error = RuntimeError("anything at all")
    assert db_routing.replica_status().reason == "RuntimeError: anything at all"
    with heavy_read_scope():
        assert read_alias() == "default"


# --- where reads go ----------------------------------------------------------------------------

def test_reads_go_to_the_replica_only_in_a_heavy_read_scope_while_it_is_healthy(replica):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(None) == "default"
    with heavy_read_scope() as scope:
        assert router.db_for_read(None) == REPLICA and scope.used_replica
    assert router.db_for_read(None) == "default"
    replica.row = (True, True, False, 30.0)  # lagging
    replica.clock.now += 10
    with heavy_read_scope() as scope:
        assert router.db_for_read(None) == "default" and not scope.used_replica


def test_a_pinned_person_and_a_scope_that_wrote_read_from_the_primary(replica):
    router = PrimaryReplicaRouter()
    with heavy_read_scope(primary_only=True):
        assert router.db_for_read(None) == "default"
    with heavy_read_scope() as scope:
        assert router.db_for_read(None) == REPLICA
        assert router.db_for_write(None) == "default"
        assert scope.wrote and router.db_for_read(None) == "default"


def test_reads_inside_a_transaction_on_the_primary_stay_there(replica, monkeypatch):
    monkeypatch.setattr(db_routing, "connections", {"default": SimpleNamespace(in_atomic_block=True)})
    with heavy_read_scope():
        assert read_alias() == "default"
    assert replica.probes == 0


def test_without_a_replica_nothing_changes(monkeypatch):
    monkeypatch.setattr(db_routing, "replica_configured", lambda: False)
    with heavy_read_scope():
        assert read_alias() == "default"


def test_writes_and_migrations_only_on_the_primary_and_instances_may_mix():
    router = PrimaryReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "dossiers") is True
    assert router.allow_migrate(REPLICA, "dossiers") is False
    read = SimpleNamespace(_state=SimpleNamespace(db=REPLICA))
    written = SimpleNamespace(_state=SimpleNamespace(db="default"))
    other = SimpleNamespace(_state=SimpleNamespace(db="archive"))
    assert router.allow_relation(read, written) is True
    assert router.allow_relation(read, other) is None


# --- the view decorator ------------------------------------------------------------------------

def anonymous_get(path="/thong-ke/"):
    request = RequestFactory().get(path)
    request.user = SimpleNamespace(is_authenticated=False)
    return request


def test_a_view_whose_replica_fails_is_answered_from_the_primary_and_the_failure_remembered(replica):
    calls = []

    @heavy_reads
    def view(request):
        alias = read_alias()
        calls.append(alias)
        if alias == REPLICA:
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse(alias)

    response = view(anonymous_get())
    assert response.status_code == 200 and response.content == b"default"
    assert calls == [REPLICA, "default"]
    assert db_routing.replica_status().reason == "OperationalError: server closed the connection unexpectedly"
    assert view(anonymous_get()).content == b"default" and calls[2:] == ["default"]


def test_a_view_that_wrote_before_the_replica_failed_is_not_run_twice(replica):
    runs = []

    @heavy_reads
    def reads_then_writes(request):
        runs.append(read_alias())
        PrimaryReplicaRouter().db_for_write(None)
        raise OperationalError("boom")

    with pytest.raises(OperationalError):
        reads_then_writes(anonymous_get())
    assert runs == [REPLICA]


def test_a_failure_of_the_primary_itself_is_not_hidden(replica):
    replica.row = (True, True, False, 60.0)  # lagging: reads already on the primary

    @heavy_reads
    def view(request):
        assert read_alias() == "default"
        raise OperationalError("the primary is down")

    with pytest.raises(OperationalError, match="the primary is down"):
        view(anonymous_get())


# --- read-your-writes --------------------------------------------------------------------------

def respond(request, *, writes_session=False):
    if writes_session:
        request.session.modified = True
    return HttpResponse("ok")


def through_middleware(request, **kwargs):
    return db_routing.ReadYourWritesMiddleware(lambda r: respond(r, **kwargs))(request)


def test_a_signed_in_persons_write_pins_their_reads_to_the_primary_for_the_window(replica):
    factory = RequestFactory()
    post = factory.post("/mot-cua/ho-so/X/thao-tac/take/")
    post.user = SimpleNamespace(is_authenticated=True)
    cookie = through_middleware(post).cookies[db_routing.PIN_COOKIE]
    assert cookie["max-age"] == 30 and cookie["httponly"] and cookie["samesite"] == "Lax"

    def later(seconds):
        request = factory.get("/tra-cuu/", {"ma": "X"})
        request.COOKIES[db_routing.PIN_COOKIE] = cookie.value
        request.user = SimpleNamespace(is_authenticated=True)
        with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)):
            return db_routing.reads_pinned(request)

    assert later(5) is True
    assert later(31) is False  # the window is over (the signature carries its time)

    @heavy_reads
    def view(request):
        return HttpResponse(read_alias())

    pinned = factory.get("/tra-cuu/")
    pinned.COOKIES[db_routing.PIN_COOKIE] = cookie.value
    pinned.user = SimpleNamespace(is_authenticated=True)
    assert view(pinned).content == b"default"
    assert view(anonymous_get()).content == REPLICA.encode()
    forged = anonymous_get()
    forged.COOKIES[db_routing.PIN_COOKIE] = "1"
    assert view(forged).content == REPLICA.encode()


def test_what_counts_as_a_write(replica):
    factory = RequestFactory()
    signed_in, anonymous = SimpleNamespace(is_authenticated=True), SimpleNamespace(is_authenticated=False)
    get = factory.get("/mot-cua/")
    get.user, get.session = signed_in, SimpleNamespace(modified=True)  # the officers' last-seen stamp
    assert db_routing.PIN_COOKIE not in through_middleware(get).cookies
    post = factory.post("/phan-anh/")
    post.user, post.session = anonymous, SimpleNamespace(modified=False)
    assert db_routing.PIN_COOKIE not in through_middleware(post).cookies
    sign_in = factory.post("/tai-khoan/dang-nhap/")
    sign_in.user, sign_in.session = anonymous, SimpleNamespace(modified=False)
    assert db_routing.PIN_COOKIE in through_middleware(sign_in, writes_session=True).cookies


def test_no_cookie_without_a_replica_or_with_the_window_off(settings, replica, monkeypatch):
    post = RequestFactory().post("/x/")
    post.user = SimpleNamespace(is_authenticated=True)
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 0
    assert db_routing.PIN_COOKIE not in through_middleware(post).cookies
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 30
    monkeypatch.setattr(db_routing, "replica_configured", lambda: False)
    assert db_routing.PIN_COOKIE not in through_middleware(post).cookies


# --- readiness and settings --------------------------------------------------------------------

@pytest.mark.django_db
def test_readyz_reports_a_replica_down_as_degraded_not_failed(client, replica, settings, media_root):
    settings.REDIS_URL = ""
    replica.error = OperationalError('connection to server at "127.0.0.1", port 5433 failed: Connection refused')
    response = client.get("/readyz")
    assert response.status_code == 200
    payload = response.json()
    assert payload["status"] == "degraded" and "failed" not in payload
    assert payload["checks"]["replica"].startswith("degraded: OperationalError: connection to server")
    replica.error = None
    payload = client.get("/readyz").json()  # asked afresh, not the remembered failure
    assert payload["status"] == "ok" and payload["checks"]["replica"] == "ok (lag 0.0 s)"


def test_the_replica_setting_adds_a_mirrored_alias_with_the_primarys_options(monkeypatch):
    from motcua import settings as settings_module

    settings_file = settings_module.__file__
    monkeypatch.setenv("DATABASE_URL", "postgres://motcua@127.0.0.1:6432/motcua")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://motcua@10.0.0.12:6432/motcua")
    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "1")
    values = runpy.run_path(settings_file)
    replica, default = values["DATABASES"]["replica"], values["DATABASES"]["default"]
    assert replica["HOST"] == "10.0.0.12" and replica["TEST"] == {"MIRROR": "default"}
    assert replica["DISABLE_SERVER_SIDE_CURSORS"] is True and replica["OPTIONS"]["prepare_threshold"] is None
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] and replica["CONN_HEALTH_CHECKS"] is True
    assert values["DATABASE_ROUTERS"] == ["motcua.core.db_routing.PrimaryReplicaRouter"]
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert "replica" not in runpy.run_path(settings_file)["DATABASES"]
