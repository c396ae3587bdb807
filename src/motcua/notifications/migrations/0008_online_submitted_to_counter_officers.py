"""A new message kind: an online submission waiting for intake, sent to the counter officers of
the receiving agency (SMS to their staff profile's mobile, e-mail to their address), with its
Vietnamese templates."""
from datetime import date

from django.db import migrations, models

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    (
        "sms",
        "",
        "Hồ sơ trực tuyến {{ code }} ({{ procedure_name }}) của {{ applicant_name }} nộp lúc {{ submitted_at }} "
        "đang chờ {{ receiving_agency_name }} tiếp nhận. Xem: {{ officer_url }}",
    ),
    (
        "email",
        "Hồ sơ trực tuyến {{ code }} chờ tiếp nhận",
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} của {{ applicant_name }} được nộp trực tuyến lúc "
        "{{ submitted_at }} và đang chờ {{ receiving_agency_name }} kiểm tra, tiếp nhận hoặc từ chối.\n\n"
        "Mở hồ sơ (cần đăng nhập): {{ officer_url }}\n"
        "Danh sách hồ sơ trực tuyến chờ tiếp nhận: mục \"Hồ sơ trực tuyến chờ tiếp nhận\" trên trang Hồ sơ cần xử lý.",
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for channel, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            event_kind="online_submitted", channel=channel, language="vi", effective_from=EFFECTIVE_FROM,
            defaults={"subject": subject, "body": body},
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event_kind="online_submitted", effective_from=EFFECTIVE_FROM, language="vi").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0007_received_shows_fee'),
    ]

    operations = [
        migrations.AlterField(
            model_name='messagetemplate',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)')], max_length=30, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)')], max_length=30, verbose_name='event'),
        ),
        migrations.RunPython(seed, unseed),
    ]
