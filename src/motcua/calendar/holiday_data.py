"""The days off of Vietnam from the `holidays` package, plus announced breaks it lacks.

Pure Python (no Django), shared by the seed command and the benchmark.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

PUBLIC_HOLIDAY = "public_holiday"
ANNOUNCED_DAY_OFF = "announced_day_off"
MAKEUP_WORKING_DAY = "makeup_working_day"

# "Ngày nghỉ (thay cho ngày 04/05/2024)": a day off swapped against a make-up working Saturday.
_SWAPPED = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")

# Civil servants' Tết breaks as announced, including the weekend days around them (they matter
# to service points that open on Saturdays). Weekday dates are already in the package.
ANNOUNCED_BREAKS = [
    (date(2022, 1, 29), date(2022, 2, 6), "Nghỉ Tết Nguyên Đán Nhâm Dần (theo thông báo)"),
    (date(2024, 2, 8), date(2024, 2, 14), "Nghỉ Tết Nguyên Đán Giáp Thìn (theo thông báo)"),
    (date(2025, 1, 25), date(2025, 2, 2), "Nghỉ Tết Nguyên Đán Ất Tỵ (theo thông báo)"),
]


@dataclass(frozen=True)
class SeedDay:
    date: date
    kind: str
    name: str
    note: str = ""


def vietnam_days(from_year: int, to_year: int) -> list[SeedDay]:
    """Days off and make-up working days for the years given (both included), one per date."""
    years = range(from_year, to_year + 1)
    try:
        package = holidays.country_holidays("VN", years=years, language="vi")
    except (NotImplementedError, KeyError):  # older package without Vietnamese names
        package = holidays.country_holidays("VN", years=years)
    days: dict[date, SeedDay] = {}
    for day, name in sorted(package.items()):
        swapped = _SWAPPED.search(name)
        announced = swapped or "nghỉ bù" in name.lower()
        days[day] = SeedDay(day, ANNOUNCED_DAY_OFF if announced else PUBLIC_HOLIDAY, name, "holidays (VN)")
        if swapped:
            makeup = date(int(swapped[3]), int(swapped[2]), int(swapped[1]))
            if from_year <= makeup.year <= to_year:
                days[makeup] = SeedDay(
                    makeup, MAKEUP_WORKING_DAY, f"Làm bù cho ngày nghỉ {day:%d/%m/%Y}", "holidays (VN)"
                )
    for first, last, name in ANNOUNCED_BREAKS:
        day = first
        while day <= last:
            if from_year <= day.year <= to_year and day not in days:
                days[day] = SeedDay(day, ANNOUNCED_DAY_OFF, name, "announced break")
            day += timedelta(days=1)
    return [days[d] for d in sorted(days)]
