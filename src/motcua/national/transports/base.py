"""Transports to the national portal: a base class, the errors, the registry (`TRANSPORTS`, keyed by
the setting NATIONAL_TRANSPORT) and the one reading of an answer every adapter shares.

A transport sends one dossier record (`send_record`, a create or an update) or a batch of
progress rows (`send_progress`). It returns on acknowledgement and raises `SyncError` (with its
`kind`) otherwise; `AlreadyExists` when a create meets a record the portal already has (the sender
then updates instead).
"""
from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core.registry import Registry

from ..models import ErrorKind

logger = logging.getLogger("motcua.national")
# How the portal says "this dossier already exists" (error code or words of the message).
ALREADY_EXISTS_CODES = {"HS_DA_TON_TAI", "EXISTED", "-2"}
ALREADY_EXISTS_WORDS = ("đã tồn tại", "already exist")


class SyncError(Exception):
    """The portal did not acknowledge. `kind` is an `ErrorKind`; the message carries no personal data."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message[:300]


class AlreadyExists(Exception):
    """A create met a record the portal already holds: update instead."""


class Transport:
    name = ""
    simulator = False  # a local stand-in: selectable only where simulators may run

    def send_record(self, record: dict, *, update: bool) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def send_progress(self, code: str, rows: list[dict]) -> None:  # pragma: no cover - interface
        raise NotImplementedError


TRANSPORTS: Registry[type[Transport]] = Registry(
    "national portal transport", setting="NATIONAL_TRANSPORT", unknown=ImproperlyConfigured)


# Class decorator: `@register("name")` makes an adapter available under that name.
register = TRANSPORTS.named


@register("none")
class Unconfigured(Transport):
    """No portal configured: every call fails (and is retried), so nothing is lost once configured."""

    def send_record(self, record, *, update):
        raise SyncError(ErrorKind.CONNECTION, "No national portal transport is configured (NATIONAL_TRANSPORT).")

    send_progress = send_record  # type: ignore[assignment]


def transport_name() -> str:
    """NATIONAL_TRANSPORT, else the simulator where simulators may run, else "portal" when
    NATIONAL_PORTAL_URL is set, else "none"."""
    from motcua.core.simulators import simulators_allowed

    name = getattr(settings, "NATIONAL_TRANSPORT", "") or ""
    if name:
        return name
    if simulators_allowed():
        return "simulator"
    return "portal" if getattr(settings, "NATIONAL_PORTAL_URL", "") else "none"


def selected_simulators() -> list[tuple[str, str]]:
    """For the system check (core/checks.py)."""
    name = transport_name()
    return [("national portal transport", name)] if TRANSPORTS.is_simulator(name) else []


def get_transport(name: str | None = None) -> Transport:
    cls = TRANSPORTS.get(name or transport_name())
    return cls.from_settings() if hasattr(cls, "from_settings") else cls()




def read_answer(status: int, body: bytes) -> dict:
    """The one reading of an answer: HTTP status, JSON, `error_code` "0". Raises SyncError or
    AlreadyExists."""
    if status >= 500:
        raise SyncError(ErrorKind.SERVER, f"HTTP {status}")
    if status in (401, 403):
        raise SyncError(ErrorKind.AUTH, f"HTTP {status}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SyncError(ErrorKind.NOT_JSON, f"HTTP {status}, {len(body)} bytes that are not JSON") from None
    if not isinstance(data, dict) or "error_code" not in data:
        raise SyncError(ErrorKind.NOT_JSON, f"HTTP {status}, JSON without error_code")
    code = str(data.get("error_code")).strip()
    if code == "0" and status < 400:
        return data
    message = str(data.get("message") or data.get("error_message") or "")
    if code in ALREADY_EXISTS_CODES or any(w in message.lower() for w in ALREADY_EXISTS_WORDS):
        raise AlreadyExists(message)
    raise SyncError(ErrorKind.REFUSED, f"error_code {code}: {message}"[:300])


def post_json(url: str, body: dict, headers: dict, timeout: float, *, method: str = "POST") -> tuple[int, bytes]:
    """POST JSON; (HTTP status, body). Timeouts and unreachable hosts are SyncError."""
    request = urllib.request.Request(
        url, data=json.dumps(body, ensure_ascii=False).encode(), method=method,
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() or b""
    except (TimeoutError, socket.timeout) as error:
        raise SyncError(ErrorKind.TIMEOUT, f"no answer within {timeout:g} s") from error
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), (TimeoutError, socket.timeout)):
            raise SyncError(ErrorKind.TIMEOUT, f"no answer within {timeout:g} s") from error
        raise SyncError(ErrorKind.CONNECTION, str(getattr(error, "reason", error))[:200]) from error
