"""The national public service portal (Cổng DVCQG) over HTTPS, in the shape its integration
guides describe (OpenCPS and other provincial systems speak it):

    POST <NATIONAL_PORTAL_AUTH_URL>   dstcode: <code>   {"username", "password"}
         -> {"error_code": "0", "session": "..."}
    POST <NATIONAL_PORTAL_URL>        dstcode: <code>
         {"session", "madonvi", "service": "DongBoHoSoMC" | "CapNhatTienDoHoSoMC",
          "isUpdating": true|false, "data": [record] | [progress rows]}
         -> {"error_code": "0", "message": "..."}

A session is asked for once and kept; a refused session (HTTP 401/403 or an auth error code) is
asked for again once. "Already exists" on a create is `AlreadyExists` (the sender updates).
"""
from __future__ import annotations

from django.conf import settings

from motcua.core.outbound import require_https

from ..models import ErrorKind
from .base import SyncError, Transport, post_json, read_answer, register

RECORD_SERVICE = "DongBoHoSoMC"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"
SESSION_ERRORS = {"SESSION_EXPIRED", "-401"}


@register("portal")
class NationalPortal(Transport):
    def __init__(self, url: str, auth_url: str, username: str, password: str, dstcode: str, unit: str,
                 timeout: float = 10.0):
        self.url = require_https(url, "NATIONAL_PORTAL_URL")
        self.auth_url = require_https(auth_url, "NATIONAL_PORTAL_AUTH_URL")
        self.username, self.password, self.dstcode, self.unit, self.timeout = username, password, dstcode, unit, timeout
        self._session: str | None = None

    @classmethod
    def from_settings(cls):
        return cls(
            getattr(settings, "NATIONAL_PORTAL_URL", ""), getattr(settings, "NATIONAL_PORTAL_AUTH_URL", ""),
            getattr(settings, "NATIONAL_PORTAL_USERNAME", ""), getattr(settings, "NATIONAL_PORTAL_PASSWORD", ""),
            getattr(settings, "NATIONAL_PORTAL_DSTCODE", ""), getattr(settings, "NATIONAL_PORTAL_UNIT", ""),
            float(getattr(settings, "NATIONAL_PORTAL_TIMEOUT", 10)),
        )

    def session(self) -> str:
        if self._session is None:
            status, body = post_json(self.auth_url, {"username": self.username, "password": self.password},
                                     {"dstcode": self.dstcode}, self.timeout)
            try:
                data = read_answer(status, body)
            except SyncError as error:
                if error.kind == ErrorKind.REFUSED:
                    error.kind = ErrorKind.AUTH
                raise
            except Exception as error:  # "already exists" makes no sense here
                raise SyncError(ErrorKind.AUTH, str(error)[:200]) from error
            if not data.get("session"):
                raise SyncError(ErrorKind.AUTH, "the auth answer has no session")
            self._session = str(data["session"])
        return self._session

    def _call(self, service: str, update: bool, data: list) -> None:
        for attempt in (1, 2):
            envelope = {"session": self.session(), "madonvi": self.unit, "service": service,
                        "isUpdating": update, "data": data}
            status, body = post_json(self.url, envelope, {"dstcode": self.dstcode}, self.timeout)
            try:
                read_answer(status, body)
                return
            except SyncError as error:
                expired = error.kind == ErrorKind.AUTH or any(c in error.message for c in SESSION_ERRORS)
                if expired and attempt == 1:
                    self._session = None  # ask for a new session once
                    continue
                raise

    def send_record(self, record: dict, *, update: bool) -> None:
        self._call(RECORD_SERVICE, update, [record])

    def send_progress(self, code: str, rows: list[dict]) -> None:
        self._call(PROGRESS_SERVICE, True, rows)
