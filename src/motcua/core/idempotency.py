"""Idempotent creating requests: the `Idempotency-Key` header of the API, and the one-time form
token of pages that create (the counter intake).

A client that did not get the answer of a creating request (a timeout, a dropped connection, a
500 after the commit) sends it again with the same `Idempotency-Key`. For 24 hours
(IDEMPOTENCY_TTL_HOURS) the same caller (the signed-in user; an anonymous caller by its address)
with the same key gets:

- the same request again (same method, path and body): the stored answer, status and body, with
  the header `Idempotent-Replayed: true`; nothing is done a second time;
- another request (a different body or path): 422, `code` `idempotency_key_reused`.

How it holds under concurrency: the `IdempotencyRecord` row (unique on caller and key) is inserted
in the same transaction as the work, before it. A second request with the same key blocks on the
unique index until the first commits (PostgreSQL), then finds the row and replays the answer; if
the first failed (an exception: everything rolled back), the second does the work. Only a success
(2xx) is kept: after a refusal (4xx) the row is removed, so a corrected request may use the key.

Use `@idempotent` on an API view method (DRF), and `IDEMPOTENCY_PARAMETERS` /
`IDEMPOTENCY_RESPONSES` in its `extend_schema`.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII: a UUID, a ULID, a hash

IDEMPOTENCY_PARAMETERS = [
    OpenApiParameter(
        HEADER, str, OpenApiParameter.HEADER, required=False,
        description="Optional, recommended: a unique key per request (e.g. a UUID), 1-255 visible ASCII "
                    "characters. Sending the same request again with the same key within 24 hours returns "
                    "the stored answer (header Idempotent-Replayed: true) and creates nothing; the same key "
                    "with a different request answers 422 (code idempotency_key_reused).",
    )
]
_ERROR = inline_serializer("IdempotencyError", {"detail": serializers.CharField(), "code": serializers.CharField()})
IDEMPOTENCY_RESPONSES = {
    422: OpenApiResponse(_ERROR, description="The Idempotency-Key was already used for a different request "
                                             "(code idempotency_key_reused)"),
}


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24)))


def caller_of(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"[:80]


def _value_bytes(value) -> bytes:
    if hasattr(value, "read") and hasattr(value, "name"):  # an uploaded file: its content counts
        digest = hashlib.sha256()
        value.seek(0)
        for chunk in iter(lambda: value.read(65536), b""):
            digest.update(chunk)
        value.seek(0)
        return b"file:" + digest.hexdigest().encode()
    return str(value).encode()


def fingerprint(request) -> str:
    """A hash of what the request asks: method, path and parsed body (form fields in any order,
    uploaded files by content), so a resent multipart body with another boundary is the same."""
    digest = hashlib.sha256(f"{request.method}\0{request.path}\0".encode())
    data = request.data if isinstance(request, Request) else request.POST
    files = getattr(request, "FILES", None) if not isinstance(request, Request) else None
    if hasattr(data, "lists"):
        items = [(k, v) for k, values in data.lists() for v in values]
        if files is not None:
            items += [(k, v) for k, values in files.lists() for v in values]
        for name, value in sorted(((k, _value_bytes(v)) for k, v in items)):
            digest.update(name.encode() + b"\0" + value + b"\0")
    else:
        digest.update(json.dumps(data, sort_keys=True, cls=JSONEncoder, ensure_ascii=False).encode())
    return digest.hexdigest()


def _error(message: str, code: str, http_status: int) -> Response:
    return Response({"detail": message, "code": code}, status=http_status)


def _claim(caller: str, key: str, print_: str, request) -> tuple[IdempotencyRecord | None, IdempotencyRecord | None]:
    """Insert this request's row; (new row, None), or (None, the row already there)."""
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives the duplicate
            IdempotencyRecord.objects.filter(caller=caller, key=key, expires_at__lte=now).delete()
            record = IdempotencyRecord.objects.create(
                caller=caller, key=key, fingerprint=print_, method=request.method[:10], path=request.path[:500],
                created_at=now, expires_at=now + ttl(),
            )
        return record, None
    except IntegrityError:
        return None, IdempotencyRecord.objects.get(caller=caller, key=key)


def run(request, work):
    """Do `work()` (returning a DRF Response) at most once per (caller, key) as described above."""
    key = request.headers.get(HEADER)
    if key is None:
        return work()
    if not KEY_PATTERN.match(key):
        return _error(_("The Idempotency-Key header must be 1 to 255 visible ASCII characters (e.g. a UUID)."),
                      "invalid", status.HTTP_400_BAD_REQUEST)
    caller, print_ = caller_of(request), fingerprint(request)
    with transaction.atomic():
        record, existing = _claim(caller, key, print_, request)
        if existing is not None:
            if existing.fingerprint != print_:
                return _error(_("This Idempotency-Key was already used for a different request. Send a new key "
                                "with each new request; resend a request only with its own key."),
                              "idempotency_key_reused", status.HTTP_422_UNPROCESSABLE_ENTITY)
            return Response(existing.body, status=existing.status_code, headers={"Idempotent-Replayed": "true"})
        response = work()
        if 200 <= response.status_code < 300 and isinstance(response, Response):
            record.status_code = response.status_code
            record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            record.save(update_fields=["status_code", "body"])
        else:
            record.delete()  # nothing to replay: a corrected request may use the key
    return response


def idempotent(method):
    """Decorator of a DRF view method or `@api_view` function: honour the Idempotency-Key header."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        request = next(a for a in args if isinstance(a, Request))
        return run(request, lambda: method(*args, **kwargs))

    return wrapper


# --- the one-time token of a page's form -------------------------------------------------------


def claim_form_token(user, token: str, scope: str, print_: str):
    """For a page form carrying a one-time token (call inside a transaction, before the work):
    returns ("new", record) the first time, ("same", record) for a resent identical form (its
    `body` tells what was made) and ("other", record) for the token reused with other data."""
    key = f"{scope}:{token}"[:255]
    caller = f"user:{user.pk}"
    now = timezone.now()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(caller=caller, key=key, expires_at__lte=now).delete()
            record = IdempotencyRecord.objects.create(caller=caller, key=key, fingerprint=print_, method="POST",
                                                      path=scope[:500], created_at=now, expires_at=now + ttl())
        return "new", record
    except IntegrityError:
        record = IdempotencyRecord.objects.get(caller=caller, key=key)
        return ("same" if record.fingerprint == print_ else "other"), record


def form_fingerprint(post, ignore=("csrfmiddlewaretoken",)) -> str:
    digest = hashlib.sha256()
    for name, value in sorted((k, v) for k, values in post.lists() for v in values if k not in ignore):
        digest.update(f"{name}\0{value}\0".encode())
    return digest.hexdigest()


def purge_expired(now=None) -> int:
    """Delete the records past their 24 hours (`manage.py purge_idempotency_keys`)."""
    return IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]
