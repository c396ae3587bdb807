"""A local business registry answering from synthetic businesses, generated from a fixed seed.

None of them is real: names are built from common words, tax codes carry a valid check digit but
start with 99 (no tax office issues those), representatives are drawn from the population
register simulator's synthetic people. Most are active; a few are suspended, being dissolved or
dissolved, and a few have branches (13-digit codes), so that forms can show each case.
`businesses()` lists them; `example(status)` names one of a status for tests and the demo.

Error mode (BUSINESS_REGISTRY_SIMULATOR_MODE, or `mode`): "normal", "unavailable", "timeout".
`handler_for(registry)` serves it over HTTP in the shape of `http.py` ("garbage" answers non-JSON).
"""
import datetime
import functools
import json
import random

from django.conf import settings

from motcua.core.simulators import JsonAnswerHandler

from ..population.simulator import people
from .base import (ACTIVE, DISSOLVED, DISSOLVING, SUSPENDED, BusinessLine, BusinessRecord, BusinessRegistry,
                   RegistryTimeout, RegistryUnavailable, Representative, register)
from .taxcode import check_digit

SEED = 20240501
SIZE = 40
KINDS = [("Công ty TNHH", "Công ty trách nhiệm hữu hạn hai thành viên trở lên", "Giám đốc"),
         ("Công ty TNHH MTV", "Công ty trách nhiệm hữu hạn một thành viên", "Giám đốc"),
         ("Công ty Cổ phần", "Công ty cổ phần", "Tổng giám đốc"),
         ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", "Chủ doanh nghiệp")]
WORDS = ["Sông Mây", "Ngàn Thông", "Bến Đò", "Đồi Chè", "Suối Bạc", "Thác Trắng", "Hoàng Long", "Minh Phát",
         "An Khang", "Thịnh Vượng", "Phú Quý", "Hưng Thịnh", "Tân Tiến", "Việt Hưng", "Kim Ngân", "Trường Sơn"]
LINES = [("4741", "Bán lẻ máy vi tính, thiết bị ngoại vi, phần mềm và thiết bị viễn thông"),
         ("4933", "Vận tải hàng hóa bằng đường bộ"), ("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"),
         ("4101", "Xây dựng nhà để ở"), ("0118", "Trồng rau, đậu các loại và trồng hoa"),
         ("1079", "Sản xuất thực phẩm khác chưa được phân vào đâu"), ("6201", "Lập trình máy vi tính"),
         ("5510", "Dịch vụ lưu trú ngắn ngày"), ("4662", "Bán buôn kim loại và quặng kim loại"),
         ("8559", "Giáo dục khác chưa được phân vào đâu")]
TRADES = {"4741": "Công nghệ", "4933": "Vận tải", "5610": "Ẩm thực", "4101": "Xây dựng", "0118": "Nông sản",
          "1079": "Thực phẩm", "6201": "Phần mềm", "5510": "Du lịch", "4662": "Thương mại", "8559": "Giáo dục"}
STATUS_WORDS = {ACTIVE: "Đang hoạt động", SUSPENDED: "Tạm ngừng kinh doanh có thời hạn",
                DISSOLVING: "Đang làm thủ tục giải thể", DISSOLVED: "Đã giải thể"}
# Every tenth-ish business is not active: positions in the list, the same on every run.
STATUS_AT = {3: SUSPENDED, 11: SUSPENDED, 17: DISSOLVING, 7: DISSOLVED, 23: DISSOLVED}
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Quang Trung", "Hai Bà Trưng"]
WARDS = ["Phường Bến Đò", "Xã Đồi Chè", "Xã Suối Bạc"]


def _tax_code(rng: random.Random, seen: set) -> str:
    while True:
        first = "99" + f"{rng.randrange(10**7):07d}"
        digit = check_digit(first)
        if digit is not None and first + str(digit) not in seen:
            seen.add(first + str(digit))
            return first + str(digit)


@functools.cache
def businesses() -> tuple[BusinessRecord, ...]:
    rng = random.Random(SEED)
    persons = people()
    seen: set = set()
    found = []
    for index in range(SIZE):
        short, kind, title = rng.choice(KINDS)
        main, *others = rng.sample(LINES, k=rng.randrange(1, 4))
        name = f"{short} {TRADES[main[0]]} {rng.choice(WORDS)}"
        status = STATUS_AT.get(index, ACTIVE)
        person = persons[rng.randrange(len(persons))]
        founded = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 19))
        office = f"Số {rng.randrange(1, 300)}, đường {rng.choice(STREETS)}, {rng.choice(WARDS)}, Tỉnh Sông Mây"
        lines = (BusinessLine(*main, is_main=True),) + tuple(BusinessLine(*line) for line in others)
        record = BusinessRecord(_tax_code(rng, seen), name, status, STATUS_WORDS[status], kind, founded, office,
                                (Representative(person.full_name, title),), lines)
        found.append(record)
        if index % 8 == 5:  # a branch, with the parent's status
            branch = f"{record.tax_code}-001"
            found.append(BusinessRecord(branch, f"Chi nhánh {name} tại {rng.choice(WARDS)}", status,
                                        STATUS_WORDS[status], "Chi nhánh", founded, office,
                                        (Representative(person.full_name, "Trưởng chi nhánh"),), lines))
    return tuple(found)


