"""Prometheus metrics at /metrics (answered by `core.health.OperationsMiddleware`).

Two parts in one answer:
- the process metrics of prometheus_client and django-prometheus's request metrics (its two
  middlewares in settings): from this process, or from every gunicorn worker when
  PROMETHEUS_MULTIPROC_DIR is set (deploy/gunicorn.conf.py marks exited workers);
- the project's own gauges, read at each scrape: the notification outbox and the national sync
  outbox backlogs, overdue dossiers, e-receipts issued in the last minute (each from its app's
  `metrics.gauges`, listed in GAUGE_SOURCES, since core may not import them), and the Celery queue
  length read from Redis when the broker is Redis. A source that fails is left out and
  `motcua_metrics_source_up{source=...}` says 0, so one broken part never hides the others.

Access: a client address in METRICS_ALLOWED_NETWORKS, or `Authorization: Bearer <METRICS_TOKEN>`;
anyone else gets 403.
"""
from __future__ import annotations

import hmac
import logging
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string

from .proxy import address_in

logger = logging.getLogger(__name__)

GAUGE_SOURCES = (
    "motcua.notifications.metrics.gauges",
    "motcua.national.metrics.gauges",
    "motcua.dossiers.metrics.gauges",
    "motcua.payments.metrics.gauges",
    "motcua.core.metrics.celery_gauges",
)


@dataclass(frozen=True)
class Gauge:
    name: str  # without the motcua_ prefix
    documentation: str
    value: float
    labels: dict = field(default_factory=dict)


def allowed(request) -> bool:
    if address_in(request.META.get("REMOTE_ADDR", ""), getattr(settings, "METRICS_ALLOWED_NETWORKS", ())):
        return True
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token)


# --- the Celery queue --------------------------------------------------------------------------

# Kombu's Redis transport keeps a queue as a list under its name and, for priorities 1-9, under
# the name + "\x06\x16" + the priority step.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def celery_gauges() -> list[Gauge]:
    url = getattr(settings, "REDIS_URL", "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return []
    import redis

    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        pipe = client.pipeline()
        pipe.llen(queue)
        for step in _PRIORITY_STEPS:
            pipe.llen(f"{queue}{_PRIORITY_SEPARATOR}{step}")
        waiting = sum(pipe.execute())
    finally:
        client.close()
    return [Gauge("celery_queue_length", "Tasks waiting in the Celery broker's queue.", waiting, {"queue": queue})]


# --- the answer --------------------------------------------------------------------------------

def project_metrics():
    from prometheus_client.core import GaugeMetricFamily

    families: dict[str, GaugeMetricFamily] = {}
    up = GaugeMetricFamily("motcua_metrics_source_up", "1 when the source of project gauges answered.",
                           labels=["source"])
    for path in getattr(settings, "MOTCUA_METRICS_SOURCES", GAUGE_SOURCES):
        source = path.removeprefix("motcua.").replace(".metrics.", ".")
        try:
            gauges = import_string(path)()
        except Exception:
            logger.exception("metrics source %s failed", path)
            up.add_metric([source], 0)
            continue
        up.add_metric([source], 1)
        for gauge in gauges:
            name = f"motcua_{gauge.name}"
            family = families.get(name)
            if family is None:
                family = families[name] = GaugeMetricFamily(name, gauge.documentation,
                                                             labels=sorted(gauge.labels))
            family.add_metric([str(gauge.labels[key]) for key in sorted(gauge.labels)], gauge.value)
    return [*families.values(), up]


class _ProjectCollector:
    def collect(self):
        yield from project_metrics()


def render() -> tuple[bytes, str]:
    import prometheus_client
    from prometheus_client import CollectorRegistry, generate_latest

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = prometheus_client.REGISTRY
    own = CollectorRegistry(auto_describe=False)
    own.register(_ProjectCollector())
    return generate_latest(process_registry) + generate_latest(own), prometheus_client.CONTENT_TYPE_LATEST


def metrics_view(request) -> HttpResponse:
    if not allowed(request):
        response = HttpResponse('{"detail": "Forbidden."}', status=403, content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response
    body, content_type = render()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
