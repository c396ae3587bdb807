"""Officers' two-factor sign-in (issue 17, hardening).

With OFFICER_2FA_ENABLED (on in production; off in the test settings, turned on here), a leader,
centre manager, province administrator or superuser who signed in with the password reaches no
officer page, no admin page and no session API before the second factor: enrolment (QR code, then
the first code, then backup codes shown once) when they have no authenticator, else the code page.
A wrong code is refused with a clear message, a reused code too (django-otp's last_t), wrong codes
are throttled (1, 2, 4 ... seconds), a backup code works once. Other officers may skip.
"""
import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.backoffice.tests.scenario import PASSWORD, build_world

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
LOGIN = "/mot-cua/dang-nhap/"
QUEUE = "/mot-cua/ho-so/"
HOME = "/mot-cua/"  # where an officer lands after signing in: their home page
VERIFY = "/mot-cua/xac-thuc/"
ENROL = "/mot-cua/xac-thuc/dang-ky/"
WRONG_VI = "Mã xác thực không đúng hoặc đã được dùng"
THROTTLED_VI = "Nhập sai mã quá nhiều lần"


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.OFFICER_2FA_ENABLED = True
    settings.OFFICER_2FA_OPTIONAL = True
    settings.OFFICER_2FA_REQUIRED_ROLES = ["leader", "centre_manager", "province_admin"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 1


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world():
    return build_world()


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    return f"{totp.token():06d}"


def sign_in(client, username, url=LOGIN):
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def test_required_role_without_device_enrols_before_any_officer_page(client, world, clock):
    sign_in(client, world.leader.username)
    for path in (QUEUE, "/mot-cua/tiep-nhan/", "/mot-cua/so-theo-doi-html/", "/mot-cua/bao-cao/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL + "?next=")
    api = client.get("/api/v1/dossiers/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"

    page = client.get(ENROL + "?next=" + QUEUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1]
    assert 'id="two-factor-skip"' not in html  # required: no way around
    device = TOTPDevice.objects.get(user=world.leader, confirmed=False)
    assert re.sub(r"\s", "", re.search(r'id="two-factor-secret">([^<]+)<', html).group(1))

    wrong = client.post(ENROL, {"code": "000000" if code_for(device) != "000000" else "111111", "next": QUEUE})
    assert wrong.status_code == 400 and WRONG_VI in wrong.content.decode()
    assert client.get(QUEUE).status_code == 302

    clock.shift(dt.timedelta(seconds=31))
    done = client.post(ENROL, {"code": code_for(device), "next": QUEUE})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert sorted(StaticToken.objects.filter(device__user=world.leader).values_list("token", flat=True)) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(QUEUE).status_code == 200
    # The backup codes are not shown again: the enrolment page now starts a new (unconfirmed) device.
    assert not any(code in client.get(ENROL).content.decode() for code in codes)


def test_password_alone_cannot_enrol_a_new_authenticator(client, world, clock):
    enrolled(world.leader)
    sign_in(client, world.leader.username)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    attacker_device = TOTPDevice.objects.create(user=world.leader, name="other", confirmed=False)
    response = client.post(ENROL, {"code": code_for(attacker_device)})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get(QUEUE).status_code == 302


def test_wrong_code_refused_right_code_accepted_reused_code_refused(client, world, clock):
    device = enrolled(world.leader)
    sign_in(client, world.leader.username)
    response = client.get(QUEUE)
    assert response["Location"] == VERIFY + "?next=%2Fmot-cua%2Fho-so%2F"

    right = code_for(device)
    wrong = "123456" if right != "123456" else "654321"
    refused = client.post(VERIFY, {"code": wrong, "next": QUEUE})
    assert refused.status_code == 400 and WRONG_VI in refused.content.decode()
    # Throttled: a second try within the second is refused whatever the code.
    throttled = client.post(VERIFY, {"code": right, "next": QUEUE})
    assert throttled.status_code == 429 and THROTTLED_VI in throttled.content.decode()
    assert client.get(QUEUE).status_code == 302

    clock.shift(dt.timedelta(seconds=2))
    accepted = client.post(VERIFY, {"code": right, "next": QUEUE})
    assert accepted.status_code == 302 and accepted["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200

    # Signed out and in again within the same 30 seconds: the same code is refused.
    client.post("/mot-cua/dang-xuat/")
    sign_in(client, world.leader.username)
    reused = client.post(VERIFY, {"code": right, "next": QUEUE})
    assert reused.status_code == 400 and WRONG_VI in reused.content.decode()
    clock.shift(dt.timedelta(seconds=30))
    assert client.post(VERIFY, {"code": code_for(device), "next": QUEUE}).status_code == 302
    assert client.get(QUEUE).status_code == 200


def test_throttle_doubles_and_message_in_english(client, world, clock):
    device = enrolled(world.leader)
    sign_in(client, world.leader.username)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    clock.shift(dt.timedelta(seconds=1))
    assert client.post(VERIFY, {"code": wrong}).status_code == 400  # second failure: wait 2 s now
    throttled = client.post(VERIFY + "?lang=en", {"code": code_for(device)})
    assert throttled.status_code == 429
    assert "Too many wrong codes. Wait 2 seconds and try again." in throttled.content.decode()
    clock.shift(dt.timedelta(seconds=2))
    english = client.post(VERIFY + "?lang=en", {"code": wrong})
    assert english.status_code == 400 and "The code is wrong or has already been used" in english.content.decode()


def test_backup_code_works_once(client, world, clock):
    device = enrolled(world.leader)
    static = world.leader.staticdevice_set.create(name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    static.token_set.create(token="efgh6723")
    sign_in(client, world.leader.username)
    assert client.post(VERIFY, {"code": " ABCD 2345 ", "next": QUEUE}).status_code == 302
    assert client.get(QUEUE).status_code == 200
    assert list(static.token_set.values_list("token", flat=True)) == ["efgh6723"]

    client.post("/mot-cua/dang-xuat/")
    sign_in(client, world.leader.username)
    again = client.post(VERIFY, {"code": "abcd2345", "next": QUEUE})
    assert again.status_code == 400 and WRONG_VI in again.content.decode()
    assert client.get(QUEUE).status_code == 302
    assert device.pk  # the authenticator is untouched


def test_optional_role_can_skip(client, world, clock, settings):
    response = sign_in(client, world.counter_officer.username)
    assert response["Location"].startswith(ENROL)  # offered once, at sign-in
    offer = client.get(response["Location"])
    assert offer.status_code == 200 and 'id="two-factor-skip"' in offer.content.decode()
    assert client.get(QUEUE).status_code == 200  # skipping is just going on

    settings.OFFICER_2FA_OPTIONAL = False
    other = client.__class__()
    assert sign_in(other, world.specialist.username)["Location"] == HOME


def test_optional_role_that_enrolled_is_asked(client, world, clock):
    enrolled(world.counter_officer)
    sign_in(client, world.counter_officer.username)
    assert client.get(QUEUE)["Location"].startswith(VERIFY)


@pytest.mark.parametrize("role", ["centre_manager", "province_admin"])
def test_managers_and_administrators_required(client, world, clock, role):
    from motcua.organization.models import RoleAssignment

    user = get_user_model().objects.create_user(username=f"u.{role}", password=PASSWORD)
    RoleAssignment.objects.create(
        user=user, role=role, service_point=world.service_point if role == "centre_manager" else None
    )
    sign_in(client, user.username)
    assert client.get(QUEUE)["Location"].startswith(ENROL)


def test_admin_site_requires_the_second_factor(client, world, clock):
    admin = get_user_model().objects.create_superuser(username="quantri", password=PASSWORD)
    device = enrolled(admin)
    response = client.post("/admin/login/?next=/admin/", {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 302
    for path in ("/admin/", "/admin/auth/user/"):
        gated = client.get(path)
        assert gated.status_code == 302 and gated["Location"].startswith(VERIFY), path
    assert client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    # A superuser without an authenticator enrols first.
    get_user_model().objects.create_superuser(username="quantri2", password=PASSWORD)
    other = client.__class__()
    other.post("/admin/login/?next=/admin/", {"username": "quantri2", "password": PASSWORD})
    assert other.get("/admin/")["Location"].startswith(ENROL)


def test_switched_off_and_citizens_unaffected(client, world, clock, settings):
    settings.OFFICER_2FA_ENABLED = False
    assert sign_in(client, world.leader.username)["Location"] == HOME
    assert client.get(QUEUE).status_code == 200


def test_new_backup_codes_replace_the_old_ones_only_after_the_second_factor(client, world, clock):
    device = enrolled(world.leader)
    static = world.leader.staticdevice_set.create(name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    sign_in(client, world.leader.username)
    refused = client.post("/mot-cua/xac-thuc/ma-du-phong/")
    assert refused.status_code == 302 and refused["Location"].startswith(VERIFY)
    assert list(static.token_set.values_list("token", flat=True)) == ["abcd2345"]

    client.post(VERIFY, {"code": code_for(device)})
    page = client.get(ENROL)
    assert 'id="two-factor-new-backup-codes"' in page.content.decode()
    assert page["Cache-Control"].count("no-store")
    fresh = client.post("/mot-cua/xac-thuc/ma-du-phong/", {"next": QUEUE})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", fresh.content.decode())
    assert len(codes) == 10 and "abcd2345" not in codes
    assert sorted(static.token_set.values_list("token", flat=True)) == sorted(codes)
