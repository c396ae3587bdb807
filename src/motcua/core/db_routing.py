"""Heavy reads on a PostgreSQL streaming replica, when one is configured (docs/running.md, "A read
replica").

With `DATABASE_REPLICA_URL` set, settings add a `replica` database alias. Nothing goes there by
default: the router below sends the reads of a request to the replica only

- inside a heavy-read scope: the views marked `@heavy_reads` (the reports, the dashboard, the
  public statistics, public tracking); the selectors they call do not know;
- when the replica is healthy: a standby (`pg_is_in_recovery()`) whose replay is no more than
  `DATABASE_REPLICA_MAX_LAG` seconds behind. The answer is kept `DATABASE_REPLICA_CHECK_SECONDS` per
  process; a replica that cannot be reached is remembered as down for
  `DATABASE_REPLICA_RETRY_SECONDS`;
- when the person has not just written: a non-safe request by a signed-in user, or one that wrote
  the session, sets a signed cookie valid `DATABASE_READ_YOUR_WRITES_SECONDS`
  (`ReadYourWritesMiddleware`), and while it holds their reads stay on the primary;
- when nothing in the scope has written yet (a write pins the rest of the request to the primary)
  and no transaction is open on the primary.

Writes and migrations only ever go to `default`; an instance read from the replica saves to the
primary (`db_for_write` always answers `default`, `allow_relation` lets the two aliases mix). A
connection error on the replica never reaches the person: the check answers "primary", and a
heavy-read view whose replica query failed (before it wrote anything) is answered again from the
primary, the failure remembered.

Why a signed cookie for read-your-writes rather than a timestamp in the session: it is read without
loading the session (one less primary query on every heavy page, and anonymous visitors have no
session), it works on every app node (signed with SECRET_KEY), and it expires by itself (the
signature carries its time; the browser drops it after its Max-Age too).
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "motcua_primary"
_PIN_SALT = "motcua.core.db_routing.read-your-writes"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# Ask the standby whether it is one, and how far its replay is behind. On an idle primary the last
# replayed commit grows old although the standby has everything: when it streams and has replayed
# all it received, it is current (lag 0); otherwise the lag is the age of the last replayed commit.
# pg_stat_wal_receiver shows its status only to superusers and pg_read_all_stats; to the
# application's own role it shows only the receiver's pid: then a running receiver counts.
HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL AND coalesce(status, 'streaming') = 'streaming'),
       pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# --- the replica's health, per process --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReplicaStatus:
    available: bool
    lag: float | None  # seconds; None when unknown
    reason: str  # why not available ("" when it is)
    checked_at: float  # time.monotonic()


_lock = threading.Lock()
_status: ReplicaStatus | None = None


def forget() -> None:
    """Drop the kept answer: the next question asks the replica (tests, and after a config change)."""
    global _status
    with _lock:
        _status = None


def lag_from(in_recovery: bool, streaming: bool, caught_up: bool, replay_age: float | None) -> float | None:
    """The replica's lag in seconds from the health query's row; None when it cannot serve."""
    if not in_recovery:
        return None  # promoted (or a primary by mistake): it no longer follows `default`
    if streaming and caught_up:
        return 0.0
    if replay_age is None:
        return None  # nothing replayed yet
    return max(0.0, replay_age)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _close_replica() -> None:
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


def probe() -> tuple:
    """The health query's row from the replica (raises on any database error)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(HEALTH_SQL)
        return cursor.fetchone()


def _judge(row: tuple) -> tuple[bool, float | None, str]:
    in_recovery, streaming, caught_up, replay_age = row
    lag = lag_from(bool(in_recovery), bool(streaming), bool(caught_up), replay_age)
    if not in_recovery:
        return False, None, "not a standby (pg_is_in_recovery() is false)"
    if lag is None:
        return False, None, "no transaction replayed yet"
    max_lag = _setting("DATABASE_REPLICA_MAX_LAG", 10)
    if lag > max_lag:
        return False, lag, f"lag {lag:.1f} s over DATABASE_REPLICA_MAX_LAG {max_lag:g} s"
    return True, lag, ""


