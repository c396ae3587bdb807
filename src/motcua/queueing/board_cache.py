"""The board's JSON, kept a moment in each server process.

Every screen of a service point polls the same JSON every 2 seconds; without this each poll
computed the board (four queries) only to answer 304. Each process now keeps the body and its
ETag for QUEUEING_BOARD_CACHE_SECONDS (default 0.5 s), so a call shows on the boards within
2 s (poll) + 0.5 s, well inside the 3 s of issue 12, and most polls cost no query at all.
A change of a ticket, its events or a counter saved in this process forgets the kept boards at
once; other processes see it when their copy expires (no shared cache is needed).

`BoardShortcut` (wrapped around the WSGI application in motcua/wsgi.py) answers a poll whose
If-None-Match is the ETag kept here with 304 before Django's request handling: the answer the view
would give in that moment, at a fraction of its cost (no body, so nothing of the middleware's
work applies to it). Anything else goes to Django.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from datetime import date

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from motcua.organization.models import Counter

from . import selectors
from .models import Ticket, TicketEvent

_kept: dict[tuple[str, date], tuple[float, bytes, str]] = {}
_lock = threading.Lock()


def ttl() -> float:
    return float(getattr(settings, "QUEUEING_BOARD_CACHE_SECONDS", 0.5))


def board_json(code: str, day: date, point_of) -> tuple[bytes, str]:
    """The board's body and ETag for the service point `code` on `day`; `point_of(code)` finds
    the point (or raises Http404) when the board must be computed."""
    key = (code, day)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and kept[0] > now:
        return kept[1], kept[2]
    body = json.dumps(selectors.board(point_of(code), day), ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
    if ttl() > 0:
        with _lock:
            if len(_kept) > 1000:  # codes that do not exist are never kept; old days go here
                _kept.clear()
            _kept[key] = (now + ttl(), body, etag)
    return body, etag


def forget(*_args, **_kwargs) -> None:
    with _lock:
        _kept.clear()


for _model in (Ticket, TicketEvent, Counter):
    post_save.connect(forget, sender=_model, dispatch_uid=f"queueing.board_cache.{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"queueing.board_cache.delete.{_model.__name__}")


# /xep-hang/<code>/bang.json (queueing/urls.py, mounted at /xep-hang/ in motcua/urls.py).
BOARD_PATH = re.compile(r"^/xep-hang/([-a-zA-Z0-9_]+)/bang\.json$")


def unchanged(environ) -> str | None:
    """The kept ETag when this request is a board poll that already holds it, else None."""
    if environ.get("REQUEST_METHOD") != "GET" or not environ.get("HTTP_IF_NONE_MATCH"):
        return None
    match = BOARD_PATH.match(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    kept = _kept.get((match.group(1), timezone.localdate()))
    if kept is None or kept[0] <= time.monotonic():
        return None
    return kept[2] if kept[2] in [tag.strip() for tag in environ["HTTP_IF_NONE_MATCH"].split(",")] else None


class BoardShortcut:
    """WSGI: a board poll answered 304 from the kept ETag; every other request to `app`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        etag = unchanged(environ)
        if etag is None:
            return self.app(environ, start_response)
        start_response("304 Not Modified", [("ETag", etag), ("Cache-Control", "no-cache"),
                                             ("X-Content-Type-Options", "nosniff")])
        return []
