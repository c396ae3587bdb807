"""The queue at the counters (issue 12) on PostgreSQL: call-next with 5,000 tickets waiting, and
the display board's 304 answers per second over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_queueing.py

It (re)creates its own database `motcua_bench_queueing` (override with BENCH_DB), migrates it and
builds one centre: 5 queues, 10 counters each with its officer, opening hours every day.

1. call-next: `--waiting` (5,000) + `--calls` waiting tickets of a fixed working day (one in ten in
   a priority group) are bulk-inserted; then `--calls` calls of `services.call_next` (the real
   function: seat check, counter lock, priority rule, SELECT ... FOR UPDATE SKIP LOCKED), round
   robin over the counters, each ticket then marked not come (not timed) so the counter may call
   again; at least 5,000 tickets wait during every call. p50/p95/p99 of the call alone.
2. the board: today's tickets (so the board has numbers to show) are called at every counter;
   gunicorn (bench/gunicorn.conf.py: 2 sync workers, DEBUG=0) serves `/xep-hang/<point>/bang.json`;
   threads (one connection per request, as the board's browsers poll) send the board's ETag in
   If-None-Match for `--seconds` seconds; answers per second counted for 304s only.

Figures go to docs/performance.md between <!-- bench:queueing --> and <!-- /bench:queueing -->.
Targets (issue 12): call-next p95 <= 50 ms; >= 1,000 answers 304 per second.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from performance_doc import replace_section  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
START, END = "<!-- bench:queueing -->", "<!-- /bench:queueing -->"
BENCH_DB = os.environ.get("BENCH_DB", "motcua_bench_queueing")
CALL_DAY = dt.date(2026, 3, 2)  # a Monday; call_next is given its moment, so any date works
N_COUNTERS = 10


def prepare_database(url: str) -> str:
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["HTTPS"] = "0"  # plain HTTP on 127.0.0.1 (TLS is the proxy's), no redirect
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def build_centre():
    from django.contrib.auth import get_user_model

    from motcua.organization.models import (AdministrativeLevel, Agency, Counter, CounterAssignment, OpeningHours,
                                            Role, RoleAssignment, ServicePoint)
    from motcua.queueing.models import Queue

    level = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    centre = ServicePoint.objects.create(code="trung-tam", name="Trung tâm", kind=ServicePoint.Kind.PROVINCIAL_CENTRE)
    for weekday in range(7):
        OpeningHours.objects.create(service_point=centre, weekday=weekday, opens=dt.time(0, 0),
                                    closes=dt.time(23, 59))
    agencies = [Agency.objects.create(code=f"000.00.{i:02d}.H99", name=f"Sở số {i}", level=level)
                for i in range(1, 6)]
    queues = []
    for i, agency in enumerate(agencies):
        queue = Queue.objects.create(service_point=centre, letter="ABCDE"[i], name=agency.name, order=i)
        queue.agencies.set([agency])
        queues.append(queue)
    counters, officers = [], []
    for number in range(1, N_COUNTERS + 1):
        agency = agencies[(number - 1) % len(agencies)]
        counter = Counter.objects.create(service_point=centre, number=number, name=f"Quầy {number}")
        counter.agencies.set([agency])
        user = get_user_model().objects.create_user(f"bench_quay{number}", password="x")
        RoleAssignment.objects.create(user=user, role=Role.COUNTER_OFFICER, agency=agency)
        CounterAssignment.objects.create(user=user, counter=counter, agency=agency, valid_from=dt.date(2020, 1, 1))
        counters.append(counter)
        officers.append(user)
    return {"centre": centre, "queues": queues, "counters": counters, "officers": officers}


def insert_waiting(world, day: dt.date, n: int, start: dt.datetime) -> None:
    """n waiting tickets spread over the queues, numbered per queue, one in ten priority."""
    from motcua.queueing.models import PriorityGroup, QueueDay, Ticket

    group = PriorityGroup.objects.order_by("order").first()
    per_queue: dict[int, int] = {}
    rows = []
    for i in range(n):
        queue = world["queues"][i % len(world["queues"])]
        per_queue[queue.pk] = per_queue.get(queue.pk, 0) + 1
        moment = start + dt.timedelta(seconds=i)
        rows.append(Ticket(queue=queue, service_date=day, number=per_queue[queue.pk], issued_at=moment,
                           queued_at=moment, priority_group=group if i % 10 == 0 else None))
    Ticket.objects.bulk_create(rows, batch_size=2000)
    for queue in world["queues"]:
        QueueDay.objects.update_or_create(queue=queue, service_date=day,
                                          defaults={"last_number": per_queue.get(queue.pk, 0)})


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def bench_call_next(world, waiting: int, calls: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from zoneinfo import ZoneInfo

    from motcua.queueing import services
    from motcua.queueing.models import Ticket, TicketStatus

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    start = dt.datetime.combine(CALL_DAY, dt.time(7, 0), tzinfo=tz)
    insert_waiting(world, CALL_DAY, waiting + calls, start)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE queueing_ticket")
    now = dt.datetime.combine(CALL_DAY, dt.time(9, 0), tzinfo=tz)
    pairs = list(zip(world["officers"], world["counters"]))
    # The COMMIT (the WAL flushed to disk) timed apart: on a shared disk it is most of a call.
    commits: list[float] = []
    commit_times: list[float] = []
    plain_commit = connection.commit

    def timed_commit():
        t0 = time.perf_counter()
        plain_commit()
        commits.append((time.perf_counter() - t0) * 1000)

    connection.commit = timed_commit
    # Warm-up (connections, caches): 20 calls, not counted.
    timings = []
    queries = None
    for i in range(calls + 20):
        officer, counter = pairs[i % len(pairs)]
        moment = now + dt.timedelta(milliseconds=10 * i)
        if i == 20:
            with CaptureQueriesContext(connection) as ctx:
                ticket = services.call_next(officer, counter, now=moment)
            queries = len(ctx.captured_queries)
            services.mark_no_show(officer, ticket, now=moment)
            continue
        commits.clear()
        t0 = time.perf_counter()
        ticket = services.call_next(officer, counter, now=moment)
        elapsed = (time.perf_counter() - t0) * 1000
        committed = sum(commits)
        services.mark_no_show(officer, ticket, now=moment)
        if i > 20:
            timings.append(elapsed)
            commit_times.append(committed)
    connection.commit = plain_commit
    without = [t - c for t, c in zip(timings, commit_times)]
    left = Ticket.objects.filter(service_date=CALL_DAY, status=TicketStatus.WAITING).count()
    return {"calls": len(timings), "waiting_before": waiting + calls, "waiting_after": left, "queries": queries,
            "p50": statistics.median(timings), "p95": pct(timings, 0.95), "p99": pct(timings, 0.99),
            "max": max(timings), "commit_p50": statistics.median(commit_times), "commit_p95": pct(commit_times, 0.95),
            "without_p50": statistics.median(without), "without_p95": pct(without, 0.95)}


def board_today(world) -> None:
    """Today's tickets, one called at every counter, so the board is a real one."""
    from django.utils import timezone

    from motcua.queueing import services

    from motcua.queueing.models import SaturdayDuty

    now = timezone.now()
    insert_waiting(world, timezone.localdate(now), 60, now - dt.timedelta(hours=1))
    for officer, counter in zip(world["officers"], world["counters"]):
        if timezone.localdate(now).weekday() == 5:  # on a Saturday the duty roster decides who calls
            SaturdayDuty.objects.get_or_create(date=timezone.localdate(now), counter=counter, shift="all_day",
                                               defaults={"officer": officer, "agency": counter.agencies.first()})
        services.call_next(officer, counter, now=now)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers=None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def start_server(url: str, port: int, probe: str, app: str = "motcua.wsgi:application") -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", SECRET_KEY="bench-only-secret-key",
               ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT / "src"), HTTPS="0")
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT / "bench" if app.startswith("board_ceiling") else ROOT, env=env, start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, _h, _b = get(port, probe)
            if status == 200 or (status == 304 and app.startswith("board_ceiling")):
                return server
            stop_server(server)
            raise SystemExit(f"bench_queueing: the server answered {status} for {probe}")
        except OSError:
            if server.poll() is not None:
                raise SystemExit("bench_queueing: gunicorn exited") from None
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("bench_queueing: gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def raw_request(path: str, etag: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: {etag}\r\n"
            f"Connection: close\r\n\r\n").encode()


