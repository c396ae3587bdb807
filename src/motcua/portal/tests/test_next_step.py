"""The dossier page's first words: the status in plain words and what the citizen does next."""
from types import SimpleNamespace

from django.utils import translation

from motcua.dossiers.models import ReturnChannel, Status
from motcua.portal.next_step import next_step


def step(status, *, owed=0, can_pay_online=False, can_supplement=False, rated=False, channel=ReturnChannel.COUNTER):
    dossier = SimpleNamespace(status=status, return_channel=channel, result_file=None)
    with translation.override("vi"):
        return next_step(dossier, owed=owed, can_pay_online=can_pay_online, can_supplement=can_supplement,
                         rated=rated)


def test_supplement_fee_and_rating_each_lead_to_their_button():
    supplement = step(Status.WAITING_SUPPLEMENT, can_supplement=True)
    assert supplement["headline"] == "Đang chờ bổ sung hồ sơ" and supplement["href"] == "#supplement-title"
    assert "Gửi bổ sung" in supplement["text"]
    fee = step(Status.PROCESSING, owed=7500, can_pay_online=True)
    assert fee["href"] == "#fee" and "Thanh toán" in fee["text"]
    assert "Đánh giá" in step(Status.RETURNED)["text"]
    assert "cảm ơn" in step(Status.RETURNED, rated=True)["text"]


def test_nothing_to_do_while_handled_and_counter_fees_said():
    handled = step(Status.PROCESSING)
    assert handled["href"] == "" and handled["text"].startswith("Bạn chưa cần làm gì")
    counter = step(Status.RESOLVED, owed=7500)
    assert counter["headline"] == "Đã có kết quả" and counter["text"].endswith("hãy nộp tại quầy.")
