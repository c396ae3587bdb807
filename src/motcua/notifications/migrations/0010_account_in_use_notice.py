"""The `account_in_use` message kind: someone tried to sign up (or to change a profile) with the
phone, e-mail or citizen ID of an existing account; its holder is told, by SMS to the phone or by
e-mail, with the ways back in (motcua.accounts, docs/accounts.md). Sign-up itself answers the same
neutral message whoever holds the data.

Template variables: full_name, used (what was typed: số điện thoại / địa chỉ thư điện tử / số định
danh cá nhân), sign_in_url, reset_url.
"""
from datetime import date

from django.db import migrations, models

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    (
        "account_in_use",
        "sms",
        "",
        "Có người vừa dùng {{ used }} của Ông/Bà để đăng ký tài khoản dịch vụ công. Nếu là Ông/Bà: "
        "đăng nhập hoặc đặt lại mật khẩu tại {{ reset_url }}. Nếu không, hãy bỏ qua tin này.",
    ),
    (
        "account_in_use",
        "email",
        "Có người dùng thông tin của Ông/Bà để đăng ký tài khoản dịch vụ công",
        "Kính gửi Ông/Bà {{ full_name }},\n\n"
        "Có người vừa dùng {{ used }} của Ông/Bà để đăng ký (hoặc sửa) một tài khoản dịch vụ công. "
        "Yêu cầu đó không được chấp nhận và tài khoản của Ông/Bà không thay đổi.\n\n"
        "Nếu đó là Ông/Bà: Ông/Bà đã có tài khoản. Đăng nhập tại {{ sign_in_url }} hoặc đặt lại mật khẩu tại "
        "{{ reset_url }}.\n"
        "Nếu không phải Ông/Bà: hãy bỏ qua thư này; nếu nhận được nhiều lần, vui lòng liên hệ Trung tâm Phục vụ "
        "hành chính công.\n\nTrân trọng.",
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
        ('notifications', '0009_resolved_shows_fee_owed'),
    ]

    operations = [
        migrations.AlterField(
            model_name='messagetemplate',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)")], max_length=30, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)")], max_length=30, verbose_name='event'),
        ),
        migrations.RunPython(seed, unseed),
    ]
