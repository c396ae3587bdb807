"""Default Vietnamese templates: SMS text and e-mail for each event a person should hear about.

Administrators edit them in the admin; a changed wording is a new row with a later effective date.
"""
from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2019, 1, 1)

TEMPLATES = [
    # (kind, channel, subject, body)
    (
        "received",
        "sms",
        "",
        "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} ({{ procedure_name }}). "
        "Hẹn trả kết quả lúc {{ due_at }}. Tra cứu: {{ tracking_url }}",
    ),
    (
        "received",
        "email",
        "Đã tiếp nhận hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "{{ receiving_agency_name }} đã tiếp nhận hồ sơ {{ code }} về thủ tục {{ procedure_name }} "
        "lúc {{ received_at }}.\nThời hạn trả kết quả: {{ due_at }}.\n\n"
        "Ông/Bà có thể tra cứu tình trạng hồ sơ tại: {{ tracking_url }}\n\nTrân trọng.",
    ),
    (
        "supplement_requested",
        "sms",
        "",
        "Hồ sơ {{ code }} cần bổ sung: {{ missing_items }}. Lý do: {{ reason }}. "
        "Đề nghị Ông/Bà bổ sung để tiếp tục giải quyết.",
    ),
    (
        "supplement_requested",
        "email",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} cần được bổ sung, hoàn thiện:\n{{ missing_items }}\n\n"
        "Lý do: {{ reason }}\n\nThời gian giải quyết tạm dừng cho đến khi nhận đủ hồ sơ bổ sung. "
        "Xin lỗi Ông/Bà vì sự bất tiện này.\n\nTrân trọng.",
    ),
    (
        "refused",
        "sms",
        "",
        "Hồ sơ {{ code }} không được tiếp nhận giải quyết. Lý do: {{ reason }}.",
    ),
    (
        "refused",
        "email",
        "Từ chối tiếp nhận giải quyết hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} không được tiếp nhận, giải quyết.\n"
        "Lý do: {{ reason }}\n\nXin lỗi Ông/Bà vì sự bất tiện này.\n\nTrân trọng.",
    ),
    (
        "resolved",
        "sms",
        "",
        "Hồ sơ {{ code }} đã có kết quả. Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký. "
        "Tra cứu: {{ tracking_url }}",
    ),
    (
        "resolved",
        "email",
        "Hồ sơ {{ code }} đã có kết quả",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã có kết quả giải quyết. "
        "Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký.\n\nTra cứu: {{ tracking_url }}\n\nTrân trọng.",
    ),
    (
        "apology",
        "sms",
        "",
        "Xin lỗi Ông/Bà: hồ sơ {{ code }} chưa thể trả kết quả đúng hẹn. "
        "Hẹn lại ngày trả kết quả: {{ new_due_at }}. Lý do: {{ reason }}.",
    ),
    (
        "apology",
        "email",
        "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} hẹn trả kết quả lúc {{ due_at }} "
        "nhưng chưa thể trả đúng hẹn.\nLý do: {{ reason }}\n\n"
        "{{ agency_name }} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả: {{ new_due_at }}.\n\nTrân trọng.",
    ),
    (
        "returned",
        "sms",
        "",
        "Kết quả hồ sơ {{ code }} đã được trả. Cảm ơn Ông/Bà đã sử dụng dịch vụ. "
        "Đánh giá mức độ hài lòng tại: {{ tracking_url }}",
    ),
    (
        "returned",
        "email",
        "Đã trả kết quả hồ sơ {{ code }}",
        "Kính gửi Ông/Bà {{ applicant_name }},\n\n"
        "Kết quả giải quyết hồ sơ {{ code }} về thủ tục {{ procedure_name }} đã được trả cho Ông/Bà.\n"
        "Cảm ơn Ông/Bà đã sử dụng dịch vụ. Mời Ông/Bà đánh giá mức độ hài lòng tại: {{ tracking_url }}\n\nTrân trọng.",
    ),
    (
        "overdue",
        "sms",
        "",
        "Hồ sơ {{ code }} ({{ procedure_name }}) đã quá hạn tại {{ unit_name }}; hạn xử lý {{ due_at }}. "
        "Đề nghị xử lý ngay và lập thư xin lỗi.",
    ),
    (
        "overdue",
        "email",
        "Cảnh báo: hồ sơ {{ code }} đã quá hạn",
        "Hồ sơ {{ code }} về thủ tục {{ procedure_name }} của {{ applicant_name }} đã quá hạn giải quyết "
        "tại {{ unit_name }} ({{ agency_name }}).\nBước đang xử lý: {{ step_name }}\nHạn xử lý: {{ due_at }}\n\n"
        "Đề nghị đơn vị khẩn trương xử lý và lập Phiếu xin lỗi, hẹn lại ngày trả kết quả (Mẫu số 04).",
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for kind, channel, subject, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            event_kind=kind,
            channel=channel,
            language="vi",
            effective_from=EFFECTIVE_FROM,
            defaults={"subject": subject, "body": body},
        )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.filter(effective_from=EFFECTIVE_FROM, language="vi").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
