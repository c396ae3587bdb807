"""The default weights of the service index (Decision 766/QĐ-TTg, in force from 23 June 2022).
The figures are frozen here (not imported from index766.py) so later code changes do not change
what this migration wrote."""
import datetime

from django.db import migrations

DEFAULTS = {
    "publication": (8, 100), "portal_sync": (10, 100),
    "on_time": (14, 100), "resolution_time": (6, 100),
    "offered_online": (4, 100), "used_online": (4, 100), "online_share": (4, 50),
    "payment_procedures": (5, 80), "paid_online": (5, 80),
    "feedback_in_time": (6, 100), "satisfaction": (12, 90),
    "electronic_results": (8, 100), "digitised": (8, 80), "reuse": (6, 80),
}


def seed(apps, schema_editor):
    IndexWeights = apps.get_model("reports", "IndexWeights")
    IndicatorWeight = apps.get_model("reports", "IndicatorWeight")
    weights, created = IndexWeights.objects.get_or_create(
        effective_from=datetime.date(2022, 6, 23),
        defaults={"name": "Quyết định 766/QĐ-TTg", "no_data_rule": "full"},
    )
    if created:
        IndicatorWeight.objects.bulk_create(
            IndicatorWeight(weights=weights, code=code, points=points, threshold=threshold)
            for code, (points, threshold) in DEFAULTS.items()
        )


def unseed(apps, schema_editor):
    apps.get_model("reports", "IndexWeights").objects.filter(effective_from=datetime.date(2022, 6, 23)).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_index_weights")]
    operations = [migrations.RunPython(seed, unseed)]
