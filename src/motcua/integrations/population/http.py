"""The population register over HTTPS: JSON with a client token, the shape of the national service.

Request:  POST <POPULATION_REGISTER_URL>  Authorization: Bearer <token>   {"soDinhDanh": "0380..."}
Answer:   200 {"soDinhDanh", "hoVaTen", "ngaySinh" (YYYY-MM-DD or DD/MM/YYYY), "gioiTinh" ("Nam"/"Nữ"),
               "noiThuongTru", "queQuan"}
          404 (or 200 with {"ketQua": "KHONG_TIM_THAY"}) when nobody has that number.
Anything else (401/403, 5xx, timeout, a body that is not that JSON) is RegisterUnavailable.
Plain http is refused except to the local machine (tests, a local relay).
"""
import datetime
import json

from django.conf import settings

from motcua.core.outbound import post_json, require_https

from .base import PersonRecord, PopulationRegister, RegisterTimeout, RegisterUnavailable, register

SEX = {"nam": "male", "nữ": "female", "nu": "female"}


def _parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except (TypeError, ValueError):
            continue
    raise RegisterUnavailable(f"Unreadable ngaySinh {value!r}")


@register("http")
class HttpPopulationRegister(PopulationRegister):
    def __init__(self, url: str, token: str, timeout: float = 5.0):
        self.url, self.token, self.timeout = require_https(url, "POPULATION_REGISTER_URL"), token, timeout

    @classmethod
    def from_settings(cls):
        return cls(
            getattr(settings, "POPULATION_REGISTER_URL", ""),
            getattr(settings, "POPULATION_REGISTER_TOKEN", ""),
            float(getattr(settings, "POPULATION_REGISTER_TIMEOUT", 5)),
        )

    def lookup(self, citizen_id: str) -> PersonRecord | None:
        body = post_json(self.url, {"soDinhDanh": citizen_id}, token=self.token, timeout=self.timeout,
                         service="The population register", unavailable=RegisterUnavailable, timed_out=RegisterTimeout,
                         not_found_is_none=True)
        return None if body is None else self._record(citizen_id, body)

    @staticmethod
    def _record(citizen_id: str, body: bytes) -> PersonRecord | None:
        try:
            data = json.loads(body)
        except ValueError as error:
            raise RegisterUnavailable("The population register's answer is not JSON.") from error
        if not isinstance(data, dict):
            raise RegisterUnavailable("The population register's answer is not an object.")
        if data.get("ketQua") == "KHONG_TIM_THAY":
            return None
        try:
            number, name = str(data["soDinhDanh"]), str(data["hoVaTen"]).strip()
            sex = SEX.get(str(data["gioiTinh"]).strip().lower())
            birth_date = _parse_date(data["ngaySinh"])
        except KeyError as error:
            raise RegisterUnavailable(f"The population register's answer lacks {error}.") from error
        if number != citizen_id or not name or sex is None:
            raise RegisterUnavailable("The population register's answer does not match the request.")
        return PersonRecord(number, name, birth_date, sex, str(data.get("noiThuongTru") or ""),
                            str(data.get("queQuan") or ""))
