"""How long a migration locks the dossier table, with a million generated dossiers, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_live_migration.py

It (re)creates its own database `motcua_bench_live_migration`, migrates it, generates dossiers with
bench_dossiers' INSERT ... SELECT, then runs Django's own migration operations on the table while a
second connection updates a dossier every 10 ms (what a counter does): for each operation, how
long the operation took and the longest any of those updates waited (the time the table was
locked against writes). The rule these figures support is in docs/running.md ("Migrations on a
live table", tests/test_migration_rule.py). Figures go to docs/performance.md between the markers
<!-- bench:live-migration --> and <!-- /bench:live-migration -->.
"""
from __future__ import annotations

import argparse
import os
import platform
import threading
import time

import bench_dossiers
from performance_doc import replace_section

START, END = "<!-- bench:live-migration -->", "<!-- /bench:live-migration -->"


class Writer(threading.Thread):
    """Updates one dossier every 10 ms on its own connection; keeps the longest wait."""

    def __init__(self, url: str, dossier_id: int):
        super().__init__(daemon=True)
        self.url, self.dossier_id = url, dossier_id
        self.stop_event, self.longest, self.count = threading.Event(), 0.0, 0

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop_event.is_set():
                started = time.perf_counter()
                conn.execute("UPDATE dossiers_dossier SET paused_minutes = paused_minutes WHERE id = %s",
                              [self.dossier_id])
                self.longest = max(self.longest, time.perf_counter() - started)
                self.count += 1
                time.sleep(0.01)


def measure(url: str, dossier_id: int, label: str, operation, atomic: bool) -> dict:
    from django.db import connection
    from django.db.migrations.state import ProjectState

    from django.apps import apps

    state = ProjectState.from_apps(apps)
    new_state = state.clone()
    operation.state_forwards("dossiers", new_state)
    state.apps, new_state.apps  # noqa: B018 - render the models before the clock starts
    writer = Writer(url, dossier_id)
    writer.start()
    time.sleep(0.5)
    started = time.perf_counter()
    with connection.schema_editor(atomic=atomic) as editor:
        operation.database_forwards("dossiers", editor, state, new_state)
    seconds = time.perf_counter() - started
    time.sleep(0.5)
    writer.stop_event.set()
    writer.join()
    row = {"label": label, "seconds": seconds, "longest_write_wait": writer.longest, "writes": writer.count}
    print(f"{label}: {seconds:.2f} s, longest write wait {writer.longest * 1000:.0f} ms ({writer.count} writes)",
          flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    bench_dossiers.BENCH_DB = "motcua_bench_live_migration"
    url = bench_dossiers.prepare_database(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    bench_dossiers.setup_django(url)
    world = bench_dossiers.build_world(n_agencies=20)
    generated = bench_dossiers.generate(world, args.rows)
    print(f"generated {args.rows:,} dossiers in {generated:.1f} s", flush=True)

    from django.contrib.postgres.operations import AddIndexConcurrently
    from django.db import connection, migrations, models

    from motcua.dossiers.models import Dossier

    dossier_id = Dossier.objects.order_by("pk").values_list("pk", flat=True)[args.rows // 2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('dossiers_dossier')), version()")
        size, pg = cursor.fetchone()
    rows = [
        measure(url, dossier_id, "`AddField` nullable `CharField` (ADD COLUMN ... NULL)",
                migrations.AddField("dossier", "bench_note", models.CharField(max_length=20, null=True)), True),
        measure(url, dossier_id, "`AddField` `BooleanField(default=False)` (constant default, no rewrite)",
                migrations.AddField("dossier", "bench_flag", models.BooleanField(default=False)), True),
        measure(url, dossier_id, "`AddIndexConcurrently` on `(outcome, finished_at)` (non-atomic migration)",
                AddIndexConcurrently("dossier", models.Index(fields=["outcome", "finished_at"],
                                                             name="bench_outcome_concurrent")), False),
        measure(url, dossier_id, "`AddIndex` on `(outcome, finished_at)` (what the rule forbids)",
                migrations.AddIndex("dossier", models.Index(fields=["outcome", "finished_at"],
                                                            name="bench_outcome_locked")), True),
    ]
    lines = [
        f"Migrations on the dossier table with {args.rows:,} generated dossiers ({size} with its indexes), "
        f"{pg.split(' on ')[0]}, {platform.machine()}, {os.cpu_count()} cores; a second connection updates a "
        "dossier every 10 ms meanwhile, and the longest of those updates is the time the table was "
        "locked against writes (`bench/bench_live_migration.py`; the rule: docs/running.md, \"Migrations "
        "on a live table\").",
        "",
        "| operation | took | longest write wait |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {r['label']} | {r['seconds']:.2f} s | {r['longest_write_wait'] * 1000:,.0f} ms |" for r in rows]
    if not args.no_write:
        print(f"wrote {replace_section(START, END, chr(10).join(lines))}")


if __name__ == "__main__":
    main()
