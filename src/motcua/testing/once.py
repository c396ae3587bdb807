"""Test data built once for a whole test module: the demo province takes ~25 s to load, and a
dozen tests only read it.

`rolled_back_at_the_end(django_db_blocker)` opens a transaction for the module; what is built in
it is seen by the module's tests, each of whose own transaction nests as a savepoint (so what a
test changes is undone before the next one), and everything is rolled back after the last test.
Only for tests with the plain `db` fixture: a live server or `transactional_db` sees none of it.
A module that uses it holds only tests that want the built data: a test of that module that does
not ask for the fixture may run inside the open transaction all the same.
"""
from __future__ import annotations

import contextlib

from django.db import transaction


@contextlib.contextmanager
def rolled_back_at_the_end(django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
