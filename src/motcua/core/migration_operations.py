"""Index operations for the large tables that also run on SQLite.

The rule for live tables (docs/running.md, "Migrations on a live table") asks for
`AddIndexConcurrently` / `RemoveIndexConcurrently`, which PostgreSQL runs without locking writes.
Django's versions are PostgreSQL-only: on the embedded SQLite of `make run` (one machine, no
concurrent writers to protect) they fail. These subclasses build concurrently on PostgreSQL and
with a plain CREATE/DROP INDEX elsewhere; the migration still needs `atomic = False`.
"""
from django.contrib.postgres import operations as postgres
from django.db import migrations


class _ConcurrentlyOnPostgreSQL:
    """Django's concurrent operation on PostgreSQL, `plain` (its locking twin) elsewhere."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres.AddIndexConcurrently):
    plain = migrations.AddIndex


class RemoveIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres.RemoveIndexConcurrently):
    plain = migrations.RemoveIndex
