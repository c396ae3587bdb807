"""Public tracking by code over HTTP with millions of dossiers, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_tracking.py [--n 10000000]

It (re)creates its own database `motcua_bench_tracking` (kept afterwards; `--reuse` skips the
generation when it already holds N dossiers), migrates it, generates N dossiers server-side with
INSERT ... SELECT generate_series (the table's secondary indexes are dropped for the load and the
code's unique index and pattern index rebuilt afterwards; foreign-key triggers are off during the
load), then starts gunicorn (2 sync workers, DEBUG=0, CONN_MAX_AGE kept) on 127.0.0.1 and hits
`GET /api/v1/tracking/{code}/` and `GET /tra-cuu/?ma={code}` with random existing codes from wrk
(32 connections, bounded in time) or, without wrk, a threaded Python client. Figures go to
docs/performance.md between the markers <!-- bench:tracking --> and <!-- /bench:tracking -->.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.client
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from performance_doc import replace_section  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
START, END = "<!-- bench:tracking -->", "<!-- /bench:tracking -->"
BENCH_DB = "motcua_bench_tracking"
N_AGENCIES = 20
PER_DAY = 2000  # dossiers per agency per day in the generated codes
FIRST_DAY = dt.date(2021, 1, 4)


def code_of(g: int) -> str:
    """The code of generated dossier number g (1..N); must match CODE_SQL."""
    agency, k = g % N_AGENCIES, g // N_AGENCIES
    day = FIRST_DAY + dt.timedelta(days=k // PER_DAY)
    return f"000.00.{agency + 1:02d}.H99-{day:%y%m%d}-{k % PER_DAY + 1:04d}"


CODE_SQL = (
    f"'000.00.' || lpad(((g % {N_AGENCIES}) + 1)::text, 2, '0') || '.H99-' "
    f"|| to_char(DATE '{FIRST_DAY.isoformat()}' + ((g / {N_AGENCIES}) / {PER_DAY})::int, 'YYMMDD') "
    f"|| '-' || lpad((((g / {N_AGENCIES}) % {PER_DAY}) + 1)::text, 4, '0')"
)


def admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def bench_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{BENCH_DB}"))


def existing_rows(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(bench_url(url), autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM dossiers_dossier WHERE code LIKE '000.00.%'").fetchone()[0]
    except Exception:  # noqa: BLE001 - no database yet
        return -1


def recreate_database(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url(url)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    import django

    django.setup()


def column_expressions(world) -> tuple[list[str], list[str]]:
    """Every column of the dossier table with an SQL expression of g (the row number)."""
    from django.db import models

    from motcua.dossiers.models import Dossier

    version = world["version"]
    agency_ids = "ARRAY[" + ",".join(str(a.pk) for a in world["agencies"]) + "]::bigint[]"
    agency = f"({agency_ids})[1 + g % {N_AGENCIES}]"
    received = (f"(TIMESTAMPTZ '{FIRST_DAY.isoformat()} 08:00+07' + ((g / {N_AGENCIES}) / {PER_DAY}) * interval '1 day'"
                f" + (g % 480) * interval '1 minute')")
    overrides = {
        "code": CODE_SQL, "version": "1", "procedure_version_id": str(version.pk),
        "procedure_id": str(version.procedure_id), "field_id": str(version.field_id),
        "level_id": str(world["agencies"][0].level_id),
        "applicant_kind": "'person'", "applicant_name": "'Người Thử ' || g",
        "applicant_id_number": "lpad((g % 1000000000)::text, 12, '0')", "applicant_phone": "'0912345678'",
        "owner_same_as_applicant": "true", "owner_kind": "'person'", "owner_name": "'Người Thử ' || g",
        "channel_in": "1 + g % 3", "return_channel": "'counter'",
        "status": "(ARRAY[9,9,9,10,10,10,10,2,4,4,5,9,10,10,9,10,4,9,10,10])[1 + g % 20]",
        "service_point_id": str(world["centre"].pk), "receiving_agency_id": agency, "competent_agency_id": agency,
        "current_agency_id": agency, "current_step_index": "2", "step_count": "2",
        "current_step_name": "'Thẩm định'", "current_unit": "'Phòng Đăng ký'",
        "submitted_at": received, "received_at": received, "clock_started_at": received,
        "original_due_at": f"{received} + interval '14 days'", "due_at": f"{received} + interval '14 days'",
        "fee_due": "50000", "fee_paid": "50000", "created_at": received, "updated_at": received,
    }
    columns, expressions = [], []
    for f in Dossier._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in overrides:
            expr = overrides[f.attname]
        elif f.null:
            expr = "NULL"
        elif isinstance(f, models.BooleanField):
            expr = "false"
        elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
            expr = "''"
        elif isinstance(f, (models.IntegerField, models.DecimalField)):
            expr = "0"
        elif isinstance(f, models.JSONField):
            expr = "'{}'::jsonb"
        else:
            raise SystemExit(f"bench_tracking: no generator for the column {f.column}; add one to the overrides")
        columns.append(f.column)
        expressions.append(expr)
    return columns, expressions


def generate(world, n: int) -> dict:
    """Load n dossiers with the secondary indexes dropped, then rebuild the code's indexes."""
    from django.db import connection

    columns, expressions = column_expressions(world)
    insert = (f"INSERT INTO dossiers_dossier ({', '.join(columns)}) SELECT {', '.join(expressions).replace('%', '%%')} "
              f"FROM generate_series(%s::bigint, %s::bigint) AS g")
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.indexname, i.indexdef, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.contype = 'u'
            WHERE i.tablename = 'dossiers_dossier' AND i.indexname <> 'dossiers_dossier_pkey'
        """)
        secondary = cursor.fetchall()
        for name, _def, conname, _cdef in secondary:
            if conname:
                cursor.execute(f'ALTER TABLE dossiers_dossier DROP CONSTRAINT "{conname}"')
            else:
                cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK trigger per row during the load
        started = time.perf_counter()
        chunk = 1_000_000
        for first in range(1, n + 1, chunk):
            last = min(n, first + chunk - 1)
            cursor.execute(insert, [first, last])
            print(f"  loaded {last:,} / {n:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("SET session_replication_role = origin")
        timings["load"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        kept = []
        for name, indexdef, conname, cdef in secondary:
            # Only the code's indexes serve the lookup; the engine's other indexes are not rebuilt
            # (they cost load time and disk, not lookup time).
            if "(code" not in indexdef:
                continue
            if conname:
                cursor.execute(f'ALTER TABLE dossiers_dossier ADD CONSTRAINT "{conname}" {cdef}')
            else:
                cursor.execute(indexdef)
            kept.append(name)
        timings["indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE dossiers_dossier")
        timings["vacuum"] = time.perf_counter() - started
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier'))")
        timings["size"] = cursor.fetchone()[0]
    timings["kept_indexes"] = kept
    return timings


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, app: str = "motcua.wsgi:application") -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=bench_url(url), DEBUG="0", SECRET_KEY="bench-only-secret-key",
               ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT / "src"))
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT / "bench" if app.startswith("tracking_ceiling") else ROOT, env=env, start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"/api/v1/tracking/{code_of(1)}/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
            raise SystemExit(f"bench_tracking: the server answered {status} for an existing code")
        except (ConnectionError, OSError):
            if server.poll() is not None:
                raise SystemExit("bench_tracking: gunicorn exited") from None
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("bench_tracking: gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- the load ---------------------------------------------------------------------------------

WRK_SCRIPT = """
local n = %(n)d
local agencies = %(agencies)d
local per_day = %(per_day)d
local first = os.time({year=%(y)d, month=%(m)d, day=%(d)d, hour=12})
local template = "%(template)s"
local counter = 1
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  math.randomseed(os.time() + (id or 0) * 7919)
end
request = function()
  local g = math.random(1, n)
  local a = g %% agencies
  local k = math.floor(g / agencies)
  local day = os.date("!%%y%%m%%d", first + math.floor(k / per_day) * 86400)
  local code = string.format("000.00.%%02d.H99-%%s-%%04d", a + 1, day, k %% per_day + 1)
  return wrk.format("GET", string.format(template, code))
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"non2xx\\": %%d, \\"errors\\": %%d, "
    .. "\\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f, \\"max\\": %%f}\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def load_wrk(port: int, n: int, template: str, seconds: int, connections: int) -> dict:
    script = WRK_SCRIPT % {"n": n, "agencies": N_AGENCIES, "per_day": PER_DAY, "y": FIRST_DAY.year,
                           "m": FIRST_DAY.month, "d": FIRST_DAY.day, "template": template}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s", "-s", f.name,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(line for line in out.splitlines() if line.startswith("JSON "))
    figures = json.loads(line[5:])
    figures["per_second"] = figures["requests"] / figures["seconds"]
    figures["tool"] = "wrk"
    return figures


