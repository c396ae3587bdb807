from django.db import migrations, models

from motcua.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The e-receipt table is a large one: the index is built without locking writes (PostgreSQL).
    atomic = False

    dependencies = [
        ("payments", "0005_receipts_ereceipt"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ereceipt",
            index=models.Index(fields=["status", "issued_at"], name="ereceipt_status_issued"),
        ),
    ]
