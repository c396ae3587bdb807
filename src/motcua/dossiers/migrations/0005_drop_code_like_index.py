"""Drop the `varchar_pattern_ops` index Django adds beside a unique CharField on PostgreSQL
(`code LIKE 'prefix%'`). Dossier codes are only ever looked up whole (tracking, the back office,
the legacy import's duplicate check), by the unique index; the second index on the same 40
characters cost every receipt and every imported row one more index entry for nothing.
Reversible: the backward step builds it again.
"""
from django.db import migrations

NAME = "dossiers_dossier_code_6d68c351_like"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier (code varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_citizen_account")]
    operations = [migrations.RunPython(forward, backward)]
