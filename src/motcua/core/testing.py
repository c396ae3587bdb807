"""Helpers for the tests of several apps."""
from __future__ import annotations

import threading


def run_in_threads(n: int, target) -> tuple[list, list]:
    """Run `target(i)` for i in 0..n-1 in n threads released together (a barrier), each with its
    own database connection, closed at the end. Returns (results, errors), None where there is none."""
    from django.db import connections

    barrier = threading.Barrier(n)
    results, errors = [None] * n, [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def reseed_migration_data(app_label: str) -> None:
    """Run again, in order, the data steps (RunPython) of an app's migrations: a transactional test
    (`django_db(transaction=True)`) that runs after another starts from tables emptied by the
    flush, without the rows that migrations seed (the notification message templates)."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(k for k in loader.disk_migrations if k[0] == app_label):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as schema_editor:
                    operation.code(apps, schema_editor)
