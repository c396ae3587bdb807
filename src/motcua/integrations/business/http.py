"""The business registry over HTTPS, in the shape provincial systems use (TH
`GetTraCuuThongTinDoanhNghiep`, the certificate `GetEntCert`); read from public code, not confirmed
against the operator's documents, so the names are constants here.

Request:  POST <BUSINESS_REGISTRY_URL>  Authorization: Bearer <token>   {"msdn": "0100109106"}
Answer:   200 {"error_code": "0", "data": {"MaSoDoanhNghiep", "TenDoanhNghiep", "TinhTrangPhapLy",
               "LoaiHinhDoanhNghiep", "NgayThanhLap" (dd/mm/yyyy), "DiaChiTruSo",
               "NguoiDaiDien": [{"HoTen", "ChucDanh"}], "NganhNghe": [{"MaNganh", "TenNganh", "LaNganhChinh"}]}}
          404, or 200 with error_code in NOT_FOUND_CODES: the registry does not know the code.
Anything else (401/403, 5xx, a timeout, a body that is not that JSON, another code) is
RegistryUnavailable. Plain http only to the local machine.
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

from .base import (BusinessLine, BusinessRecord, BusinessRegistry, RegistryTimeout, RegistryUnavailable,
                   Representative, register, status_from_label)

logger = logging.getLogger(__name__)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
OK_CODE = "0"
NOT_FOUND_CODES = {"404", "KHONG_TIM_THAY"}


def _date(value) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(str(value or ""), pattern).date()
        except ValueError:
            continue
    return None


def record_from(data: dict, tax_code: str) -> BusinessRecord:
    """A BusinessRecord from the registry's `data`; RegistryUnavailable if it is not one."""
    if not isinstance(data, dict):
        raise RegistryUnavailable("The business registry's data is not an object.")
    number, name = str(data.get("MaSoDoanhNghiep") or ""), str(data.get("TenDoanhNghiep") or "").strip()
    if number.replace("-", "") != tax_code.replace("-", "") or not name:
        raise RegistryUnavailable("The business registry's answer does not match the request.")
    label = str(data.get("TinhTrangPhapLy") or "").strip()
    people = tuple(Representative(str(p.get("HoTen") or "").strip(), str(p.get("ChucDanh") or "").strip())
                   for p in data.get("NguoiDaiDien") or [] if isinstance(p, dict) and p.get("HoTen"))
    lines = tuple(BusinessLine(str(b.get("MaNganh") or ""), str(b.get("TenNganh") or "").strip(),
                               bool(b.get("LaNganhChinh")))
                  for b in data.get("NganhNghe") or [] if isinstance(b, dict) and b.get("TenNganh"))
    return BusinessRecord(tax_code, name, status_from_label(label), label, str(data.get("LoaiHinhDoanhNghiep") or ""),
                          _date(data.get("NgayThanhLap")), str(data.get("DiaChiTruSo") or "").strip(), people, lines)


@register("http")
class HttpBusinessRegistry(BusinessRegistry):
    def __init__(self, url: str, token: str = "", timeout: float = 5.0):
        parts = urllib.parse.urlsplit(url or "")
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
            raise ImproperlyConfigured("BUSINESS_REGISTRY_URL must be an https:// address.")
        self.url, self.token, self.timeout = url, token, timeout

    @classmethod
    def from_settings(cls):
        return cls(getattr(settings, "BUSINESS_REGISTRY_URL", ""), getattr(settings, "BUSINESS_REGISTRY_TOKEN", ""),
                   float(getattr(settings, "BUSINESS_REGISTRY_TIMEOUT", 5)))

    def lookup(self, tax_code: str) -> BusinessRecord | None:
        request = urllib.request.Request(
            self.url, data=json.dumps({"msdn": tax_code}).encode(), method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            logger.warning("Business registry answered HTTP %s", error.code)
            raise RegistryUnavailable(f"HTTP {error.code}") from error
        except (TimeoutError, socket.timeout) as error:
            raise RegistryTimeout("The business registry did not answer in time.") from error
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), (TimeoutError, socket.timeout)):
                raise RegistryTimeout("The business registry did not answer in time.") from error
            raise RegistryUnavailable(str(error)) from error
        try:
            answer = json.loads(body)
        except ValueError as error:
            raise RegistryUnavailable("The business registry's answer is not JSON.") from error
        if not isinstance(answer, dict) or "error_code" not in answer:
            raise RegistryUnavailable("The business registry's answer has no error_code.")
        code = str(answer["error_code"])
        if code in NOT_FOUND_CODES:
            return None
        if code != OK_CODE:
            logger.warning("Business registry answered error code %s", code)
            raise RegistryUnavailable(f"error code {code}")
        return record_from(answer.get("data"), tax_code)
