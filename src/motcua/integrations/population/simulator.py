"""A local population register answering from synthetic people, generated from a fixed seed.

Nobody here is real: names are drawn from common Vietnamese family, middle and given names,
addresses from street and ward names, and each citizen ID is built to match the person's
province of birth, sex and year of birth like a real CCCD. The same seed gives the same people on
every machine, so tests and demos can name them.

Error mode (setting POPULATION_SIMULATOR_MODE, or the `mode` argument): "normal", "unavailable"
(the register is down) or "timeout" (it does not answer in time).
"""
import datetime
import functools
import random

from django.conf import settings

from .base import PersonRecord, PopulationRegister, RegisterTimeout, RegisterUnavailable, register

SEED = 20240701
SIZE = 200

PROVINCES = {
    "001": "Thành phố Hà Nội",
    "031": "Thành phố Hải Phòng",
    "036": "Tỉnh Nam Định",
    "038": "Tỉnh Thanh Hóa",
    "040": "Tỉnh Nghệ An",
    "046": "Tỉnh Thừa Thiên Huế",
    "048": "Thành phố Đà Nẵng",
    "056": "Tỉnh Khánh Hòa",
    "079": "Thành phố Hồ Chí Minh",
    "092": "Thành phố Cần Thơ",
}
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = {"male": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành"],
                "female": ["Thị", "Ngọc", "Thu", "Thanh", "Bảo", "Diệu"]}
GIVEN_NAMES = {"male": ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quang",
                        "Sơn", "Thắng", "Tuấn", "Việt"],
               "female": ["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân",
                          "Nhung", "Phương", "Thảo", "Yến"]}
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Phan Đình Phùng", "Điện Biên Phủ"]
WARDS = ["Phường Đông Thành", "Phường Tân Hòa", "Phường Bắc Sơn", "Xã Hòa Bình", "Xã Yên Phú", "Xã Đồng Tâm"]


def _century_sex_digit(year: int, sex: str) -> int:
    # Circular 59/2021: 0/1 born 1900-1999 (male/female), 2/3 born 2000-2099, and so on.
    return (year // 100 - 19) * 2 + (1 if sex == "female" else 0)


@functools.cache
def people() -> tuple[PersonRecord, ...]:
    """The synthetic population: SIZE people, the same on every run."""
    rng = random.Random(SEED)
    codes = sorted(PROVINCES)
    records, seen = [], set()
    while len(records) < SIZE:
        sex = rng.choice(["male", "female"])
        birth_date = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 56))
        province = rng.choice(codes)
        citizen_id = f"{province}{_century_sex_digit(birth_date.year, sex)}{birth_date.year % 100:02d}{rng.randrange(10**6):06d}"
        if citizen_id in seen:
            continue
        seen.add(citizen_id)
        full_name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"
        home = rng.choice(codes)
        address = f"Số {rng.randrange(1, 300)}, đường {rng.choice(STREETS)}, {rng.choice(WARDS)}, {PROVINCES[home]}"
        origin = f"{rng.choice(WARDS)}, {PROVINCES[province]}"
        records.append(PersonRecord(citizen_id, full_name, birth_date, sex, address, origin))
    return tuple(records)


@functools.cache
def _by_citizen_id() -> dict[str, PersonRecord]:
    return {person.citizen_id: person for person in people()}


@register("simulator")
class SimulatedPopulationRegister(PopulationRegister):
    simulator = True  # synthetic people: only where simulators may run (motcua.core.simulators)
    MODES = ("normal", "unavailable", "timeout")

    def __init__(self, mode: str | None = None):
        self.mode = mode or getattr(settings, "POPULATION_SIMULATOR_MODE", "normal") or "normal"
        if self.mode not in self.MODES:
            raise ValueError(f"Unknown simulator mode {self.mode!r}")

    def lookup(self, citizen_id: str) -> PersonRecord | None:
        if self.mode == "unavailable":
            raise RegisterUnavailable("The population register simulator is set to be unavailable.")
        if self.mode == "timeout":
            raise RegisterTimeout("The population register simulator is set to time out.")
        return _by_citizen_id().get(citizen_id)
