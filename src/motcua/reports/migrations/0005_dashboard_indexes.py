"""The dashboard's indexes on PostgreSQL (docs/performance.md, "Reports"); SQLite needs none.

- `reports_dossier_period` replaces 0001's `reports_dossier_06a`: the same key (the 06a base
  set's `COALESCE(finished_at, FAR_FUTURE)`) carrying, besides the 06a table's columns, the
  columns of the dashboard's other dossier figures, so the dashboard's one grouped pass
  (`figures.dossier_pass`) and the monthly trend are index-only scans too. Still one index per
  receipt; its entries are wider (about 40 bytes more).
- `reports_dossier_returned`: dossiers by return moment, partial (only returned ones), so a
  receipt (returned_at is empty) never writes to it; the return step adds one entry.
- `reports_dossier_groups`, `reports_dossier_months`: extended statistics (ndistinct) on the
  grouping columns and on the trend's month expressions, so the grouped pass expects its few
  thousand groups and hashes them instead of sorting millions of rows on disk; they cost nothing
  per receipt (ANALYZE computes them).
"""
from django.conf import settings
from django.db import migrations

BASE_COLUMNS = (
    "received_at", "finished_at", "due_at", "paused_at", "outcome", "supplement_count", "channel_in",
    "field_id", "competent_agency_id", "level_id", "procedure_id", "service_point_id",
)
FIGURE_COLUMNS = ("id", "status", "is_digitized", "fee_due", "paid_online", "result_kind", "procedure_version_id")
CREATE = (
    "CREATE INDEX IF NOT EXISTS reports_dossier_period ON dossiers_dossier "
    "((COALESCE(finished_at, '9999-12-31 00:00:00+00'::timestamptz))) INCLUDE ({})"
    .format(", ".join(BASE_COLUMNS + FIGURE_COLUMNS)),
    "CREATE INDEX IF NOT EXISTS reports_dossier_returned ON dossiers_dossier (returned_at) "
    "INCLUDE (finished_at, competent_agency_id, return_channel) WHERE returned_at IS NOT NULL",
    # How many (agency, procedure, field...) groups there are: without it the planner multiplies
    # the columns' distinct counts, expects ~100,000 groups and sorts on disk instead of hashing.
    "CREATE STATISTICS IF NOT EXISTS reports_dossier_groups (ndistinct) ON competent_agency_id, procedure_id, "
    "field_id, level_id, service_point_id FROM dossiers_dossier",
    # The same for the trend's (month received, month finished) pairs: the expressions exactly as
    # Django writes TruncMonth in the local time zone.
    "CREATE STATISTICS IF NOT EXISTS reports_dossier_months (ndistinct) ON "
    "(date_trunc('month', received_at AT TIME ZONE '{tz}')), "
    "(date_trunc('month', finished_at AT TIME ZONE '{tz}')) FROM dossiers_dossier".format(tz=settings.TIME_ZONE),
)
DROP = ("DROP INDEX IF EXISTS reports_dossier_period", "DROP INDEX IF EXISTS reports_dossier_returned",
        "DROP STATISTICS IF EXISTS reports_dossier_groups", "DROP STATISTICS IF EXISTS reports_dossier_months")
OLD_CREATE = (
    "CREATE INDEX IF NOT EXISTS reports_dossier_06a ON dossiers_dossier "
    "((COALESCE(finished_at, '9999-12-31 00:00:00+00'::timestamptz))) INCLUDE ({})".format(", ".join(BASE_COLUMNS))
)
OLD_DROP = "DROP INDEX IF EXISTS reports_dossier_06a"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_DROP)
        for sql in CREATE:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)
        schema_editor.execute(OLD_CREATE)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_report_snapshot")]
    operations = [migrations.RunPython(forward, backward)]
