"""A local national portal: keeps what it received, idempotent on (code, moment, status) for
progress rows and on the code for records, and fails on demand.

`PortalSimulator(store).respond(service, is_updating, data)` answers like the portal: (HTTP status,
body). It checks what the portal checks (the dossier code, a procedure code of the national
database, the status 1-10, the owner's identifier, moments as 14 digits, a record before its progress rows) and answers
"already exists" to a second create. The same object serves:

- in process, as the transport `simulator` (NATIONAL_TRANSPORT=simulator, the default where
  simulators may run), storing in the database (`SimulatedReceipt`), so the demo shows it;
- over HTTP (`serve()`), speaking both the portal's and the LGSP's protocol, so the HTTP adapters
  are tested against a real server.

Modes (setting NATIONAL_SIMULATOR_MODE, or `mode=`): "normal"; "server_error" (HTTP 503);
"timeout" (no answer in time); "garbage" (an HTML page, not JSON); "error_code" (a refusal with
an error code); "lost_answer" (stores, then does not answer: the sender must resend, and the
store must not double it).
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.db import IntegrityError, transaction

from ..models import ErrorKind, SimulatedReceipt
from .base import SyncError, Transport, read_answer, register
from .lgsp import ROUTES as LGSP_ROUTES
from .portal import PROGRESS_SERVICE, RECORD_SERVICE

MODES = ("normal", "server_error", "timeout", "garbage", "error_code", "lost_answer")
MOMENT = re.compile(r"^\d{14}$")
NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")  # the national procedure database's codes, e.g. 1.004227
GARBAGE = b"<html><body><h1>502 Bad Gateway</h1>Cong DVCQG dang bao tri</body></html>"


def mode_from_settings() -> str:
    mode = getattr(settings, "NATIONAL_SIMULATOR_MODE", "normal") or "normal"
    if mode not in MODES:
        raise ValueError(f"Unknown national simulator mode {mode!r}; known: {', '.join(MODES)}")
    return mode


class MemoryStore:
    """In memory (the HTTP server of the tests and the benchmark)."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.progress: dict[tuple[str, str, str], dict] = {}
        self.record_updates = 0
        self._lock = threading.Lock()

    def has_record(self, code):
        return code in self.records

    def put_record(self, code, payload, update):
        with self._lock:
            self.record_updates += bool(update)
            self.records[code] = payload

    def put_progress(self, code, moment, status, payload) -> bool:
        with self._lock:
            key = (code, moment, str(status))
            if key in self.progress:
                return False
            self.progress[key] = payload
            return True


class DatabaseStore:
    """In the database (`SimulatedReceipt`): the in-process simulator, the demo."""

    def has_record(self, code):
        return SimulatedReceipt.objects.filter(kind="record", code=code, moment="", status="").exists()

    def put_record(self, code, payload, update):
        with transaction.atomic():
            row = SimulatedReceipt.objects.select_for_update().filter(
                kind="record", code=code, moment="", status="").first()
            if row is None:
                SimulatedReceipt.objects.create(kind="record", code=code, payload=payload)
            else:
                row.payload, row.updates = payload, row.updates + 1
                row.save(update_fields=["payload", "updates", "updated_at"])

    def put_progress(self, code, moment, status, payload) -> bool:
        try:
            with transaction.atomic():
                SimulatedReceipt.objects.create(kind="progress", code=code, moment=moment, status=str(status),
                                                payload=payload)
            return True
        except IntegrityError:  # the key (code, moment, status) is already there
            return False


def _answer(status: int, data: dict) -> tuple[int, bytes]:
    return status, json.dumps(data, ensure_ascii=False).encode()


def _refuse(code: str, message: str) -> tuple[int, bytes]:
    return _answer(200, {"error_code": code, "message": message})


class PortalSimulator:
    def __init__(self, store=None):
        self.store = store if store is not None else DatabaseStore()

    def respond(self, service: str, is_updating: bool, data) -> tuple[int, bytes]:
        if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
            return _refuse("-1", "Dữ liệu gửi lên không hợp lệ (data)")
        if service == RECORD_SERVICE:
            return self._record(data[0], bool(is_updating))
        if service == PROGRESS_SERVICE:
            return self._progress(data)
        return _refuse("-1", f"Dịch vụ không hỗ trợ: {service}")

    def _record(self, record: dict, update: bool) -> tuple[int, bytes]:
        code = str(record.get("MaHoSo") or "")
        if not code:
            return _refuse("-3", "Thiếu mã hồ sơ (MaHoSo)")
        if not record.get("MaTTHC"):
            return _refuse("-3", "Thiếu mã thủ tục hành chính (MaTTHC)")
        if not NATIONAL_CODE.match(str(record["MaTTHC"])):
            return _refuse("-6", f"Mã thủ tục {record['MaTTHC']} không có trên Cơ sở dữ liệu quốc gia về TTHC")
        if record.get("TrangThaiHoSo") not in range(1, 11):
            return _refuse("-3", "Trạng thái hồ sơ không hợp lệ (TrangThaiHoSo)")
        if not record.get("DinhDanhCHS"):
            return _refuse("-3", "Thiếu số định danh của chủ hồ sơ (DinhDanhCHS)")
        for name in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
            value = record.get(name) or ""
            if value and not MOMENT.match(str(value)):
                return _refuse("-3", f"Sai định dạng thời gian yyyyMMddHHmmss ({name})")
        exists = self.store.has_record(code)
        if exists and not update:
            return _refuse("-2", "Hồ sơ đã tồn tại")
        if update and not exists:
            return _refuse("-5", "Hồ sơ không tồn tại, không thể cập nhật")
        self.store.put_record(code, record, update)
        return _answer(200, {"error_code": "0", "message": "Thành công"})

    def _progress(self, rows: list[dict]) -> tuple[int, bytes]:
        if len(rows) > 10:
            return _refuse("-1", "Tối đa 10 dòng tiến trình mỗi lần gửi")
        for row in rows:
            if not self.store.has_record(str(row.get("MaHoSo") or "")):
                return _refuse("-4", "Hồ sơ chưa được đồng bộ, không thể cập nhật tiến trình")
            if not MOMENT.match(str(row.get("ThoiDiemXuLy") or "")) or row.get("TrangThai") not in range(1, 11):
                return _refuse("-3", "Dòng tiến trình không hợp lệ (ThoiDiemXuLy, TrangThai)")
        new = sum(self.store.put_progress(str(r["MaHoSo"]), str(r["ThoiDiemXuLy"]), r["TrangThai"], r) for r in rows)
        return _answer(200, {"error_code": "0", "message": "Thành công", "moi": new, "trung": len(rows) - new})