@functools.cache
def _by_code() -> dict[str, BusinessRecord]:
    return {b.tax_code: b for b in businesses()}


def example(status: str = ACTIVE) -> BusinessRecord:
    """The first synthetic business of this status (10-digit code)."""
    return next(b for b in businesses() if b.status == status and len(b.tax_code) == 10)


@register("simulator")
class SimulatedBusinessRegistry(BusinessRegistry):
    simulator = True
    MODES = ("normal", "unavailable", "timeout")

    def __init__(self, mode: str | None = None):
        self.mode = mode or getattr(settings, "BUSINESS_REGISTRY_SIMULATOR_MODE", "normal") or "normal"
        if self.mode not in self.MODES + ("garbage",):
            raise ValueError(f"Unknown simulator mode {self.mode!r}")

    def lookup(self, tax_code: str) -> BusinessRecord | None:
        if self.mode in ("unavailable", "garbage"):
            raise RegistryUnavailable("The business registry simulator is set to be unavailable.")
        if self.mode == "timeout":
            raise RegistryTimeout("The business registry simulator is set to time out.")
        return _by_code().get(tax_code)


def as_registry_data(record: BusinessRecord) -> dict:
    """The record in the registry's own words (the `data` of an http answer)."""
    return {
        "MaSoDoanhNghiep": record.tax_code, "TenDoanhNghiep": record.name, "TinhTrangPhapLy": record.status_label,
        "LoaiHinhDoanhNghiep": record.enterprise_type,
        "NgayThanhLap": record.founded_on.strftime("%d/%m/%Y") if record.founded_on else "",
        "DiaChiTruSo": record.head_office,
        "NguoiDaiDien": [{"HoTen": p.full_name, "ChucDanh": p.title} for p in record.representatives],
        "NganhNghe": [{"MaNganh": b.code, "TenNganh": b.name, "LaNganhChinh": b.is_main} for b in record.business_lines],
    }


def handler_for(registry: SimulatedBusinessRegistry, token: str = "", delay: float = 0.0):
    """A BaseHTTPRequestHandler answering like the registry from `registry` (tests of http.py)."""

    class Handler(JsonAnswerHandler):

        def do_POST(self):
            import time

            payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if delay:
                time.sleep(delay)
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                return self._answer(401, b'{"error_code": "401"}')
            if registry.mode == "unavailable":
                return self._answer(503, b"Service Unavailable")
            if registry.mode == "garbage":
                return self._answer(200, b"<html>maintenance</html>")
            found = registry.lookup(str(payload.get("msdn") or ""))
            if found is None:
                return self._answer(200, b'{"error_code": "KHONG_TIM_THAY", "message": "Not found"}')
            body = json.dumps({"error_code": "0", "data": as_registry_data(found)}, ensure_ascii=False).encode()
            self._answer(200, body)

    return Handler
