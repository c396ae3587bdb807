"""The "received" message says what is owed in fees and charges and when it is payable
(`{{ fee_owed }}`, `{{ fee_payable_at }}`, empty when nothing is owed).

The seeded rows are updated in place when their text is still the seeded one (an administrator's
own wording is left alone), as in 0006.
"""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)

OLD = {
    "sms": "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} ({{ procedure_name }}). "
           "Hẹn trả kết quả lúc {{ due_at }}. Tra cứu: {{ tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} về thủ tục {{ procedure_name }} "
             "lúc {{ received_at }}.\nThời hạn trả kết quả: {{ due_at }}.\n\n"
             "Ông/Bà có thể tra cứu tình trạng hồ sơ tại: {{ tracking_url }}\n\nTrân trọng.",
}
NEW = {
    "sms": "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} ({{ procedure_name }}). "
           "Hẹn trả kết quả lúc {{ due_at }}.{% if fee_owed %} Phí, lệ phí còn phải nộp: {{ fee_owed }} đồng "
           "({{ fee_payable_at }}).{% endif %} Tra cứu: {{ tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} về thủ tục {{ procedure_name }} "
             "lúc {{ received_at }}.\nThời hạn trả kết quả: {{ due_at }}.\n"
             "{% if fee_due %}Phí, lệ phí: {{ fee_due }} đồng; còn phải nộp: {{ fee_owed|default:'0' }} đồng "
             "(thời điểm nộp: {{ fee_payable_at }}).\n{% endif %}\n"
             "Ông/Bà có thể tra cứu tình trạng hồ sơ tại: {{ tracking_url }}\n\nTrân trọng.",
}


def _replace(apps, texts_from, texts_to):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for channel, body in texts_from.items():
        MessageTemplate.objects.filter(
            event_kind="received", channel=channel, language="vi", effective_from=EFFECTIVE_FROM, body=body,
        ).update(body=texts_to[channel])


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_returned_carries_rating_link")]
    operations = [migrations.RunPython(forwards, backwards)]
