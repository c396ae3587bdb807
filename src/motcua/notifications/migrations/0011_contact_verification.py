"""The `contact_verification` message kind: the one-time code that verifies the phone or the e-mail
of a citizen or business account (motcua.accounts, docs/accounts.md), sent at sign-up and when the
phone or e-mail changes. Like `password_reset`, the code is masked in the outbox once sent.

Template variables: verification_code, valid_minutes, full_name, verify_url.
"""
from datetime import date

from django.db import migrations, models

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    (
        "contact_verification",
        "sms",
        "",
        "Mã xác nhận số điện thoại cho tài khoản dịch vụ công: {{ verification_code }}, hiệu lực "
        "{{ valid_minutes }} phút. Không cung cấp mã này cho bất kỳ ai.",
    ),
    (
        "contact_verification",
        "email",
        "Mã xác nhận địa chỉ thư điện tử cho tài khoản dịch vụ công",
        "Kính gửi Ông/Bà {{ full_name }},\n\n"
        "Mã xác nhận địa chỉ thư điện tử của tài khoản dịch vụ công là: {{ verification_code }}\n"
        "Mã có hiệu lực trong {{ valid_minutes }} phút. Nhập mã tại {{ verify_url }}.\n\n"
        "Không cung cấp mã này cho bất kỳ ai, kể cả người tự xưng là cán bộ. Nếu Ông/Bà không đăng ký "
        "tài khoản, hãy bỏ qua thư này.\n\nTrân trọng.",
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
        ('notifications', '0010_account_in_use_notice'),
    ]

    operations = [
        migrations.AlterField(
            model_name='messagetemplate',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)"), ('contact_verification', "Code verifying an account's phone or e-mail")], max_length=30, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)"), ('contact_verification', "Code verifying an account's phone or e-mail")], max_length=30, verbose_name='event'),
        ),
        migrations.RunPython(seed, unseed),
    ]
