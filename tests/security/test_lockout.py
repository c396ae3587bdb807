"""Sign-in lockout that holds (issue 17, point 3).

The lockout counts failures per identity, not per spelling: ten ways of writing one phone (or one
e-mail in capitals and with spaces) are one identity, locked after AXES_FAILURE_LIMIT failures from
one address; an unknown identifier locks exactly alike (nothing tells whether an account exists).
Password spraying (one address trying many identities) blocks that address for every identity; an
other address is unaffected. The right password is refused until the cool-off has passed. The
officers' sign-in page holds the same rules.
"""
import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from motcua.accounts.models import AccountKind
from motcua.accounts import services

pytestmark = pytest.mark.django_db

PASSWORD = "Ch1m-Lac-Vang-2024"
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CITIZEN_LOGIN = "/tai-khoan/dang-nhap/"
OFFICER_LOGIN = "/mot-cua/dang-nhap/"
LOCKED_VI = "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 60 phút"
SPRAY_VI = "Có quá nhiều lần đăng nhập sai từ mạng này. Vui lòng thử lại sau 15 phút"

PHONE_SPELLINGS = [
    "0912000002", "+84912000002", "0912.000.002", "0912 000 002", "84912000002",
    "+84 912 000 002", " 0912-000-002 ", "(+84) 912 000 002", "0912 000002", "+84.912.000.002",
]
EMAIL_SPELLINGS = [
    "an.nguyen@example.test", "AN.NGUYEN@EXAMPLE.TEST", " An.Nguyen@Example.Test ", "\tan.nguyen@example.test\n",
    "an.nguyen@EXAMPLE.test", "AN.nguyen@example.TEST ", "  an.NGUYEN@example.test", "An.Nguyen@example.test",
    "an.nguyen@Example.Test\t", " AN.NGUYEN@example.test  ",
]


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 1
    settings.SIGN_IN_SPRAY_LIMIT = 10
    settings.SIGN_IN_SPRAY_WINDOW_MINUTES = 15


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def make_citizen(n=2, email=None):
    return services.sign_up({
        "kind": AccountKind.PERSON, "full_name": "Trần Thị Bình", "citizen_id": f"038185{n:06d}",
        "birth_date": dt.date(1985, 5, 20), "phone": f"0912{n:06d}", "email": email, "address": "",
    }, PASSWORD)


