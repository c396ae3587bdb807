"""The `appointment_booked` message kind: the SMS confirming an online counter appointment
(motcua.queueing, docs/queueing.md) with the code to enter at the kiosk and the cancel link.

Template variables: appointment_code, full_name, service_point_name, queue_name, slot_time,
slot_date, procedure_name, cancel_url (the appointment page with the code and its QR code; cancel).
"""
from datetime import date

from django.db import migrations, models

EFFECTIVE_FROM = date(2019, 1, 1)

SMS_BODY = (
    "Đã đặt hẹn {{ slot_time }} ngày {{ slot_date }} tại {{ service_point_name }}. Mã hẹn: {{ appointment_code }}. "
    "Đến trước giờ hẹn tối đa 30 phút, nhập mã tại ki-ốt lấy số. Xem, hủy hẹn: {{ cancel_url }}"
)


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(
        event_kind="appointment_booked", channel="sms", language="vi", effective_from=EFFECTIVE_FROM,
        defaults={"subject": "", "body": SMS_BODY},
    )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event_kind="appointment_booked", effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0011_contact_verification'),
    ]

    operations = [
        migrations.AlterField(
            model_name='messagetemplate',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)"), ('contact_verification', "Code verifying an account's phone or e-mail"), ('appointment_booked', 'Counter appointment booked (code to check in at the kiosk)')], max_length=30, verbose_name='event'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='event_kind',
            field=models.CharField(choices=[('received', 'Dossier received'), ('supplement_requested', 'Supplement requested'), ('refused', 'Dossier refused'), ('resolved', 'Result ready'), ('apology', 'Apology with a new appointment'), ('returned', 'Result returned'), ('overdue', 'Dossier overdue (to the responsible unit)'), ('supplement_received', 'Supplement received'), ('withdrawn', 'Dossier withdrawn'), ('password_reset', 'Password reset code (citizen account)'), ('online_submitted', 'Online dossier waiting for intake (to the receiving counter officers)'), ('account_in_use', "Sign-up tried with an account's phone, e-mail or citizen ID (to its holder)"), ('contact_verification', "Code verifying an account's phone or e-mail"), ('appointment_booked', 'Counter appointment booked (code to check in at the kiosk)')], max_length=30, verbose_name='event'),
        ),
        migrations.RunPython(seed, unseed),
    ]
