"""Vietnamese message templates of the feedback app, in the notifications app's template table.

Kinds of our own (not in notifications.EventKind): rating_invitation (the signed rating link sent
when a result is returned), feedback_answered, feedback_refused, feedback_info_requested.
Administrators edit them in the admin like the others.
"""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)
KINDS = ("rating_invitation", "feedback_answered", "feedback_refused", "feedback_info_requested")

TEMPLATES = [
    ("rating_invitation", "sms", "",
     "Hồ sơ {{ code }} đã trả kết quả. Mời Ông/Bà đánh giá mức độ hài lòng: {{ rating_url }}"),
    ("rating_invitation", "email", "Mời đánh giá mức độ hài lòng - hồ sơ {{ code }}",
     "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
     "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã được trả kết quả.\n"
     "Mời Ông/Bà đánh giá mức độ hài lòng đối với việc giải quyết hồ sơ và cán bộ phục vụ tại:\n"
     "{{ rating_url }}\n\nTrân trọng."),
    ("feedback_answered", "sms", "",
     "Phản ánh, kiến nghị {{ code }} đã được trả lời. Xem và đánh giá: {{ tracking_url }}"),
    ("feedback_answered", "email", "Trả lời phản ánh, kiến nghị {{ code }}",
     "Kính gửi Ông/Bà {{ sender_name }},\n\n"
     "Phản ánh, kiến nghị {{ code }} ({{ title }}) đã được trả lời bằng văn bản.\n"
     "Ông/Bà xem nội dung trả lời và đánh giá tại: {{ tracking_url }}\n\nTrân trọng."),
    ("feedback_refused", "sms", "",
     "Phản ánh, kiến nghị {{ code }} không được tiếp nhận xử lý. Lý do: {{ reason }}"),
    ("feedback_refused", "email", "Từ chối tiếp nhận phản ánh, kiến nghị {{ code }}",
     "Kính gửi Ông/Bà {{ sender_name }},\n\n"
     "Phản ánh, kiến nghị {{ code }} ({{ title }}) không được tiếp nhận xử lý.\n"
     "Lý do: {{ reason }}\n\nTrân trọng."),
    ("feedback_info_requested", "sms", "",
     "Phản ánh, kiến nghị {{ code }} cần bổ sung thông tin: {{ request }}. Bổ sung tại: {{ tracking_url }}"),
    ("feedback_info_requested", "email", "Đề nghị bổ sung thông tin phản ánh, kiến nghị {{ code }}",
     "Kính gửi Ông/Bà {{ sender_name }},\n\n"
     "Để xử lý phản ánh, kiến nghị {{ code }} ({{ title }}), đề nghị Ông/Bà bổ sung thông tin sau:\n"
     "{{ request }}\n\nÔng/Bà bổ sung tại: {{ tracking_url }}\n\nTrân trọng."),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for kind, channel, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            event_kind=kind, channel=channel, language="vi", effective_from=EFFECTIVE_FROM,
            defaults={"subject": subject, "body": body, "is_active": True},
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(event_kind__in=KINDS, effective_from=EFFECTIVE_FROM, language="vi").delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("notifications", "0002_seed_templates")]
    operations = [migrations.RunPython(seed, unseed)]
