"""Answers for load balancers and monitoring, before the rest of the middleware.

- `/healthz`: the process is alive and answers (no database, nothing else): 200 `{"status": "ok"}`.
- `/readyz`: this node can serve: the database answers, the Celery broker answers (when REDIS_URL
  is set), the file storage takes a write, and no migration is left unapplied. 200 with each check's
  result, or 503 with `failed` naming what failed and why, so the balancer takes the node out.
  With a read replica (DATABASE_REPLICA_URL), its health is reported too, never as a failure: the
  heavy reads go to the primary meanwhile, so the node still serves. A replica down or lagging is
  `"degraded: <why>"` under `checks.replica`, the status `"degraded"`, and the answer still 200.
- `/metrics`: Prometheus metrics (motcua.core.metrics), only for METRICS_ALLOWED_NETWORKS or a
  request with `Authorization: Bearer <METRICS_TOKEN>`; 403 for anyone else.

They are answered by `OperationsMiddleware`, placed before SecurityMiddleware and CommonMiddleware:
a balancer probes a node by its own address over plain HTTP, which the host check and the HTTPS
redirect would refuse, and a probe needs no session, language or CSRF machinery.
"""
from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.http import HttpResponse

PATHS = ("/healthz", "/readyz", "/metrics")
_migrations_applied = False  # once true for this process it stays true (a new release restarts it)


def _json(payload: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(payload, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> str | None:
    """Ping the Redis broker; None when tasks run in-process (no REDIS_URL: nothing to check)."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return "not configured (tasks run in-process)"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return None


def check_storage() -> None:
    """Write, read back and delete a small file where the documents go."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    body = uuid.uuid4().hex.encode()
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(body))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != body:
                raise OSError("the file read back differs from the one written")
    finally:
        default_storage.delete(name)


def check_migrations() -> str | None:
    global _migrations_applied
    if _migrations_applied:
        return None
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:5])
        raise RuntimeError(f"{len(plan)} unapplied: {names}" + (" ..." if len(plan) > 5 else ""))
    _migrations_applied = True
    return None


CHECKS = (("database", check_database), ("broker", check_broker), ("storage", check_storage),
          ("migrations", check_migrations))


def check_replica() -> str | None:
    """The read replica's health, asked afresh: "ok (lag ...)", "degraded: why", or None without one."""
    from .db_routing import replica_configured, replica_status

    if not replica_configured():
        return None
    status = replica_status(refresh=True)
    if status.available:
        return f"ok (lag {status.lag:.1f} s)"
    return f"degraded: {status.reason}"


def readiness() -> tuple[bool, dict, dict]:
    """(ready, {check: "ok" or a note}, {failed check: reason}). The migration check needs the
    database, so it is reported as failed with it."""
    results, failed = {}, {}
    for name, check in CHECKS:
        if name == "migrations" and "database" in failed:
            failed[name] = "database unavailable"
            continue
        try:
            note = check()
        except Exception as exc:  # any failure is a reason to take the node out
            failed[name] = _error(exc)
        else:
            results[name] = note or "ok"
    replica = check_replica()
    if replica is not None:
        results["replica"] = replica
    return not failed, results, failed


def healthz(request) -> HttpResponse:
    return _json({"status": "ok"})


def readyz(request) -> HttpResponse:
    ready, results, failed = readiness()
    if ready:
        degraded = any(str(note).startswith("degraded") for note in results.values())
        return _json({"status": "degraded" if degraded else "ok", "checks": results})
    return _json({"status": "unavailable", "checks": results, "failed": failed}, status=503)


class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        if path not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"detail": "Method not allowed."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if path == "/healthz":
            return healthz(request)
        if path == "/readyz":
            return readyz(request)
        from .metrics import metrics_view

        return metrics_view(request)
