"""Officers' sessions end after OFFICER_SESSION_IDLE_MINUTES idle and at browser close; citizens
keep SESSION_COOKIE_AGE (issue 17, hardening)."""
import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model

from .helpers import PASSWORD, make_account

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer():
    return get_user_model().objects.create_user("motcua.phien", password=PASSWORD, is_staff=True)


def test_an_idle_officer_is_signed_out_after_30_minutes(client, clock, officer):
    assert settings.OFFICER_SESSION_IDLE_MINUTES == 30
    response = client.post("/mot-cua/dang-nhap/", {"username": "motcua.phien", "password": PASSWORD})
    assert response.status_code == 302
    # Ends with the browser: the cookie carries no lifetime.
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    # Activity keeps the session: 29 minutes, then 29 more.
    for _ in range(2):
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/mot-cua/dang-nhap/").status_code == 302  # signed in: sent to the work queue
        assert signed_in(client)
    # 31 minutes without a request: signed out, told why, sent to the sign-in page.
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/mot-cua/dang-nhap/")
    assert response.status_code == 200 and not signed_in(client)
    assert "Bạn đã được đăng xuất sau 30 phút không thao tác" in response.content.decode()


def test_the_idle_time_is_a_setting(client, clock, officer, settings):
    settings.OFFICER_SESSION_IDLE_MINUTES = 10
    client.post("/mot-cua/dang-nhap/", {"username": "motcua.phien", "password": PASSWORD})
    clock.shift(dt.timedelta(minutes=11))
    client.get("/mot-cua/dang-nhap/")
    assert not signed_in(client)


def test_a_forced_login_officer_session_times_out_too(client, clock, officer):
    client.force_login(officer)
    clock.shift(dt.timedelta(minutes=45))
    assert client.get("/mot-cua/dang-nhap/").status_code == 200
    assert not signed_in(client)


def test_a_citizen_keeps_a_long_session(client, clock):
    account = make_account()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    clock.shift(dt.timedelta(hours=5))
    assert client.get("/tai-khoan/").status_code == 200
    assert client.session["_auth_user_id"] == str(account.user.pk)
