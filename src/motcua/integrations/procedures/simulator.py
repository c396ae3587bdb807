"""A local national procedure database answering from a stored sample of 50 synthetic procedures
(fixtures/national_catalogue.json, written by scripts/make_national_catalogue_sample.py from the
demo catalogue: 30 demo procedures, 8 of them changed; 17 new ones; 3 records with free text).

Agency identifiers in the file end in H99 and are rewritten to the configured province code.
Error mode (setting NATIONAL_CATALOGUE_SIMULATOR_MODE, or `mode`): "normal", "unavailable",
"timeout", or "garbage" (an answer that is not a procedure). Tests may pass their own `records`.
`handler_for(catalogue)` serves a catalogue over HTTP in the shape of `http.py`, so that the HTTP
adapter is tested against a real local server.
"""
import copy
import functools
import json
from pathlib import Path

from django.conf import settings

from motcua.core.simulators import JsonAnswerHandler

from .base import CatalogueTimeout, CatalogueUnavailable, NationalCatalogue, register

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "national_catalogue.json"
SAMPLE_PROVINCE = "H99"


@functools.cache
def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def sample(province: str | None = None) -> dict:
    """The stored sample with agency identifiers of `province` (default: the configured one)."""
    province = province or settings.MOTCUA_PROVINCE_CODE
    return json.loads(_sample_text().replace(f".{SAMPLE_PROVINCE}\"", f".{province}\""))


@register("simulator")
class SimulatedNationalCatalogue(NationalCatalogue):
    simulator = True
    MODES = ("normal", "unavailable", "timeout", "garbage")

    def __init__(self, mode: str | None = None, records: list[dict] | None = None):
        self.mode = mode or getattr(settings, "NATIONAL_CATALOGUE_SIMULATOR_MODE", "normal") or "normal"
        if self.mode not in self.MODES:
            raise ValueError(f"Unknown simulator mode {self.mode!r}")
        data = sample()
        self.unit = data["madonvi"]
        self.records = records if records is not None else data["thutuc"]
        self.calls: list[tuple[str, str]] = []  # (service, argument): what was asked, for tests

    def _check(self):
        if self.mode == "unavailable":
            raise CatalogueUnavailable("The national procedure database simulator is set to be unavailable.")
        if self.mode == "timeout":
            raise CatalogueTimeout("The national procedure database simulator is set to time out.")
        if self.mode == "garbage":
            raise CatalogueUnavailable("The national procedure database simulator answered garbage.")

    def list_procedures(self, unit: str) -> list[dict]:
        self.calls.append(("LayDanhSachTTHC", unit))
        self._check()
        if unit != self.unit:
            return []
        return [{"MATTHC": r["MATTHC"], "TENTTHC": r.get("TENTTHC", ""), "MALINHVUC": r.get("MALINHVUC", "")}
                for r in self.records]

    def procedure(self, national_code: str) -> dict | None:
        self.calls.append(("LayThuTuc", national_code))
        self._check()
        found = next((r for r in self.records if r.get("MATTHC") == national_code), None)
        return copy.deepcopy(found)


def handler_for(catalogue: SimulatedNationalCatalogue, token: str = ""):
    """A BaseHTTPRequestHandler class answering LayDanhSachTTHC / LayThuTuc / LayQDCB from
    `catalogue` (its mode "garbage" answers a non-JSON body, "unavailable" HTTP 503)."""

    class Handler(JsonAnswerHandler):

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                return self._answer(401, b'{"error_code": "401", "message": "unauthorised"}')
            if catalogue.mode == "unavailable":
                return self._answer(503, b"Service Unavailable")
            if catalogue.mode == "garbage":
                return self._answer(200, b"<html>maintenance</html>")
            service = self.path.rstrip("/").rsplit("/", 1)[-1]
            if service == "LayDanhSachTTHC":
                answer = {"error_code": "0", "data": catalogue.list_procedures(payload.get("madonvi", ""))}
            elif service in ("LayThuTuc", "LayQDCB"):
                found = catalogue.procedure(payload.get("maTTHC", ""))
                if found is None:
                    answer = {"error_code": "KHONG_TIM_THAY", "message": "Không tìm thấy thủ tục"}
                elif service == "LayThuTuc":
                    answer = {"error_code": "0", "data": {k: v for k, v in found.items() if k != "QUYETDINHCONGBO"}}
                else:
                    answer = {"error_code": "0", "data": found.get("QUYETDINHCONGBO", [])}
            else:
                return self._answer(404, b'{"error_code": "404"}')
            self._answer(200, json.dumps(answer, ensure_ascii=False).encode())

    return Handler