@register("simulator")
class SimulatedPortal(Transport):
    """The simulator in process (no HTTP), storing in the database."""

    simulator = True

    def __init__(self, mode: str | None = None, store=None):
        self.mode = mode or mode_from_settings()
        self.portal = PortalSimulator(store)

    def _send(self, service: str, update: bool, data: list) -> None:
        if self.mode == "timeout":
            raise SyncError(ErrorKind.TIMEOUT, "no answer within 10 s (simulated)")
        if self.mode == "server_error":
            status, body = 503, b"Service Unavailable"
        elif self.mode == "garbage":
            status, body = 200, GARBAGE
        elif self.mode == "error_code":
            status, body = _refuse("-99", "Hệ thống đang bận, vui lòng thử lại sau (mô phỏng)")
        else:
            status, body = self.portal.respond(service, update, data)
            if self.mode == "lost_answer":
                raise SyncError(ErrorKind.TIMEOUT, "no answer within 10 s (simulated, the portal stored it)")
        read_answer(status, body)

    def send_record(self, record: dict, *, update: bool) -> None:
        self._send(RECORD_SERVICE, update, [record])

    def send_progress(self, code: str, rows: list[dict]) -> None:
        self._send(PROGRESS_SERVICE, True, rows)


# --- over HTTP -------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    server: "SimulatorServer"

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8" if body[:1] == b"{" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        server = self.server
        server.requests.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._reply(400, b'{"error_code": "-1", "message": "JSON"}')
        mode = server.mode
        if self.path == "/auth":
            if self.headers.get("dstcode") != server.dstcode:
                return self._reply(403, b'{"error_code": "403", "message": "dstcode"}')
            if body.get("username") != server.username or body.get("password") != server.password:
                return self._reply(*_refuse("-401", "Sai tài khoản"))
            session = f"phien-{len(server.sessions) + 1}"
            server.sessions.add(session)
            return self._reply(*_answer(200, {"error_code": "0", "session": session}))
        if self.path == "/service":
            if self.headers.get("dstcode") != server.dstcode:
                return self._reply(403, b'{"error_code": "403", "message": "dstcode"}')
            if body.get("session") not in server.sessions:
                return self._reply(401, b'{"error_code": "-401", "message": "SESSION_EXPIRED"}')
            service, update, data = body.get("service"), body.get("isUpdating"), body.get("data")
        elif self.path in LGSP_ROUTES.values():
            if self.headers.get("lgspaccesstoken") != server.lgsp_token:
                return self._reply(401, b'{"error_code": "401", "message": "lgspaccesstoken"}')
            route = {v: k for k, v in LGSP_ROUTES.items()}[self.path]
            service = PROGRESS_SERVICE if route == "progress" else RECORD_SERVICE
            update, data = route != "create", body.get("data")
        else:
            return self._reply(404, b'{"error_code": "404", "message": "not found"}')
        if mode == "server_error":
            return self._reply(503, b"Service Unavailable")
        if mode == "garbage":
            return self._reply(200, GARBAGE)
        if mode == "error_code":
            return self._reply(*_refuse("-99", "Hệ thống đang bận (mô phỏng)"))
        if mode == "timeout":
            time.sleep(server.delay)
        status, answer = server.portal.respond(service, update, data)
        if mode == "lost_answer":
            time.sleep(server.delay)
        return self._reply(status, answer)


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, store=None, *, dstcode="000.00.00.H99", username="motcua", password="mat-khau",
                 lgsp_token="", delay=1.0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.portal = PortalSimulator(store if store is not None else MemoryStore())
        self.dstcode, self.username, self.password, self.lgsp_token = dstcode, username, password, lgsp_token
        self.mode, self.delay = "normal", delay
        self.sessions: set[str] = set()
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve(store=None, **kwargs) -> SimulatorServer:
    """Start the simulator on a free local port in a daemon thread; `server.shutdown()` stops it."""
    server = SimulatorServer(store, **kwargs)
    threading.Thread(target=server.serve_forever, name="national-simulator", daemon=True).start()
    return server
