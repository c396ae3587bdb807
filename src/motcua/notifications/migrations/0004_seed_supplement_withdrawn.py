"""Vietnamese templates confirming a supplement received (the clock runs again, with the new
due date) and a withdrawal."""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    (
        "supplement_received",
        "sms",
        "",
        "Đã nhận hồ sơ bổ sung cho hồ sơ {{ code }}. Hồ sơ tiếp tục được giải quyết; "
        "hẹn trả kết quả lúc {{ due_at }}. Tra cứu: {{ tracking_url }}",
    ),
    (
        "supplement_received",
        "email",
        "Đã nhận hồ sơ bổ sung {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "{{ receiving_agency_name }} đã nhận đủ thành phần bổ sung cho hồ sơ {{ code }} về thủ tục "
        "{{ procedure_name }}. Thời gian giải quyết được tính tiếp; thời hạn trả kết quả mới: {{ due_at }}.\n\n"
        "Tra cứu tình trạng hồ sơ: {{ tracking_url }}\n\nTrân trọng.",
    ),
    (
        "withdrawn",
        "sms",
        "",
        "Hồ sơ {{ code }} ({{ procedure_name }}) đã được rút theo đề nghị của Ông/Bà và dừng giải quyết.",
    ),
    (
        "withdrawn",
        "email",
        "Đã rút hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Theo đề nghị của Ông/Bà, hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã được rút và "
        "dừng giải quyết.{% if reason %}\nLý do: {{ reason }}{% endif %}\n\nTrân trọng.",
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
    dependencies = [("notifications", "0003_event_kinds_supplement_withdrawn")]
    operations = [migrations.RunPython(seed, unseed)]