def load_python(port: int, n: int, template: str, seconds: int, connections: int) -> dict:
    """Fallback without wrk: threads, one connection each (gunicorn sync closes it per request)."""
    latencies: list[float] = []
    errors = [0, 0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        rng = random.Random()
        mine, bad, failed = [], 0, 0
        while time.perf_counter() < stop_at:
            path = template % code_of(rng.randint(1, n))
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                bad += response.status != 200
            except OSError:
                failed += 1
                continue
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors[0] += bad
            errors[1] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"requests": len(latencies), "seconds": elapsed, "non2xx": errors[0], "errors": errors[1],
            "per_second": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": pct(0.95), "p99": pct(0.99), "max": latencies[-1] * 1000, "tool": "python threads"}


def load(port, n, template, seconds, connections):
    if os.path.exists("/usr/bin/wrk") or any(
            os.path.exists(os.path.join(p, "wrk")) for p in os.environ.get("PATH", "").split(os.pathsep)):
        return load_wrk(port, n, template, seconds, connections)
    return load_python(port, n, template, seconds, connections)


def count_queries(template: str, n: int) -> int:
    """SQL statements the view runs for one lookup (Django test client in this process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers import selectors as receipt_sql  # where the view calls fetch_prepared

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(template % code_of(n // 2))
    prepared = []
    original = receipt_sql.fetch_prepared

    def counting(sql, params):
        prepared.append(sql)
        return original(sql, params)

    receipt_sql.fetch_prepared = counting
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(template % code_of(n // 3))
    finally:
        receipt_sql.fetch_prepared = original
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries) + len(prepared)


def write_section(text: str) -> Path:
    return replace_section(START, END, text)


API = "/api/v1/tracking/%s/"
PAGE = "/tra-cuu/?ma=%s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="dossiers in the table")
    parser.add_argument("--seconds", type=int, default=15, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (ceiling, API, page)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds N dossiers")
    parser.add_argument("--generate-only", action="store_true", help="load the data and stop (run later with --reuse)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

    generated = None
    if not (args.reuse and existing_rows(url) == args.n):
        recreate_database(url)
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from bench_dossiers import build_world

        world = build_world(n_agencies=N_AGENCIES)
        print(f"generating {args.n:,} dossiers in {BENCH_DB}", flush=True)
        generated = generate(world, args.n)
        print(f"generated: {generated}", flush=True)
        if args.generate_only:
            return
    else:
        setup_django(url)
        print(f"reusing {BENCH_DB} with {args.n:,} dossiers", flush=True)

    queries = {"api": count_queries(API, args.n), "page": count_queries(PAGE, args.n)}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier'))")
        size = cursor.fetchone()[0]
    connection.close()

    # Both servers run side by side; the runs alternate (ceiling, API, page) for --rounds rounds so
    # that other work on the shared machine weighs on all three alike; the median round is kept.
    ports = {"ceiling": free_port(), "django": free_port()}
    servers = [start_server(url, ports["ceiling"], "tracking_ceiling_wsgi:application"),
               start_server(url, ports["django"])]
    runs = {"ceiling": [], "api": [], "page": []}
    try:
        for name, template in (("ceiling", API), ("api", API), ("page", PAGE)):  # warm-up: connections, caches
            load(ports["ceiling" if name == "ceiling" else "django"], args.n, template, 5, args.connections)
        for round_no in range(1, args.rounds + 1):
            for name, template in (("ceiling", API), ("api", API), ("page", PAGE)):
                load_avg = os.getloadavg()[0]
                r = load(ports["ceiling" if name == "ceiling" else "django"], args.n, template, args.seconds,
                         args.connections)
                r["load"] = load_avg
                runs[name].append(r)
                print(f"round {round_no} {name}: {r['per_second']:,.0f} req/s, p50 {r['p50']:.1f} ms, "
                      f"p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms ({r['requests']:,} requests, "
                      f"{r['non2xx']} non-2xx, {r['errors']} errors, {r['tool']}, load {load_avg:.2f})", flush=True)
    finally:
        for server in servers:
            stop_server(server)
    results = {name: sorted(rs, key=lambda r: r["per_second"])[len(rs) // 2] for name, rs in runs.items()}

    def verdict(r):
        ok = r["per_second"] >= 870 and r["p99"] < 50 and not r["non2xx"] and not r["errors"]
        return "meets" if ok else "BELOW TARGET"

    gen = ""
    if generated:
        gen = (f"- data: {args.n:,} generated dossiers loaded with INSERT ... SELECT generate_series in "
               f"{generated['load']:.0f} s (secondary indexes dropped, FK triggers off), code indexes rebuilt in "
               f"{generated['indexes']:.0f} s ({', '.join(generated['kept_indexes'])}), VACUUM ANALYZE "
               f"{generated['vacuum']:.0f} s; the engine's other indexes are not rebuilt (they do not serve the lookup)\n")
    api, page, ceiling = results["api"], results["page"], results["ceiling"]
    # Per round (the API run follows its round's ceiling run), then the median round.
    ratios = sorted(a["per_second"] / c["per_second"] for a, c in zip(runs["api"], runs["ceiling"]))
    ratio = ratios[len(ratios) // 2]
    text = f"""## Public tracking by code over HTTP (`bench/bench_tracking.py`)

- date: {dt.date.today().isoformat()}; machine: {platform.platform()}, CPython {platform.python_version()}, {os.cpu_count()} CPUs shared by the server, PostgreSQL and the load generator; {pg}, stock settings (shared_buffers 128 MB); table `dossiers_dossier` with **{args.n:,} dossiers** ({size})
{gen}- server: gunicorn, 2 sync workers, DEBUG=0, CONN_MAX_AGE=600 (connections kept), on 127.0.0.1; load: {api['tool']}, {args.connections} connections, a random existing code per request; {args.rounds} alternating rounds of {args.seconds} s per run (ceiling, API, page) after 5 s warm-ups, the median round of each reported (all rounds: ceiling {", ".join(f"{r['per_second']:,.0f}" for r in runs["ceiling"])}; API {", ".join(f"{r['per_second']:,.0f}" for r in runs["api"])}; page {", ".join(f"{r['per_second']:,.0f}" for r in runs["page"])} req/s)
- the machine's ceiling in the same run (bare WSGI app, plain psycopg, one indexed lookup, same gunicorn and load; docs/PERFORMANCE.md measured 1,747 req/s, p99 21.5 ms on an idle machine): {ceiling['per_second']:,.0f} req/s, p50 {ceiling['p50']:.1f} ms, p99 {ceiling['p99']:.1f} ms
- `GET /api/v1/tracking/{{code}}/` ({queries['api']} SQL statement per request, prepared once per connection): **{api['per_second']:,.0f} req/s, p50 {api['p50']:.1f} ms, p95 {api['p95']:.1f} ms, p99 {api['p99']:.1f} ms** ({api['requests']:,} requests, {api['non2xx']} non-2xx, {api['errors']} socket errors; load average {api['load']:.2f} at start); the API's rate is {ratio:.0%} of the ceiling's in the same round (median of the rounds' ratios {", ".join(f"{r:.0%}" for r in ratios)}); target >= 870 req/s and p99 < 50 ms (i.e. >= 50 % of the idle ceiling): {verdict(api)}
- what a lookup costs on the server: one statement prepared once per connection (the unique code's index, joined to the procedure version and the two agencies by primary key), without Django's per-request health check (`SELECT 1`, CONN_HEALTH_CHECKS, a second round trip): a kept connection found broken is reopened and the read retried once; the rest of the gap to the ceiling is Django's request handling (middleware stack, URL resolution, DRF dispatch) on cores shared with PostgreSQL, wrk and other jobs
- the HTML page `GET /tra-cuu/?ma={{code}}` ({queries['page']} SQL statement per request): {page['per_second']:,.0f} req/s, p50 {page['p50']:.1f} ms, p95 {page['p95']:.1f} ms, p99 {page['p99']:.1f} ms ({page['requests']:,} requests, {page['non2xx']} non-2xx, {page['errors']} socket errors): {verdict(page)}
"""
    print(text)
    if not args.no_write:
        print(f"written to {write_section(text)}")


if __name__ == "__main__":
    main()
