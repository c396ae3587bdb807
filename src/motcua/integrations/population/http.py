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
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import PersonRecord, PopulationRegister, RegisterTimeout, RegisterUnavailable, register

logger = logging.getLogger(__name__)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
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
        parts = urllib.parse.urlsplit(url or "")
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
            raise ImproperlyConfigured("POPULATION_REGISTER_URL must be an https:// address.")
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_settings(cls):
        return cls(
            getattr(settings, "POPULATION_REGISTER_URL", ""),
            getattr(settings, "POPULATION_REGISTER_TOKEN", ""),
            float(getattr(settings, "POPULATION_REGISTER_TIMEOUT", 5)),
        )

    def lookup(self, citizen_id: str) -> PersonRecord | None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"soDinhDanh": citizen_id}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            logger.warning("Population register answered HTTP %s", error.code)
            raise RegisterUnavailable(f"HTTP {error.code}") from error
        except (TimeoutError, socket.timeout) as error:
            raise RegisterTimeout("The population register did not answer in time.") from error
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), (TimeoutError, socket.timeout)):
                raise RegisterTimeout("The population register did not answer in time.") from error
            raise RegisterUnavailable(str(error)) from error
        return self._record(citizen_id, body)

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
