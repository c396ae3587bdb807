"""The `password_reset` message kind (a citizen's "forgotten password" code, sent by
motcua.accounts) and its Vietnamese SMS and e-mail templates.

Template variables: reset_code, valid_minutes, full_name, reset_url.
"""
from datetime import date

from django.db import migrations, models

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    (
        "password_reset",
        "sms",
        "",
        "Mã đặt lại mật khẩu tài khoản dịch vụ công: {{ reset_code }}, hiệu lực {{ valid_minutes }} phút. "
        "Không cung cấp mã này cho bất kỳ ai.",
    ),
    (
        "password_reset",
        "email",
        "Mã đặt lại mật khẩu tài khoản dịch vụ công",
        "Kính gửi Ông/Bà {{ full_name }},\n\n"
        "Có yêu cầu đặt lại mật khẩu cho tài khoản dịch vụ công của Ông/Bà.\n"
        "Mã xác nhận: {{ reset_code }} (có hiệu lực trong {{ valid_minutes }} phút).\n\n"
        "Nhập mã và mật khẩu mới tại: {{ reset_url }}\n\n"
        "Không cung cấp mã này cho bất kỳ ai, kể cả cán bộ. Nếu Ông/Bà không yêu cầu đặt lại mật khẩu, "
        "hãy bỏ qua thư này: mật khẩu hiện tại vẫn giữ nguyên.\n\nTrân trọng.",
    ),
]
KINDS = sorted({kind for kind, *_ in TEMPLATES})


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for kind, channel, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            event_kind=kind, channel=channel, language="vi", effective_from=EFFECTIVE_FROM,
            defaults={"subject": subject, "body": body},
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event_kind__in=KINDS, effective_from=EFFECTIVE_FROM, language="vi").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_seed_supplement_withdrawn'),
    ]

    operations = [
        migrations.AlterField(
            model_name='messagetemplate',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)')], max_length=30, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)')], max_length=30, verbose_name='event'),
        ),
        migrations.RunPython(seed, unseed),
    ]
