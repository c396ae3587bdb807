"""Issue 10 point 10 for ratings and PAKN: a 2,500-character comment or a 700-character name is
refused with the maximum (never cut to 2,000 / 200), a sender's name with markup is refused, and
nothing is saved; the forms render no `maxlength` (a browser would cut a paste silently)."""
import html as htmllib

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.feedback import links, ratings
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, FeedbackEvent, Rating

from .test_feedback import SENDER, submit

pytestmark = pytest.mark.django_db
LONG_NAME = ("Nguyễn " * 100).strip()  # 699 characters
LONG_COMMENT = ("Cán bộ hướng dẫn tận tình. " * 93).strip()  # 2,510 characters


def page(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_a_long_rating_comment_is_refused_with_the_maximum(client, returned):
    dossier = returned()
    url = links.rating_path(dossier.code)
    assert "maxlength" not in client.get(url).content.decode()
    response = client.post(url, {"level": "satisfied", "comment": LONG_COMMENT})
    assert response.status_code == 400
    assert f"Giá trị này chỉ có tối đa 2000 kí tự (hiện có {len(LONG_COMMENT)})" in page(response)
    api = client.post("/api/v1/ratings/", {"token": links.token_for(dossier.code), "level": "satisfied",
                                           "comment": LONG_COMMENT}, content_type="application/json")
    assert api.status_code == 400 and "2000" in api.content.decode()
    with translation.override("vi"), pytest.raises(FeedbackError) as info:
        ratings.rate(dossier, level="satisfied", comment=LONG_COMMENT)
    assert info.value.messages == [f"Ý kiến: tối đa 2000 ký tự, nhưng đã nhập {len(LONG_COMMENT)} ký tự."]
    assert Rating.objects.count() == 0


@pytest.mark.parametrize(("name", "message"), [
    (LONG_NAME, "tối đa 200"),
    ("<b>Lê Văn</b> Phản Ánh", "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - ."),
])
def test_a_bad_sender_name_is_refused_everywhere_and_nothing_saved(client, world, name, message):
    form = client.post(reverse("feedback:submit"), {"subject_kind": "rule", "content": "Đề nghị mở cửa thứ Bảy.",
                                                     **SENDER, "sender_name": name})
    assert form.status_code == 400 and message in page(form)
    assert "maxlength" not in form.content.decode()
    api = client.post("/api/v1/feedback/", {"subject_kind": "rule", "content": "Đề nghị mở cửa thứ Bảy.",
                                            **SENDER, "sender_name": name}, content_type="application/json",
                      HTTP_ACCEPT_LANGUAGE="vi")
    assert api.status_code == 400
    with translation.override("vi"), pytest.raises(FeedbackError) as info:
        submit(sender_name=name)
    assert message in info.value.messages[0]
    assert Feedback.objects.count() == 0 and FeedbackEvent.objects.count() == 0


def test_long_content_is_refused_not_cut(world):
    with translation.override("en"), pytest.raises(FeedbackError) as info:
        submit(content="x" * 5001)
    assert info.value.messages == ["Content: at most 5000 characters, but 5001 were given."]
    assert Feedback.objects.count() == 0