def replica_status(*, refresh: bool = False) -> ReplicaStatus:
    """The replica's health, asked at most every DATABASE_REPLICA_CHECK_SECONDS (a failure to reach
    it is kept DATABASE_REPLICA_RETRY_SECONDS). Never raises."""
    global _status
    now = time.monotonic()
    with _lock:
        kept = _status
    if kept is not None and not refresh:
        ttl = _setting("DATABASE_REPLICA_CHECK_SECONDS", 5) if kept.available or kept.lag is not None \
            else _setting("DATABASE_REPLICA_RETRY_SECONDS", 30)
        if now - kept.checked_at < ttl:
            return kept
    if not replica_configured():
        return ReplicaStatus(False, None, "not configured", now)
    try:
        available, lag, reason = _judge(probe())
    except Exception as exc:  # any failure to ask means: read from the primary
        _close_replica()
        return mark_failed(exc)
    status = ReplicaStatus(available, lag, reason, time.monotonic())
    with _lock:
        if kept is None or kept.available != status.available:
            logger.info("read replica %s%s", "available" if available else "not used: ", reason)
        _status = status
    return status


def mark_failed(exc: BaseException) -> ReplicaStatus:
    """Remember that the replica could not be reached (a query or the check failed)."""
    global _status
    status = ReplicaStatus(False, None, _describe(exc), time.monotonic())
    with _lock:
        if _status is None or _status.available or _status.reason != status.reason:
            logger.warning("read replica unreachable, reads go to the primary: %s", status.reason)
        _status = status
    return status


# --- the heavy-read scope ----------------------------------------------------------------------


@dataclasses.dataclass
class Scope:
    primary_only: bool = False  # the person just wrote, or the replica already failed this request
    wrote: bool = False  # something in the scope wrote: its later reads see that on the primary
    used_replica: bool = False


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("motcua_heavy_read_scope", default=None)


@contextlib.contextmanager
def heavy_read_scope(*, primary_only: bool = False):
    """Reads inside may go to the replica (see the module's docstring). Yields the Scope."""
    scope = Scope(primary_only=primary_only)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def current_scope() -> Scope | None:
    return _scope.get()


def read_alias() -> str:
    """Where a read of this moment goes: the replica or `default`."""
    scope = _scope.get()
    if scope is None or scope.primary_only or scope.wrote or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # a transaction's own reads see its writes
    if not replica_status().available:
        return DEFAULT_DB_ALIAS
    scope.used_replica = True
    return REPLICA


class PrimaryReplicaRouter:
    """settings.DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # the same rows: an instance read from the replica may relate to one from the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


# --- read-your-writes --------------------------------------------------------------------------


def window() -> int:
    return int(_setting("DATABASE_READ_YOUR_WRITES_SECONDS", 30))


def reads_pinned(request) -> bool:
    """True while the person's read-your-writes cookie holds (their reads stay on the primary)."""
    pinned = getattr(request, "_motcua_reads_pinned", None)
    if pinned is None:
        pinned = bool(window()) and request.get_signed_cookie(
            PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=window()) is not None
        request._motcua_reads_pinned = pinned
    return pinned


def wrote(request) -> bool:
    """A write by this person: a non-safe request by a signed-in user or one that wrote the session
    (signing in). A safe request's session write (the officers' last-seen stamp, once a minute)
    changes nothing a heavy read shows, and does not pin."""
    if request.method in SAFE_METHODS:
        return False
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return bool((user is not None and user.is_authenticated) or (session is not None and session.modified))


class ReadYourWritesMiddleware:
    """After a person's write, their reads stay on the primary for DATABASE_READ_YOUR_WRITES_SECONDS
    (a signed cookie). Inactive without a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and window() and wrote(request):
            response.set_signed_cookie(
                PIN_COOKIE, "1", salt=_PIN_SALT, max_age=window(), httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE, path="/")
        return response


def _load_person(request) -> None:
    """The session and the user, read from the primary before the scope opens (a person who just
    signed in exists there first)."""
    user = getattr(request, "user", None)
    if user is not None:
        bool(user.is_authenticated)


def heavy_reads(view):
    """Mark a view whose reads may go to the replica. If the replica fails under it (before the view
    wrote anything), the failure is remembered and the view answered again from the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not replica_configured():
            return view(request, *args, **kwargs)
        _load_person(request)
        with heavy_read_scope(primary_only=reads_pinned(request)) as scope:
            try:
                return view(request, *args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                if not scope.used_replica or scope.wrote:
                    raise
                failure = exc
        mark_failed(failure)
        _close_replica()
        with heavy_read_scope(primary_only=True):
            return view(request, *args, **kwargs)

    return wrapped
