"""The national procedure database over HTTPS, in the shape public provincial systems use.

The shape was read from public code (docs/integrations.md), not from the operator's documents: the
service names and field names are constants here so that a province can adjust them.

    POST <NATIONAL_CATALOGUE_URL>/LayDanhSachTTHC   {"madonvi": "000.00.00.H56"}
    POST <NATIONAL_CATALOGUE_URL>/LayThuTuc         {"maTTHC": "1.001612"}
    POST <NATIONAL_CATALOGUE_URL>/LayQDCB           {"maTTHC": "1.001612"}
    Authorization: Bearer <NATIONAL_CATALOGUE_TOKEN>

Each answers {"error_code": "0", "message": "...", "data": ...}; an error code other than "0" is an
error, except NOT_FOUND_CODES on LayThuTuc (the database does not know the procedure). 5xx,
timeouts, non-JSON bodies and unexpected shapes are CatalogueUnavailable; nothing is logged but
the service and the status (the catalogue is public data, but keep logs plain).
"""
import json

from django.conf import settings

from motcua.core.outbound import post_json, require_https

from .base import CatalogueTimeout, CatalogueUnavailable, NationalCatalogue, register

LIST_SERVICE = "LayDanhSachTTHC"
DETAIL_SERVICE = "LayThuTuc"
DECISION_SERVICE = "LayQDCB"
OK_CODE = "0"
NOT_FOUND_CODES = {"404", "KHONG_TIM_THAY"}


@register("http")
class HttpNationalCatalogue(NationalCatalogue):
    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        self.url = require_https(url, "NATIONAL_CATALOGUE_URL").rstrip("/")
        self.token, self.timeout = token, timeout

    @classmethod
    def from_settings(cls):
        return cls(getattr(settings, "NATIONAL_CATALOGUE_URL", ""), getattr(settings, "NATIONAL_CATALOGUE_TOKEN", ""),
                   float(getattr(settings, "NATIONAL_CATALOGUE_TIMEOUT", 10)))

    def _call(self, service: str, payload: dict):
        body = post_json(f"{self.url}/{service}", payload, token=self.token, timeout=self.timeout,
                         service=service, unavailable=CatalogueUnavailable, timed_out=CatalogueTimeout)
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise CatalogueUnavailable(f"{service}: the answer is not JSON") from error
        if not isinstance(answer, dict) or "error_code" not in answer:
            raise CatalogueUnavailable(f"{service}: the answer has no error_code")
        return str(answer["error_code"]), answer.get("message") or "", answer.get("data")

    def list_procedures(self, unit: str) -> list[dict]:
        code, message, data = self._call(LIST_SERVICE, {"madonvi": unit})
        if code != OK_CODE:
            raise CatalogueUnavailable(f"{LIST_SERVICE}: error {code} {message}".strip())
        if not isinstance(data, list) or not all(isinstance(item, dict) and item.get("MATTHC") for item in data):
            raise CatalogueUnavailable(f"{LIST_SERVICE}: data is not a list of procedures")
        return data

    def procedure(self, national_code: str) -> dict | None:
        code, message, data = self._call(DETAIL_SERVICE, {"maTTHC": national_code})
        if code in NOT_FOUND_CODES:
            return None
        if code != OK_CODE:
            raise CatalogueUnavailable(f"{DETAIL_SERVICE}: error {code} {message}".strip())
        if not isinstance(data, dict):
            raise CatalogueUnavailable(f"{DETAIL_SERVICE}: data is not a procedure")
        code, message, decisions = self._call(DECISION_SERVICE, {"maTTHC": national_code})
        if code == OK_CODE and isinstance(decisions, list):
            data = {**data, "QUYETDINHCONGBO": decisions}
        elif code not in NOT_FOUND_CODES:
            raise CatalogueUnavailable(f"{DECISION_SERVICE}: error {code} {message}".strip())
        return data
