"""A covering index for the 06a table on PostgreSQL (the report reads only these columns).

The table's base set is `received_at < end AND COALESCE(finished_at, FAR_FUTURE) >= start`; this
index on the second expression, carrying every column the query reads, lets PostgreSQL answer a
recent period with an index-only range scan instead of reading every dossier row (docs/reports.md,
docs/performance.md). SQLite needs nothing: the same query is a plain scan there.
"""
from django.db import migrations

COLUMNS = (
    "received_at", "finished_at", "due_at", "paused_at", "outcome", "supplement_count", "channel_in",
    "field_id", "competent_agency_id", "level_id", "procedure_id", "service_point_id",
)
CREATE = (
    "CREATE INDEX IF NOT EXISTS reports_dossier_06a ON dossiers_dossier "
    "((COALESCE(finished_at, '9999-12-31 00:00:00+00'::timestamptz))) INCLUDE ({})".format(", ".join(COLUMNS))
)
DROP = "DROP INDEX IF EXISTS reports_dossier_06a"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
