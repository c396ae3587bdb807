"""The dossiers that lived longer than `dossier_table.LONG_LIVED` (60 days) from receipt to
finish, by finish moment, on PostgreSQL (SQLite needs none). `dossier_table.base_parts` reads
the dossiers pending at a past period's end as: the open ones, those finished within 60 days
after the end (a short range of the covering index), and those finished later, which all lived
longer than 60 days: this index's range. A receipt never writes to it (finished_at is empty, the
predicate is not true); finishing a long-lived dossier adds one entry. The statistics on the
lifespan expression tell the planner how few such dossiers there are (without them it guesses
a third of the table and reads the covering index instead); on a table that already holds
dossiers ANALYZE samples it (about a second at 10M dossiers) so that they hold at once. Not on an
empty one (a new installation, the test database): statistics saying "empty" would stay until
autovacuum's next analyze and make the planner scan the growing table in the meantime (receipts
fell from ~1,000/s to ~500/s in bench_dossiers).
"""
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS reports_dossier_long_lived ON dossiers_dossier (finished_at) "
    "WHERE (finished_at - received_at) > interval '60 days'",
    "CREATE STATISTICS IF NOT EXISTS reports_dossier_lifespan ON ((finished_at - received_at)) FROM dossiers_dossier",
)
DROP = ("DROP STATISTICS IF EXISTS reports_dossier_lifespan", "DROP INDEX IF EXISTS reports_dossier_long_lived")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM dossiers_dossier)")
            if cursor.fetchone()[0]:
                cursor.execute("ANALYZE dossiers_dossier")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_dashboard_indexes")]
    operations = [migrations.RunPython(forward, backward)]