def sign_in(client, username, password, address="10.0.0.1", url=CITIZEN_LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_spellings_of_one_phone_are_one_identity(client, clock):
    account = make_citizen(2)
    statuses = [sign_in(client, spelling, f"guess-{n}").status_code for n, spelling in enumerate(PHONE_SPELLINGS)]
    assert statuses == [400] * 4 + [429] * 6
    # Counted under the account, whatever the spelling.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [account.user.username]
    # The right password is refused until the cool-off (1 hour) has passed, in any spelling.
    response = sign_in(client, "+84 912 000 002", PASSWORD)
    assert response.status_code == 429 and LOCKED_VI in response.content.decode()
    assert not signed_in(client)
    clock.shift(dt.timedelta(minutes=59))
    assert sign_in(client, "0912000002", PASSWORD).status_code == 429
    clock.shift(dt.timedelta(minutes=61))
    response = sign_in(client, "0912.000.002", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(account.user.pk)


def test_ten_spellings_of_one_email_are_one_identity(client, clock):
    account = make_citizen(3, email="an.nguyen@example.test")
    statuses = [sign_in(client, spelling, f"guess-{n}").status_code for n, spelling in enumerate(EMAIL_SPELLINGS)]
    assert statuses == [400] * 4 + [429] * 6
    # The account's phone names the same identity: locked as well.
    assert sign_in(client, "0912000003", PASSWORD).status_code == 429
    assert not signed_in(client)
    clock.shift(dt.timedelta(hours=1, minutes=1))
    assert sign_in(client, " AN.Nguyen@example.TEST ", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(account.user.pk)


def test_phone_and_email_of_one_account_share_the_count(client, clock):
    make_citizen(4, email="binh.tran@example.test")
    typed = ["0912000004", "BINH.TRAN@example.test", "+84912000004", "binh.tran@EXAMPLE.test", "0912.000.004"]
    assert [sign_in(client, name, "wrong").status_code for name in typed] == [400, 400, 400, 400, 429]


def test_an_unknown_phone_locks_exactly_like_a_known_one(client, clock):
    make_citizen(2)
    known = [sign_in(client, spelling, "wrong") for spelling in PHONE_SPELLINGS]
    unknown = [sign_in(client, spelling.replace("2", "9"), "wrong") for spelling in PHONE_SPELLINGS]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [400] * 4 + [429] * 6
    messages = {str(error) for r in known + unknown for error in r.context["form"].non_field_errors()}
    assert len(messages) == 2  # "wrong phone or password" and the lockout, the same for both
    assert AccessAttempt.objects.filter(username="phone:0919000009").exists()


def test_another_address_is_not_locked_out_by_one_identity(client, clock):
    account = make_citizen(2)
    for spelling in PHONE_SPELLINGS[:5]:
        sign_in(client, spelling, "wrong")
    assert sign_in(client, "0912000002", PASSWORD).status_code == 429
    response = sign_in(client, "0912000002", PASSWORD, address="10.9.9.9")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(account.user.pk)


def test_password_spraying_from_one_address_blocks_that_address(client, clock):
    accounts = [make_citizen(100 + n) for n in range(20)]
    statuses = []
    for n, account in enumerate(accounts):
        clock.shift(dt.timedelta(seconds=20))
        statuses.append(sign_in(client, account.phone, f"Mua-Thu-{n}").status_code)
    # Ten distinct identities failed from 10.0.0.1: that address is blocked for every identity.
    assert statuses == [400] * 9 + [429] * 11
    response = sign_in(client, accounts[0].phone, PASSWORD)
    assert response.status_code == 429 and SPRAY_VI in response.content.decode()
    assert not signed_in(client)
    # A fresh account nobody guessed at is refused from that address too; officers' page as well.
    fresh = make_citizen(500)
    assert sign_in(client, fresh.phone, PASSWORD).status_code == 429
    get_user_model().objects.create_user("canbo.kiemthu", password=PASSWORD, is_staff=True)
    assert sign_in(client, "canbo.kiemthu", PASSWORD, url=OFFICER_LOGIN).status_code == 429
    assert not signed_in(client)
    # Another address is unaffected.
    response = sign_in(client, accounts[0].phone, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(accounts[0].user.pk)
    client.logout()
    # The block holds while ten identities failed from that address in the last 15 minutes (refused
    # attempts count too), and lifts once the burst has left the window.
    clock.shift(dt.timedelta(minutes=5))
    assert sign_in(client, fresh.phone, PASSWORD).status_code == 429
    clock.shift(dt.timedelta(minutes=16))
    response = sign_in(client, fresh.phone, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(fresh.user.pk)


def test_spraying_unknown_identifiers_counts_too(client, clock):
    statuses = [sign_in(client, f"09870000{n:02d}", "wrong").status_code for n in range(12)]
    assert statuses == [400] * 9 + [429] * 3


def test_officer_lockout_holds_and_is_translated(client, clock):
    officer = get_user_model().objects.create_user("motcua.kiemthu", password=PASSWORD, is_staff=True)
    typed = ["motcua.kiemthu", " motcua.kiemthu", "motcua.kiemthu ", "motcua.kiemthu", "motcua.kiemthu"]
    statuses = [sign_in(client, name, "wrong", url=OFFICER_LOGIN).status_code for name in typed]
    assert statuses == [200] * 4 + [429]
    response = sign_in(client, "motcua.kiemthu", PASSWORD, url=OFFICER_LOGIN)
    assert response.status_code == 429 and LOCKED_VI in response.content.decode()
    assert not signed_in(client)
    # The citizen page and the admin's sign-in count the same identity.
    assert sign_in(client, "motcua.kiemthu", PASSWORD).status_code == 429
    response = sign_in(client, "motcua.kiemthu", PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and LOCKED_VI in response.content.decode()
    response = client.post(f"{OFFICER_LOGIN}?lang=en", {"username": "motcua.kiemthu", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and "Too many failed sign-in attempts" in response.content.decode()
    # Another address signs in.
    assert sign_in(client, "motcua.kiemthu", PASSWORD, address="10.0.0.7", url=OFFICER_LOGIN).status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
