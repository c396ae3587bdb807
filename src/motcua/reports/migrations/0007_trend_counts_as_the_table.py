"""The dashboard's monthly trend now counts resolved and in-time dossiers as the 06a table does
(every received dossier finished in the month; early or on time by `counting.outcome_conditions`,
a dossier without a stored outcome included): the stored snapshots that hold a trend (its months,
and the dashboards) were counted the old way and are deleted; they are recomputed when next read."""
from django.db import migrations


def forward(apps, schema_editor):
    apps.get_model("reports", "ReportSnapshot").objects.filter(kind__in=("trend-month", "dashboard")).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_long_lived_index")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
