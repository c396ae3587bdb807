"""The SMS telling the applicant that the result came back to the centre after the failed delivery
attempts (kind `postal_returned`, in the notifications app's template table, editable in the admin)."""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)
BODY_VI = ("Bưu điện đã phát kết quả hồ sơ {{ code }} (vận đơn {{ waybill }}) {{ attempts }} lần không thành "
           "công. Kết quả đã chuyển về Trung tâm, mời Ông/Bà đến nhận tại quầy.")


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(
        event_kind="postal_returned", channel="sms", language="vi", effective_from=EFFECTIVE_FROM,
        defaults={"subject": "", "body": BODY_VI, "is_active": True},
    )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event_kind="postal_returned", effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("postal", "0001_initial"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, unseed)]
