"""Reading locust's CSV and sampling the CPU per process group (for bench/bench_load.py)."""
from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path

P95_LIMIT_MS = 300.0
LOGIN = "login"  # request names starting with this are the sign-ins of the warm-up


def read_stats(path: Path) -> dict[str, dict]:
    """locust's `<prefix>_stats.csv`: {name: {"method", "requests", "failures", "rps", "p50", "p95",
    "p99", "max", "avg"}}; the total row under "Aggregated". Times in ms (None when no request)."""
    def number(value):
        return None if value in ("", "N/A", None) else float(value)

    rows = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            rows[row["Name"]] = {
                "method": row["Type"], "requests": requests, "failures": int(row["Failure Count"]),
                "rps": number(row["Requests/s"]) or 0.0, "avg": number(row["Average Response Time"]) if requests else None,
                "p50": number(row["50%"]) if requests else None, "p95": number(row["95%"]) if requests else None,
                "p99": number(row["99%"]) if requests else None,
                "max": number(row["Max Response Time"]) if requests else None}
    return rows


def page_rows(stats: dict[str, dict]) -> dict[str, dict]:
    """The request types of the hour (no sign-in, no total), with at least one request."""
    return {name: row for name, row in stats.items()
            if name != "Aggregated" and not name.startswith(LOGIN) and row["requests"]}


def verdict(stats: dict[str, dict], limit_ms: float = P95_LIMIT_MS) -> dict:
    """Holds when the whole mix's p95 is under the limit and nothing failed; the slow types are
    those whose own p95 is over it (reported, not the criterion: a rare report page may be slow)."""
    total = stats.get("Aggregated") or {"requests": 0, "failures": 0, "p50": None, "p95": None, "p99": None, "rps": 0.0}
    failures = sum(row["failures"] for row in stats.values() if row is not total)
    slow = sorted(name for name, row in page_rows(stats).items() if (row["p95"] or 0) >= limit_ms)
    holds = bool(total["requests"]) and failures == 0 and (total["p95"] or 0) < limit_ms
    return {"holds": holds, "p95": total["p95"], "p50": total["p50"], "p99": total["p99"], "rps": total["rps"],
            "requests": total["requests"], "failures": failures, "slow": slow}


def read_failures(path: Path, limit: int = 5) -> list[str]:
    """The first failures of locust's `<prefix>_failures.csv`, as "count x method name: error"."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: -int(r["Occurrences"]))
    return [f"{r['Occurrences']} x {r['Method']} {r['Name']}: {r['Error'][:160]}" for r in rows[:limit]]


class CpuSampler:
    """Cores used by each process group, sampled every `interval` seconds in a thread.

    Groups: the process trees whose leaders are given (gunicorn, nginx, pgbouncer, celery, locust),
    the PostgreSQL backends of the load test's database ("postgres: ... <db> ..."), the rest of
    PostgreSQL (its background processes, and other databases' backends), everything else on the
    machine ("other": the other users of a shared machine), and the machine's total busy cores."""

    def __init__(self, leaders: dict[str, int], db: str, interval: float = 2.0):
        self.leaders, self.db, self.interval = dict(leaders), db, interval
        self.seconds: dict[str, float] = {}
        self.elapsed = 0.0
        self.busy = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._recording = False

    def add(self, name: str, pid: int) -> None:
        self.leaders[name] = pid

    def _group_of(self) -> dict[int, str]:
        import psutil

        groups = {}
        for name, pid in self.leaders.items():
            try:
                leader = psutil.Process(pid)
                for process in [leader, *leader.children(recursive=True)]:
                    groups[process.pid] = name
            except psutil.NoSuchProcess:
                continue
        return groups

    def _snapshot(self) -> tuple[dict[int, tuple[str, float]], float, float]:
        import psutil

        groups = self._group_of()
        times = {}
        for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
            info = process.info
            if info["cpu_times"] is None:
                continue
            cpu = info["cpu_times"].user + info["cpu_times"].system
            group = groups.get(process.pid)
            if group is None:
                if info["name"] == "postgres" or (info["cmdline"] or [""])[0].startswith("postgres"):
                    line = " ".join(info["cmdline"] or [])
                    group = "postgres (load database)" if f" {self.db} " in f" {line} " else "postgres (other)"
                else:
                    group = "other"
            times[process.pid] = (group, cpu)
        machine = psutil.cpu_times()
        total = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        return times, total, time.monotonic()

    def _run(self) -> None:
        before, total_before, at_before = self._snapshot()
        while not self._stop.wait(self.interval):
            now, total_now, at_now = self._snapshot()
            if self._recording:
                for pid, (group, cpu) in now.items():
                    previous = before.get(pid)
                    used = cpu - previous[1] if previous and previous[0] == group else 0.0
                    if used > 0:
                        self.seconds[group] = self.seconds.get(group, 0.0) + used
                self.busy += total_now - total_before
                self.elapsed += at_now - at_before
            before, total_before, at_before = now, total_now, at_now

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def record(self, on: bool = True) -> None:
        """Count from now (after the warm-up) or stop counting."""
        self._recording = on

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def cores(self) -> dict[str, float]:
        """Average cores used per group over the recorded time, plus "machine (busy)"."""
        if not self.elapsed:
            return {}
        out = {group: seconds / self.elapsed for group, seconds in sorted(self.seconds.items(), key=lambda i: -i[1])}
        out["machine (busy)"] = self.busy / self.elapsed
        return out


def cores_available() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
