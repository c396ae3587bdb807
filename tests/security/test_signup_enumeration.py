"""Sign-up does not tell who has an account (issue 17, point 9 in part).

A phone, e-mail or citizen ID already in use gets one neutral message, whichever it is, never on
the field; such refusals are counted per client address, and past the limit every sign-up from
that address is answered 429 whatever it holds (so the 429 tells nothing either). A new person
still signs up; another address is unaffected.
"""
import datetime as dt

import pytest
import time_machine

from motcua.accounts import services
from motcua.accounts.models import AccountKind, CitizenAccount, IdentitySource

pytestmark = pytest.mark.django_db

PASSWORD = "Ch1m-Lac-Vang-2024"
SIGN_UP = "/tai-khoan/dang-ky/"
NEUTRAL = "Không thể dùng số điện thoại, địa chỉ thư điện tử hoặc số định danh cá nhân này cho tài khoản này."
THROTTLED = "Có quá nhiều lần đăng ký hoặc sửa hồ sơ với thông tin đã được sử dụng từ mạng này."
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def data(n: int, **overrides) -> dict:
    values = {
        "kind": AccountKind.PERSON, "full_name": "Lê Thị Cúc", "citizen_id": f"038185{n:06d}",
        "birth_date": "1985-05-20", "phone": f"0913{n:06d}", "email": f"cuc{n}@example.test", "address": "",
        "business_name": "", "tax_code": "", "password1": PASSWORD, "password2": PASSWORD,
    }
    values.update(overrides)
    return values


@pytest.fixture
def owner():
    """The holder, verified at the counter: only a verified identity holds its citizen ID (a
    declared one blocks nobody, tests/security/test_identity.py)."""
    account = services.sign_up({"kind": AccountKind.PERSON, "full_name": "Phạm Văn Dũng", "citizen_id": "038185000001",
                                "birth_date": dt.date(1985, 5, 20), "phone": "0913000001",
                                "email": "dung@example.test", "address": ""}, PASSWORD)
    CitizenAccount.objects.filter(pk=account.pk).update(identity_source=IdentitySource.COUNTER)
    account.refresh_from_db()
    return account


def answer(response):
    form = response.context["form"]
    return response.status_code, {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_phone_email_and_citizen_id_taken_get_the_same_answer(client, owner):
    answers = [
        answer(client.post(SIGN_UP, data(50, phone="+84 913 000 001"))),
        answer(client.post(SIGN_UP, data(51, email="DUNG@example.test"))),
        answer(client.post(SIGN_UP, data(52, citizen_id="038185000001"))),
        answer(client.post(SIGN_UP, data(53, phone="0913000001", email="dung@example.test",
                                          citizen_id="038185000001"))),
    ]
    assert len({repr(a) for a in answers}) == 1
    status, errors = answers[0]
    assert status == 400 and list(errors) == ["__all__"] and errors["__all__"][0].startswith(NEUTRAL)
    assert CitizenAccount.objects.count() == 1


def test_a_new_person_still_signs_up(client, owner):
    response = client.post(SIGN_UP, data(60))
    assert response.status_code == 302 and CitizenAccount.objects.count() == 2


def test_refusals_are_throttled_per_address_whatever_is_sent_then(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        for n in range(services.IDENTIFIER_REFUSALS_PER_ADDRESS):
            status, _ = answer(client.post(SIGN_UP, data(70 + n, citizen_id="038185000001"), REMOTE_ADDR="10.1.1.1"))
            assert status == 400
        # Now every sign-up from that address is 429, a taken ID and a free one alike.
        taken = client.post(SIGN_UP, data(90, citizen_id="038185000001"), REMOTE_ADDR="10.1.1.1")
        free = client.post(SIGN_UP, data(91), REMOTE_ADDR="10.1.1.1")
        assert answer(taken) == answer(free)
        assert taken.status_code == 429 and THROTTLED in taken.content.decode()
        assert CitizenAccount.objects.count() == 1
        # Another address signs up.
        assert client.post(SIGN_UP, data(92), REMOTE_ADDR="10.1.1.2").status_code == 302
        client.logout()
        clock.shift(dt.timedelta(hours=1, minutes=1))
        assert client.post(SIGN_UP, data(91), REMOTE_ADDR="10.1.1.1").status_code == 302


def test_the_holder_is_told_once_a_day_and_the_real_person_finds_the_way_back(client, owner):
    from motcua.notifications.models import OutboxMessage

    with time_machine.travel(START, tick=False) as clock:
        client.post(SIGN_UP, data(80, citizen_id="038185000001"))
        client.post(SIGN_UP, data(81, phone="0913 000 001"))
        client.post(SIGN_UP, data(82, email="Dung@Example.test"))
        notices = OutboxMessage.objects.filter(event_kind="account_in_use").order_by("pk")
        # The citizen ID and the phone both reach the holder's phone: one SMS a day; the e-mail one e-mail.
        assert [(m.channel, m.recipient) for m in notices] == [("sms", "0913000001"), ("email", "dung@example.test")]
        sms = notices[0].body
        assert "số định danh cá nhân" in sms and "/tai-khoan/quen-mat-khau/" in sms
        assert "Phạm Văn Dũng" in notices[1].body and "/tai-khoan/dang-nhap/" in notices[1].body
        clock.shift(dt.timedelta(hours=25))
        client.post(SIGN_UP, data(83, phone="0913000001"))
        assert OutboxMessage.objects.filter(event_kind="account_in_use", recipient="0913000001").count() == 2
    # The page named neither the holder nor the field.
    response = client.post(SIGN_UP, data(84, phone="0913000001"))
    assert "Phạm Văn Dũng" not in response.content.decode() and "0913000001" in response.content.decode()
