"""The province's integration platform (LGSP, nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh) in front
of the national portal: the same record and progress rows, through the platform's REST routes,
with the platform's access token header (base64 of the JSON of the keys the platform issued):

    POST <NATIONAL_LGSP_URL>/dvcqg/hoso/themmoi     {"madonvi", "data": [record]}
    POST <NATIONAL_LGSP_URL>/dvcqg/hoso/capnhat     {"madonvi", "data": [record]}
    POST <NATIONAL_LGSP_URL>/dvcqg/hoso/tientrinh   {"madonvi", "data": [progress rows]}
    lgspaccesstoken: base64({"AccessKey", "SecretKey", "AppName", "PartnerCode", "PartnerCodeCus"})
    -> the portal's answer passed through: {"error_code": "0", "message": "..."}
"""
from __future__ import annotations

import base64
import json

from django.conf import settings

from motcua.core.outbound import require_https

from .base import Transport, post_json, read_answer, register

ROUTES = {"create": "/dvcqg/hoso/themmoi", "update": "/dvcqg/hoso/capnhat", "progress": "/dvcqg/hoso/tientrinh"}


@register("lgsp")
class ProvincePlatform(Transport):
    def __init__(self, url: str, access_key: str, secret_key: str, app_name: str, partner_code: str, unit: str,
                 timeout: float = 10.0):
        self.url = require_https(url, "NATIONAL_LGSP_URL").rstrip("/")
        self.unit, self.timeout = unit, timeout
        token = {"AccessKey": access_key, "SecretKey": secret_key, "AppName": app_name,
                 "PartnerCode": partner_code, "PartnerCodeCus": partner_code}
        self.token = base64.b64encode(json.dumps(token).encode()).decode()

    @classmethod
    def from_settings(cls):
        return cls(
            getattr(settings, "NATIONAL_LGSP_URL", ""), getattr(settings, "NATIONAL_LGSP_ACCESS_KEY", ""),
            getattr(settings, "NATIONAL_LGSP_SECRET_KEY", ""), getattr(settings, "NATIONAL_LGSP_APP_NAME", "motcua"),
            getattr(settings, "NATIONAL_LGSP_PARTNER_CODE", ""), getattr(settings, "NATIONAL_PORTAL_UNIT", ""),
            float(getattr(settings, "NATIONAL_PORTAL_TIMEOUT", 10)),
        )

    def _post(self, route: str, data: list) -> None:
        status, body = post_json(self.url + ROUTES[route], {"madonvi": self.unit, "data": data},
                                 {"lgspaccesstoken": self.token}, self.timeout)
        read_answer(status, body)

    def send_record(self, record: dict, *, update: bool) -> None:
        self._post("update" if update else "create", [record])

    def send_progress(self, code: str, rows: list[dict]) -> None:
        self._post("progress", rows)
