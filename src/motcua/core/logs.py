"""Log lines an operator can ship to a log store: a request id in each, JSON on request, and no
personal data.

- `RequestIdMiddleware` takes the request's `X-Request-ID` (set by nginx, or by the load balancer
  before it) when it is a plain token, else makes one; it is echoed in the response and put in a
  context variable that `RequestIdFilter` copies into every log record of the request.
- `JsonFormatter` writes one JSON object per line (LOG_FORMAT=json in settings): time, level,
  logger, message, request id, and the exception's traceback when there is one.
- `PersonalDataFilter` masks what looks like a citizen ID, a tax code, a phone number or an e-mail
  address in the message (and its arguments) before any handler writes it. Names cannot be
  recognised in free text: the project's log calls name dossiers by code and people by user id,
  never by name (documents/tests/test_logs_personal_data.py walks a journey and reads every line).
"""
from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("motcua_request_id", default="-")


def current_request_id() -> str:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(_META_KEY, "")
        request_id = given if _VALID.match(given) else new_request_id()
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


# 12-digit citizen IDs and 9-digit old ID cards, 10/13-digit tax codes, Vietnamese phones in any
# usual spelling (0912 345 678, 0912.345.678, +84 912345678), e-mail addresses.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\w])")
_DIGITS = re.compile(r"(?<![\w-])(?:\d{12}|\d{10}(?:-\d{3})?|\d{9})(?![\w-])")
MASK = "[redacted]"


def redact(text: str) -> str:
    text = _EMAIL.sub(MASK, text)
    text = _DIGITS.sub(MASK, text)
    return _PHONE.sub(MASK, text)


class PersonalDataFilter(logging.Filter):
    """Formats the message once, masks it, and hands the masked text on (no arguments left)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it; leave it as it is
            return True
        masked = redact(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _current.get()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
