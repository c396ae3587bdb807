"""Officers' two-factor sign-in from the menu, and its events in the access audit log (issue 17).

An officer for whom the second factor is optional finds "Xác thực hai bước" in the officers' menu:
enrolment there, and (after giving the code) turning it off. Enrolment, disabling, new backup
codes, a backup code used, a refused code and a throttled one each write an `AccessAuditEntry`
(kind user account, the officer as subject and actor, no code).
"""
import datetime as dt

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.backoffice.tests.scenario import build_world
from motcua.organization.models import AccessAuditEntry
from tests.security.test_two_factor import ENROL, HOME, QUEUE, VERIFY, code_for, enrolled, sign_in

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DISABLE = "/mot-cua/xac-thuc/tat/"


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


def events(user) -> list[tuple[str, str]]:
    rows = AccessAuditEntry.objects.filter(kind=AccessAuditEntry.Kind.USER_ACCOUNT, subject=user,
                                           object_label__startswith="two_factor_").order_by("pk")
    return [(row.object_label, row.action) for row in rows]


def wrong_code(device) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def test_menu_link_enrols_an_optional_officer_who_can_then_turn_it_off(client, world, clock):
    sign_in(client, world.counter_officer.username)  # offered enrolment; goes on without it
    page = client.get(QUEUE).content.decode()
    assert f'href="{ENROL}" id="nav-two-factor">Xác thực hai bước</a>' in page
    assert client.get(ENROL).status_code == 200  # later, from the menu
    device = TOTPDevice.objects.get(user=world.counter_officer, confirmed=False)
    assert client.post(ENROL, {"code": wrong_code(device), "next": QUEUE}).status_code == 400
    clock.shift(dt.timedelta(seconds=31))
    assert client.post(ENROL, {"code": code_for(device), "next": QUEUE}).status_code == 200
    assert events(world.counter_officer) == [("two_factor_code_refused", "refused"), ("two_factor_enrolled", "changed")]

    page = client.get(ENROL).content.decode()
    assert 'id="two-factor-disable"' in page and "Tắt xác thực hai bước" in page
    done = client.post(DISABLE)
    assert done.status_code == 302 and done["Location"] == HOME
    assert not TOTPDevice.objects.filter(user=world.counter_officer).exists()
    assert not world.counter_officer.staticdevice_set.exists()
    assert client.get(QUEUE).status_code == 200
    entry = AccessAuditEntry.objects.filter(object_label="two_factor_disabled").get()
    assert (entry.actor, entry.subject, entry.source, entry.after) == (
        world.counter_officer, world.counter_officer, DISABLE, {"two_factor": "two_factor_disabled"})

    client.post("/mot-cua/dang-xuat/")
    assert sign_in(client, world.counter_officer.username)["Location"].startswith(ENROL)  # offered again, not asked


def test_required_officer_cannot_turn_it_off(client, world, clock):
    device = enrolled(world.leader)
    sign_in(client, world.leader.username)
    assert client.post(VERIFY, {"code": code_for(device), "next": QUEUE}).status_code == 302
    assert 'id="nav-two-factor"' in client.get(QUEUE).content.decode()
    assert 'id="two-factor-disable"' not in client.get(ENROL).content.decode()
    refused = client.post(DISABLE, follow=True)
    assert "Không thể tắt xác thực hai bước" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.leader, confirmed=True).exists()
    assert ("two_factor_disabled", "changed") not in events(world.leader)


def test_turning_off_needs_the_code_in_this_session(client, world, clock):
    enrolled(world.counter_officer)
    sign_in(client, world.counter_officer.username)
    response = client.post(DISABLE)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)  # the gate first
    assert TOTPDevice.objects.filter(user=world.counter_officer).exists()


def test_refused_throttled_and_backup_codes_are_audited(client, world, clock):
    device = enrolled(world.leader)
    static = world.leader.staticdevice_set.create(name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    sign_in(client, world.leader.username)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 400
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 429  # within the 1 s wait
    assert client.post(VERIFY, {"code": "abcd2345", "next": QUEUE}).status_code == 302
    assert client.post("/mot-cua/xac-thuc/ma-du-phong/", {"next": QUEUE}).status_code == 200
    assert events(world.leader) == [
        ("two_factor_code_refused", "refused"), ("two_factor_code_throttled", "refused"),
        ("two_factor_backup_code_used", "changed"), ("two_factor_backup_codes_replaced", "changed"),
    ]
    entries = AccessAuditEntry.objects.filter(subject=world.leader, object_label__startswith="two_factor_")
    assert entries.count() == 4
    assert all("abcd2345" not in str(entry.after) and entry.actor == world.leader for entry in entries)


def test_no_menu_link_when_two_factor_is_off(client, world, settings):
    settings.OFFICER_2FA_ENABLED = False
    sign_in(client, world.counter_officer.username)
    assert 'id="nav-two-factor"' not in client.get(QUEUE).content.decode()
