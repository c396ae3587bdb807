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

from django.conf import settings

from motcua.core.outbound import post_json, require_https

from .base import (
    BusinessLine,
    BusinessRecord,
    BusinessRegistry,
    RegistryTimeout,
    RegistryUnavailable,
    Representative,
    register,
    status_from_label,
)

logger = logging.getLogger(__name__)
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
        self.url, self.token, self.timeout = require_https(url, "BUSINESS_REGISTRY_URL"), token, timeout

    @classmethod
    def from_settings(cls):
        return cls(getattr(settings, "BUSINESS_REGISTRY_URL", ""), getattr(settings, "BUSINESS_REGISTRY_TOKEN", ""),
                   float(getattr(settings, "BUSINESS_REGISTRY_TIMEOUT", 5)))

    def lookup(self, tax_code: str) -> BusinessRecord | None:
        body = post_json(self.url, {"msdn": tax_code}, token=self.token, timeout=self.timeout,
                         service="The business registry", unavailable=RegistryUnavailable, timed_out=RegistryTimeout,
                         not_found_is_none=True)
        if body is None:
            return None
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