def load_304(port: int, path: str, etag: str, seconds: float, connections: int) -> dict:
    """Threads, one connection per request (gunicorn's sync workers close it): a raw socket, the
    request written at once and the status line read, to keep the client's own cost small."""
    request = raw_request(path, etag)
    latencies: list[float] = []
    counts = {"304": 0, "other": 0, "errors": 0}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        mine, not_modified, other, failed = [], 0, 0, 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(request)
                    head = b""
                    while b"\r\n" not in head:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    while s.recv(4096):  # drain until the server closes
                        pass
            except OSError:
                failed += 1
                continue
            mine.append(time.perf_counter() - t0)
            if head.startswith(b"HTTP/1.1 304") or head.startswith(b"HTTP/1.0 304"):
                not_modified += 1
            else:
                other += 1
        with lock:
            latencies.extend(mine)
            counts["304"] += not_modified
            counts["other"] += other
            counts["errors"] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {**counts, "seconds": elapsed, "per_second": counts["304"] / elapsed,
            "p50": statistics.median(latencies) * 1000, "p99": pct(latencies, 0.99) * 1000}


def bench_board(url: str, world, seconds: float, rounds: int, connections: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    path = f"/xep-hang/{world['centre'].code}/bang.json"
    client = Client(HTTP_HOST="127.0.0.1")
    etag = client.get(path)["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    queries = len(ctx.captured_queries)
    started = time.perf_counter()
    for _ in range(500):
        client.get(path, HTTP_IF_NONE_MATCH=etag)
    inprocess_ms = (time.perf_counter() - started) * 1000 / 500
    from motcua.wsgi import application  # the WSGI app gunicorn serves: BoardShortcut around Django

    client.get(path)  # keep the board again in this process
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_IF_NONE_MATCH": etag}
    started = time.perf_counter()
    for _ in range(5000):
        application(environ, lambda status, headers: None)
    shortcut_us = (time.perf_counter() - started) * 1e6 / 5000
    connection.close()
    port, ceiling_port = free_port(), free_port()
    server = start_server(url, port, path)
    ceiling = start_server(url, ceiling_port, path, app="board_ceiling_wsgi:app")
    runs, ceilings = [], []
    try:
        status, headers, _body = get(port, path)
        assert status == 200 and headers.get("ETag") == etag, (status, headers.get("ETag"), etag)
        load_304(port, path, etag, 3, connections)  # warm-up
        load_304(ceiling_port, path, etag, 3, connections)
        for _ in range(rounds):  # alternating, so both see the same moments of the machine
            ceilings.append(load_304(ceiling_port, path, etag, seconds, connections))
            runs.append(load_304(port, path, etag, seconds, connections))
    finally:
        stop_server(server)
        stop_server(ceiling)
    runs.sort(key=lambda r: r["per_second"])
    ceilings.sort(key=lambda r: r["per_second"])
    return {"median": runs[len(runs) // 2], "all": [r["per_second"] for r in runs], "queries": queries,
            "ceiling": ceilings[len(ceilings) // 2], "inprocess_ms": inprocess_ms, "shortcut_us": shortcut_us, "ceilings": [r["per_second"] for r in ceilings],
            "connections": connections, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    url = prepare_database(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = build_centre()
    calls = bench_call_next(world, args.waiting, args.calls)
    print(f"call_next: {calls}", flush=True)
    board_today(world)
    board = bench_board(url, world, args.seconds, args.rounds, args.connections)
    print(f"board 304: {board}", flush=True)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
    load1 = os.getloadavg()[0]
    b = board["median"]
    meets = lambda ok: "meets" if ok else "**below target**"  # noqa: E731
    text = f"""## The queue at the counters (`bench/bench_queueing.py`)

- date: {dt.date.today().isoformat()}; machine: {platform.platform()}, CPython {platform.python_version()}, \
{os.cpu_count()} CPUs shared by the server, PostgreSQL and the load generator (and other jobs: load average \
{load1:.2f} at the end); {pg}, stock settings
- **call-next** (`services.call_next`, the real function, {calls['queries']} SQL statements per call), \
{calls['waiting_before']:,} tickets waiting for one day in 5 queues (one in ten priority), 10 counters calling \
in turn, each ticket then marked not come (not timed); at least {calls['waiting_after']:,} still waiting at the \
last call: **p50 {calls['p50']:.1f} ms, p95 {calls['p95']:.1f} ms, p99 {calls['p99']:.1f} ms**, max \
{calls['max']:.1f} ms over {calls['calls']} calls; target p95 <= 50 ms: {meets(calls['p95'] <= 50)}; of which the \
COMMIT (PostgreSQL flushing its WAL to the shared disk): p50 {calls['commit_p50']:.1f} ms, p95 {calls['commit_p95']:.1f} ms; \
the call without its COMMIT: p50 {calls['without_p50']:.1f} ms, p95 {calls['without_p95']:.1f} ms
- **the board's 304 answers** (`GET /xep-hang/<point>/bang.json` with the current ETag in If-None-Match, \
{board['queries']} SQL statements per answer through Django; 10 counters each showing a number): gunicorn, 2 sync workers, \
DEBUG=0, on 127.0.0.1; load: {board['connections']} Python threads, a raw socket per request (no wrk or ab \
on this machine), {len(board['all'])} rounds of {board['seconds']:.0f} s after a 3 s warm-up, the median round \
reported (all rounds: {', '.join(f'{v:,.0f}' for v in board['all'])} per second): **{b['per_second']:,.0f} \
answers 304 per second**, p50 {b['p50']:.1f} ms, p99 {b['p99']:.1f} ms ({b['304']:,} answers 304, {b['other']} \
other answers, {b['errors']} socket errors); target >= 1,000 per second: {meets(b['per_second'] >= 1000)}
- the machine's ceiling in the same run (`bench/board_ceiling_wsgi.py`: a bare WSGI app answering 304, same gunicorn, same client, rounds alternating with the board's): {board['ceiling']['per_second']:,.0f} per second (all rounds: {', '.join(f'{v:,.0f}' for v in board['ceilings'])}); the board's rate is {100 * b['per_second'] / board['ceiling']['per_second']:.0f}% of it
- what a 304 costs in the server process: {board['shortcut_us']:.0f} µs in `BoardShortcut` (motcua/wsgi.py: the ETag kept by the process for 0.5 s, answered before Django's stack), {board['inprocess_ms']:.2f} ms when a poll reaches the view through Django (every middleware, no SQL: `queueing/board_cache.py`); before the board was kept, each poll computed the board (4 SQL statements): 54 answers 304 per second in the first run of the day, 426 with the board kept but every poll through Django
"""
    print(text)
    if not args.no_write:
        print(f"written to {replace_section(START, END, text)}")


if __name__ == "__main__":
    main()
