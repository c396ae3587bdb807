"""Benchmark: due-date computations per second on one core (target >= 200,000/s).

    .venv/bin/python bench/bench_calendar.py [--n 200000] [--no-write]

Pure module, no Django: a calendar spanning 2020-2030 with Vietnam's real holidays (holidays
package), random receipt moments (any time of day, any day, some on days off) and random limits
(whole and half working days, working hours, a few calendar days). Prints the figures and writes
them between the markers of docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from motcua.calendar.holiday_data import MAKEUP_WORKING_DAY, vietnam_days  # noqa: E402
from motcua.calendar.worktime import VIETNAM, WorkCalendar  # noqa: E402

from performance_doc import replace_section  # noqa: E402 (bench/ is the script's folder)

START, END = "<!-- bench:calendar -->", "<!-- /bench:calendar -->"


def build_calendar() -> WorkCalendar:
    days = vietnam_days(2020, 2030)
    return WorkCalendar(
        days_off=[d.date for d in days if d.kind != MAKEUP_WORKING_DAY],
        extra_working_days=[d.date for d in days if d.kind == MAKEUP_WORKING_DAY],
    )


def workload(n: int, seed: int = 2024):
    rng = random.Random(seed)
    first = dt.datetime(2020, 1, 1, tzinfo=VIETNAM)
    span_minutes = (dt.datetime(2029, 12, 1, tzinfo=VIETNAM) - first) // dt.timedelta(minutes=1)
    limits = [(d, "working_days") for d in (1, 2, 3, 5, 7, 10, 15, 20, 30, 45)]
    limits += [(Decimal("0.5"), "working_days"), (1.5, "working_days"), (4, "working_hours"), (16, "working_hours")]
    limits += [(15, "calendar_days")]
    moments = [first + dt.timedelta(minutes=rng.randrange(span_minutes)) for _ in range(n)]
    return [(moment, *rng.choice(limits)) for moment in moments]


def measure(calendar: WorkCalendar, jobs, repeat: int = 5) -> float:
    add = calendar.add
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for moment, amount, unit in jobs:
            add(moment, amount, unit)
        best = min(best, time.perf_counter() - began)
    return len(jobs) / best


def measure_common(calendar: WorkCalendar, jobs, repeat: int = 5) -> float:
    """The common case alone: whole working days."""
    add = calendar.add
    jobs = [(moment, amount) for moment, amount, unit in jobs if unit == "working_days" and type(amount) is int]
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for moment, amount in jobs:
            add(moment, amount, "working_days")
        best = min(best, time.perf_counter() - began)
    return len(jobs) / best


def write_section(text: str) -> Path:
    return replace_section(START, END, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    args = parser.parse_args()

    began = time.perf_counter()
    calendar = build_calendar()
    build_ms = (time.perf_counter() - began) * 1000
    jobs = workload(args.n)
    mixed = measure(calendar, jobs)
    common = measure_common(calendar, jobs)
    # Django hands datetimes read from the database over in UTC: the conversion is part of the cost.
    utc_jobs = [(moment.astimezone(dt.timezone.utc), amount, unit) for moment, amount, unit in jobs]
    from_utc = measure(calendar, utc_jobs)
    verdict = "meets" if mixed >= 200_000 else "MISSES"
    print(f"calendar build: {build_ms:.1f} ms")
    print(f"due dates, mixed limits: {mixed:,.0f}/s ({verdict} the 200,000/s target)")
    print(f"due dates, whole working days: {common:,.0f}/s")
    print(f"due dates, mixed limits, start moments in UTC: {from_utc:,.0f}/s")
    if not args.no_write:
        text = (
            "## Working-time arithmetic (`bench/bench_calendar.py`)\n\n"
            f"- date: {dt.date.today().isoformat()}; machine: {platform.platform()}, "
            f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs (one core used)\n"
            f"- calendar 2020-2030 with {len(calendar.days_off)} days off and "
            f"{len(calendar.extra_working_days)} make-up working days from the holidays package; built in {build_ms:.1f} ms\n"
            f"- {len(jobs):,} random receipt moments, mixed limits (working days incl. fractions, working hours, "
            f"calendar days): **{mixed:,.0f} due dates/s** (target >= 200,000/s: {verdict})\n"
            f"- whole working days only: {common:,.0f} due dates/s\n"
            f"- mixed limits with start moments in UTC (as Django reads them from the database): {from_utc:,.0f} due dates/s\n"
        )
        print(f"written to {write_section(text).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
