"""The "returned" message carries the signed rating link (`{{ rating_url }}`, from the feedback
app) instead of the tracking page, so the applicant gets one message, not a second rating SMS.

The seeded rows are updated in place when their text is still the seeded one (an administrator's
own wording is left alone); `rating_url` falls back to `tracking_url` when ratings are not installed.
"""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)

OLD = {
    "sms": "Kết quả hồ sơ {{ code }} đã được trả. Cảm ơn Ông/Bà đã sử dụng dịch vụ. "
           "Đánh giá mức độ hài lòng tại: {{ tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "Kết quả giải quyết hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã được trả cho Ông/Bà.\n"
             "Cảm ơn Ông/Bà đã sử dụng dịch vụ. Mời Ông/Bà đánh giá mức độ hài lòng tại: {{ tracking_url }}"
             "\n\nTrân trọng.",
}
NEW = {
    "sms": "Kết quả hồ sơ {{ code }} đã được trả. Cảm ơn Ông/Bà đã sử dụng dịch vụ. "
           "Đánh giá mức độ hài lòng tại: {{ rating_url|default:tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "Kết quả giải quyết hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã được trả cho Ông/Bà.\n"
             "Cảm ơn Ông/Bà đã sử dụng dịch vụ. Mời Ông/Bà đánh giá mức độ hài lòng đối với việc giải quyết "
             "hồ sơ và cán bộ phục vụ tại:\n{{ rating_url|default:tracking_url }}\n\n"
             "Ông/Bà có thể tra cứu hồ sơ tại: {{ tracking_url }}\n\nTrân trọng.",
}


def _replace(apps, texts_from, texts_to):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for channel, body in texts_from.items():
        MessageTemplate.objects.filter(
            event_kind="returned", channel=channel, language="vi", effective_from=EFFECTIVE_FROM, body=body,
        ).update(body=texts_to[channel])


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_password_reset")]
    operations = [migrations.RunPython(forwards, backwards)]
