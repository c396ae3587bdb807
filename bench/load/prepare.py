"""The load test's database: the demo province, then N generated dossiers in its agencies and
procedures, then synthetic citizen accounts. Made once and kept between runs (by name).

The dossiers come from bench_reports.py's generator (`bench_reports.load`: COPY with the secondary
indexes dropped, then built) over the demo's own published procedures, so that the demo officers'
queues, the dossier pages and the reports see the generated history.

Runs in its own process (`python bench/load/prepare.py --db NAME --n N`), because Django is set up
once per process and the driver must not hold a database connection while the stack runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))

from pages import synthetic_name  # noqa: E402

CITIZEN_PASSWORD = "motcua-demo"
# Synthetic citizen accounts: phone numbers 0988 000 000 + i (the 0999 00 09xx range is the demo's).
CITIZEN_PHONE_BASE = 988_000_000
MARKER_TABLE = "bench_load_prepared"


def citizen_phone(i: int) -> str:
    return f"0{CITIZEN_PHONE_BASE + i:09d}"


def demo_procedures() -> list[tuple]:
    """The demo's published procedures in bench_reports' tuple shape: (procedure, version, field,
    level, agency, limit in days, code, agency code); the first competent agency decides."""
    from motcua.catalog.models import ProcedureVersion

    rows = []
    versions = (ProcedureVersion.objects.filter(status="published")
                .prefetch_related("competent_agencies", "levels").select_related("procedure").order_by("pk"))
    for version in versions:
        agency = next(iter(version.competent_agencies.all()), None)
        if agency is None:
            continue
        limit = max(1, round(float(version.time_limit or 1) if version.time_limit_unit == "working_days" else 1))
        rows.append((version.procedure_id, version.pk, version.field_id, agency.level_id, agency.pk, limit,
                     version.procedure.code, agency.code))
    if not rows:
        raise SystemExit("the demo province has no published procedure with a competent agency")
    random.Random(7).shuffle(rows)  # the Zipf-like skew falls on a mix of agencies, not the first ones
    return rows


def make_citizens(count: int) -> None:
    """`count` synthetic citizen accounts through the portal's own sign-up (`accounts.sign_up`),
    contacts trusted like the demo's; the password hashed once and shared (hashing it per account
    would take most of a minute)."""
    import datetime as dt
    from unittest import mock

    from django.contrib.auth.hashers import make_password

    from motcua.accounts import services as accounts
    from motcua.accounts.models import AccountKind, CitizenAccount

    hashed = make_password(CITIZEN_PASSWORD)
    existing = set(CitizenAccount.objects.filter(phone__startswith="0988").values_list("phone", flat=True))
    with mock.patch("django.contrib.auth.base_user.make_password", lambda *_a, **_k: hashed):
        for i in range(count):
            phone = citizen_phone(i)
            if phone in existing:
                continue
            account = accounts.sign_up(
                {"kind": AccountKind.PERSON, "full_name": synthetic_name(i),
                 "citizen_id": f"0011{90 + i % 10:02d}{i:06d}", "birth_date": dt.date(1990 + i % 10, 1 + i % 12, 1 + i % 28),  # as the ID encodes
                 "phone": phone, "email": f"thu{i:04d}@load.motcua.invalid",
                 "address": f"Số {i} đường Thử, phường Bến Đò, tỉnh Sông Mây"},
                CITIZEN_PASSWORD)
            accounts.trust_contacts(account)


COUNTER_OFFICERS = ("motcua.tuphap", "motcua.tuphap2", "motcua.datdai", "motcua.datdai2", "motcua.xaydung",
                    "motcua.taichinh", "motcua.congan", "motcua.congan2", "motcua.bhxh", "motcua.bendo",
                    "motcua.suoibac")
SPECIALISTS = ("chuyenvien.tuphap", "chuyenvien.datdai", "chuyenvien.xaydung", "chuyenvien.taichinh",
               "chuyenvien.congan", "chuyenvien.bendo", "chuyenvien.suoibac", "lanhdao.tuphap", "lanhdao.datdai",
               "lanhdao.xaydung", "lanhdao.taichinh", "lanhdao.congan")
MANAGERS = ("quanly.trungtam", "quantri.tinh")


def scenario(citizens: int, sample: int = 5000) -> dict:
    """What the simulated people need to know (read by the locustfile from LOAD_SCENARIO): the
    procedures each counter officer receives, the procedures open online, dossier codes to track,
    the officers and the citizens' logins."""
    from django.contrib.auth import get_user_model

    from motcua.backoffice.procedures import receivable_versions
    from motcua.catalog import selectors as catalogue
    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=COUNTER_OFFICERS + SPECIALISTS + MANAGERS)}
    counter = {}
    for name in COUNTER_OFFICERS:
        if name in users:
            codes = sorted(receivable_versions(users[name]).values_list("procedure__code", flat=True))
            if codes:
                counter[name] = codes
    published = ProcedureVersion.objects.filter(status="published").select_related("procedure").order_by("pk")
    online = [v.procedure.code for v in published if "online" in catalogue.channels(v)]
    from django.db import connection

    step = max(1, Dossier.objects.count() // sample)
    with connection.cursor() as cursor:  # every step-th dossier: old and recent, demo and generated
        cursor.execute(f"SELECT code FROM {Dossier._meta.db_table} WHERE id %% %s = 0 ORDER BY id LIMIT %s",
                       [step, sample])
        track = [row[0] for row in cursor.fetchall()]
    return {"counter": counter, "online_procedures": online,
            "procedures": [v.procedure.code for v in published], "track_codes": track,
            "specialists": [n for n in SPECIALISTS if n in users], "managers": [n for n in MANAGERS if n in users],
            "citizens": [citizen_phone(i) for i in range(citizens)], "password": CITIZEN_PASSWORD}


def prepared_info(url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(f"SELECT info FROM {MARKER_TABLE}").fetchone()
            return json.loads(row[0]) if row else None
    except psycopg.Error:
        return None


def settle(connection) -> None:
    """Make the fresh database read like a settled production one before it is measured: without
    this, the first step pays for autovacuum's pass over the million new rows, their hint bits
    written on first read and the checkpoint of the load."""
    from motcua.dossiers.services import mark_overdue

    # The generated history's late dossiers, marked as the beat's sweep would have day by day (its
    # first pass over them took 0.6 of a core for a minute inside a measured step).
    print(f"marked overdue before the run: {mark_overdue()}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FREEZE, ANALYZE)")
        cursor.execute("CHECKPOINT")


def prepare(url: str, n: int, citizens: int) -> dict:
    import bench_reports

    from stack import REDIS  # the load test's broker database, flushed when the stack starts

    started = time.perf_counter()
    os.environ.update(MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION="1", REDIS_URL=REDIS)  # as the stack runs
    bench_reports.setup_django(url)  # migrates
    from django.db import connection

    from motcua.dossiers.models import Dossier

    env = {**os.environ, "DEBUG": "0", "DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "load_demo", "--demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    demo_seconds = time.perf_counter() - started
    procedures = demo_procedures()
    print(f"demo province loaded ({demo_seconds:.0f} s); {len(procedures)} procedures; "
          f"generating {n:,} dossiers ...", flush=True)
    load_seconds = bench_reports.load(n, procedures, random.Random(2024)) if n else 0.0
    make_citizens(citizens)
    settle(connection)
    info = {"scenario": scenario(citizens), "dossiers": Dossier.objects.count(), "generated": n, "citizens": citizens,
            "demo_seconds": round(demo_seconds), "load_seconds": round(load_seconds),
            "total_seconds": round(time.perf_counter() - started)}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (info text)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s)", [json.dumps(info)])
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="prepare the load test's database")
    parser.add_argument("--db", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--server", default=os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args(argv)
    import bench_reports

    bench_reports.BENCH_DB = args.db
    url = bench_reports.bench_url(args.server + "/postgres")
    bench_reports.recreate_database(url)
    info = prepare(url, args.n, args.citizens)
    print("prepared: " + json.dumps({k: v for k, v in info.items() if k != "scenario"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
