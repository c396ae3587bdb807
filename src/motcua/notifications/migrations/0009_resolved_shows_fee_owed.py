"""The "result ready" message says what is still owed in fees and charges and that it is paid
when the result is collected (`{{ fee_owed }}`, empty when nothing is owed): the engine returns
no result while a fee is owed, so the applicant should not learn it only at the counter.

The seeded rows are updated in place when their text is still the seeded one (an administrator's
own wording is left alone), as in 0006 and 0007.
"""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)

OLD = {
    "sms": "Hồ sơ {{ code }} đã có kết quả. Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký. "
           "Tra cứu: {{ tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã có kết quả giải quyết. "
             "Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký.\n\nTra cứu: {{ tracking_url }}\n\nTrân trọng.",
}
NEW = {
    "sms": "Hồ sơ {{ code }} đã có kết quả. Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký."
           "{% if fee_owed %} Phí, lệ phí còn phải nộp: {{ fee_owed }} đồng, nộp khi nhận kết quả.{% endif %} "
           "Tra cứu: {{ tracking_url }}",
    "email": "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
             "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã có kết quả giải quyết. "
             "Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký.\n"
             "{% if fee_owed %}\nPhí, lệ phí còn phải nộp: {{ fee_owed }} đồng. Ông/Bà nộp khoản này khi nhận "
             "kết quả (tại nơi trả kết quả, hoặc thanh toán trực tuyến trên trang hồ sơ của mình); kết quả được "
             "trả sau khi đã nộp đủ.\n{% endif %}"
             "\nTra cứu: {{ tracking_url }}\n\nTrân trọng.",
}


def _replace(apps, texts_from, texts_to):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for channel, body in texts_from.items():
        MessageTemplate.objects.filter(
            event_kind="resolved", channel=channel, language="vi", effective_from=EFFECTIVE_FROM, body=body,
        ).update(body=texts_to[channel])


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_online_submitted_to_counter_officers")]
    operations = [migrations.RunPython(forwards, backwards)]
