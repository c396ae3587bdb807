"""The usual priority groups at the counters (editable in the admin)."""
from django.db import migrations

GROUPS = [
    ("nguoi-cao-tuoi", "Người cao tuổi", 1),
    ("nguoi-khuyet-tat", "Người khuyết tật", 2),
    ("phu-nu-mang-thai", "Phụ nữ mang thai", 3),
    ("nguoi-dem-theo-tre-nho", "Người đưa theo trẻ nhỏ", 4),
    ("nguoi-co-cong", "Người có công với cách mạng", 5),
]


def seed(apps, schema_editor):
    PriorityGroup = apps.get_model("queueing", "PriorityGroup")
    for code, name, order in GROUPS:
        PriorityGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("queueing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
