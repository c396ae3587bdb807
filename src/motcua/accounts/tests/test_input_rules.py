"""Sign-up and profile (issue 10 point 10): a full name with markup or digits, or too long, is
refused with a message, nothing is saved; the pages render no `maxlength`."""
import html as htmllib

import pytest

from motcua.accounts.models import CitizenAccount

from .helpers import PASSWORD, make_account, sign_up_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("full_name", "message"), [
    ("<b>Nguyễn</b> Văn An", "Họ và tên chỉ gồm chữ cái, dấu cách và các dấu ' - . (không được có “<”, “>”, “/”)."),
    ("Nguyễn Văn An 2", "(không được có “2”)"),
    (("Nguyễn " * 100).strip(), "Giá trị này chỉ có tối đa 150 kí tự (hiện có 699)"),
])
def test_sign_up_refuses_a_bad_full_name_and_creates_nothing(client, full_name, message):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(full_name=full_name))
    assert response.status_code in (200, 400)
    page = htmllib.unescape(response.content.decode())
    assert message in page and "maxlength" not in response.content.decode()
    assert CitizenAccount.objects.count() == 0


def test_profile_refuses_markup_in_the_name_and_keeps_the_old_one(client):
    account = make_account()
    client.login(username="0912345678", password=PASSWORD)
    response = client.post("/tai-khoan/", {"full_name": "Nguyễn <i>Văn</i> An", "phone": "0912345678",
                                           "email": "an.nguyen@example.test", "citizen_id": "038085001234",
                                           "birth_date": "1985-03-14", "address": ""})
    assert response.status_code == 400
    assert "Họ và tên chỉ gồm chữ cái" in htmllib.unescape(response.content.decode())
    account.refresh_from_db()
    assert account.full_name == "Nguyễn Văn An"
