"""The phone and the e-mail of an account are verified by a one-time code (issue 17).

A code goes to each at sign-up and whenever one changes; until it comes back the channel gets no
password-reset code and no notice of the account's online dossiers (counter dossiers are not
affected). Wrong codes are counted and void the code; new codes are throttled; each verification
is an account event. Accounts made by VNeID and the demo citizens count as verified.
"""
import datetime
import importlib
import re

import pytest
import time_machine
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model

from motcua.accounts import services
from motcua.accounts.models import AccountEvent, CitizenAccount, IdentitySource, PasswordReset
from motcua.dossiers import services as dossiers
from motcua.testing.world import APPLICANT, at, documents_for
from motcua.notifications.models import OutboxMessage

from .helpers import PASSWORD, make_account, sign_up_data

pytestmark = pytest.mark.django_db

VERIFY_URL = "/tai-khoan/xac-minh/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sent_code(recipient) -> str:
    """The latest verification code queued for `recipient` (still queued: not yet masked)."""
    message = OutboxMessage.objects.filter(event_kind="contact_verification", recipient=recipient).latest("pk")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


@pytest.fixture
def signed_up(client, clock):
    response = client.post("/tai-khoan/dang-ky/", sign_up_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    return CitizenAccount.objects.get()


def test_sign_up_sends_a_code_to_the_phone_and_one_to_the_email(client, signed_up):
    messages = OutboxMessage.objects.filter(event_kind="contact_verification").order_by("channel")
    assert list(messages.values_list("channel", "recipient")) == [("email", "an.nguyen@example.test"),
                                                                   ("sms", "0912345678")]
    sms = messages.get(channel="sms")
    assert sms.body.startswith("Mã xác nhận số điện thoại cho tài khoản dịch vụ công: ")
    email = messages.get(channel="email")
    assert email.subject == "Mã xác nhận địa chỉ thư điện tử cho tài khoản dịch vụ công"
    assert "/tai-khoan/xac-minh/" in email.body
    assert not signed_up.phone_verified and not signed_up.email_verified
    rows = PasswordReset.objects.filter(account=signed_up).order_by("purpose")
    assert [(row.purpose, row.status) for row in rows] == [("email", "active"), ("phone", "active")]
    assert all(sent_code("0912345678") not in row.code_hash for row in rows)  # only a keyed hash is kept

    profile = client.get("/tai-khoan/").content.decode()
    assert "0912345678 — chưa xác minh" in profile and 'id="verify-contacts"' in profile
    page = client.get(VERIFY_URL)
    assert page.status_code == 200
    assert page.content.decode().count("Chưa xác minh") == 2


def test_the_right_code_verifies_the_phone_and_is_audited(client, signed_up):
    code = sent_code("0912345678")
    wrong = client.post(VERIFY_URL, {"field": "phone", "code": other(code)})
    assert wrong.status_code == 400
    assert "Mã xác nhận không đúng." in wrong.content.decode()
    done = client.post(VERIFY_URL, {"field": "phone", "code": code}, REMOTE_ADDR="203.0.113.9")
    assert done.status_code == 302 and done["Location"] == "/tai-khoan/"
    account = CitizenAccount.objects.get()
    assert account.phone_verified and not account.email_verified
    assert account.phone_verified_at == START
    event = account.events.get(action=AccountEvent.Action.PHONE_VERIFIED)
    assert (event.changed_fields, event.ip_address, event.at, event.actor) == (["phone"], "203.0.113.9", START, None)
    assert "0912345678 — đã xác minh" in client.get("/tai-khoan/").content.decode()
    # The e-mail still needs its own code; the phone's code does not open it.
    assert client.post(VERIFY_URL, {"field": "email", "code": code}).status_code == 400
    assert client.post(VERIFY_URL, {"field": "email", "code": sent_code("an.nguyen@example.test")}).status_code == 302
    assert CitizenAccount.objects.get().email_verified


def test_wrong_codes_void_the_code_and_new_codes_are_throttled(client, signed_up):
    code = sent_code("0912345678")
    for _attempt in range(services.RESET_MAX_WRONG_CODES - 1):
        assert client.post(VERIFY_URL, {"field": "phone", "code": other(code)}).status_code == 400
    void = client.post(VERIFY_URL, {"field": "phone", "code": other(code)})
    assert "Nhập sai mã quá nhiều lần" in void.content.decode()
    assert client.post(VERIFY_URL, {"field": "phone", "code": code}).status_code == 400  # void even when right
    assert not CitizenAccount.objects.get().phone_verified

    # Two more codes in the hour (three with the sign-up's), then 429 in the page's language.
    for _request in range(services.RESET_CODES_PER_ACCOUNT - 1):
        assert client.post(VERIFY_URL, {"field": "phone", "resend": "1"}).status_code == 302
    throttled = client.post(VERIFY_URL + "?lang=en", {"field": "phone", "resend": "1"})
    assert throttled.status_code == 429
    assert "Too many codes were sent to this phone number or e-mail address." in throttled.content.decode()
    assert OutboxMessage.objects.filter(event_kind="contact_verification", channel="sms").count() == 3
    # The latest code works; the earlier ones were replaced.
    assert client.post(VERIFY_URL, {"field": "phone", "code": sent_code("0912345678")}).status_code == 302


def test_bad_input_is_a_clear_400(client, signed_up):
    assert client.post(VERIFY_URL, {"field": "fax", "code": "123456"}).status_code == 400
    short = client.post(VERIFY_URL, {"field": "phone", "code": "12a"})
    assert short.status_code == 400 and "Mã xác nhận gồm 6 chữ số." in short.content.decode()


def test_a_changed_phone_is_unverified_until_its_own_code(client, clock):
    account = make_account()
    assert account.phone_verified
    client.force_login(account.user)
    data = {"full_name": account.full_name, "citizen_id": account.citizen_id, "birth_date": "1985-03-14",
            "phone": "0987 654 321", "email": account.email, "address": ""}
    assert client.post("/tai-khoan/", data).status_code == 302
    account.refresh_from_db()
    assert account.phone == "0987654321" and not account.phone_verified and account.email_verified
    assert OutboxMessage.objects.filter(event_kind="contact_verification").count() == 1
    code = sent_code("0987654321")
    assert client.post(VERIFY_URL, {"field": "phone", "code": code}).status_code == 302
    assert CitizenAccount.objects.get().phone_verified


def test_a_code_sent_to_an_earlier_phone_does_not_verify_a_new_one(clock):
    account = make_account(verified=False)
    old_code = sent_code("0912345678")
    services.update_profile(account, {"phone": "0987654321"})
    with pytest.raises(services.ResetRefused):
        services.verify_contact(account, "phone", old_code)
    assert not CitizenAccount.objects.get().phone_verified


def test_password_reset_goes_only_to_a_verified_channel(client, clock):
    account = make_account(verified=False)
    OutboxMessage.objects.all().delete()
    assert client.post("/tai-khoan/quen-mat-khau/", {"identifier": "0912345678"}).status_code == 302
    assert not OutboxMessage.objects.filter(event_kind="password_reset").exists()  # same answer, nothing sent
    services.trust_contacts(account)
    clock.shift(datetime.timedelta(minutes=1))
    assert client.post("/tai-khoan/quen-mat-khau/", {"identifier": "0912345678"}).status_code == 302
    assert OutboxMessage.objects.filter(event_kind="password_reset", recipient="0912345678").count() == 1


def test_online_dossier_notices_go_only_to_verified_channels(world, django_capture_on_commit_callbacks):
    account = make_account(phone=APPLICANT["phone"], email=APPLICANT["email"], citizen_id=APPLICANT["id_number"],
                           verified=False)
    CitizenAccount.objects.filter(pk=account.pk).update(phone_verified_at=at(2026, 3, 1))  # the phone only
    first = dossiers.submit_online(account.user, procedure_version=world["version"], applicant=APPLICANT,
                                   documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.accept_online(world["counter"], first, at=at(2026, 3, 2, 9))
    received = OutboxMessage.objects.filter(dossier_code=first.code, event_kind="received")
    assert list(received.values_list("channel", "recipient")) == [("sms", APPLICANT["phone"])]

    # Another spelling of the verified number is the same phone.
    spelled = dict(APPLICANT, phone="+84 912 345 678")
    second = dossiers.submit_online(account.user, procedure_version=world["version"], applicant=spelled,
                                    documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.accept_online(world["counter"], second, at=at(2026, 3, 2, 9))
    assert OutboxMessage.objects.filter(dossier_code=second.code, event_kind="received", channel="sms").exists()

    # A contact typed online that the account did not verify gets nothing.
    stranger = dict(APPLICANT, phone="0977000111", email="someone.else@example.vn")
    third = dossiers.submit_online(account.user, procedure_version=world["version"], applicant=stranger,
                                   documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.accept_online(world["counter"], third, at=at(2026, 3, 2, 9))
    assert not OutboxMessage.objects.filter(dossier_code=third.code).exclude(event_kind="online_submitted").exists()


def test_counter_dossiers_still_reach_the_phone_the_officer_typed(receive, django_capture_on_commit_callbacks):
    make_account(phone=APPLICANT["phone"], email=APPLICANT["email"], citizen_id=APPLICANT["id_number"],
                 verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    received = OutboxMessage.objects.filter(dossier_code=dossier.code, event_kind="received")
    assert sorted(received.values_list("channel", "recipient")) == [("email", APPLICANT["email"]),
                                                                    ("sms", APPLICANT["phone"])]


def test_vneid_accounts_keep_their_phone_and_email_verified():
    migration = importlib.import_module("motcua.accounts.migrations.0005_contact_verification")
    user = get_user_model().objects.create_user(username="citizen-vneid")
    vneid = CitizenAccount.objects.create(user=user, full_name="Lê Thị Định Danh", citizen_id="079190123456",
                                          phone="0912000333", email="dinh.danh@example.vn",
                                          identity_source=IdentitySource.OIDC, oidc_issuer="https://id.example",
                                          oidc_subject="sub-1")
    declared = make_account(phone="0912000444", email="khai.bao@example.vn", citizen_id="001090000077",
                            verified=False)
    migration.trust_vneid_contacts(global_apps, None)
    vneid.refresh_from_db()
    declared.refresh_from_db()
    assert vneid.phone_verified and vneid.email_verified
    assert vneid.events.get().action == AccountEvent.Action.CONTACTS_TRUSTED
    assert not declared.phone_verified and not declared.email_verified


def test_demo_citizens_are_verified():
    from motcua.demo.dossiers import demo_citizen_accounts

    users = demo_citizen_accounts(PASSWORD)
    accounts = CitizenAccount.objects.filter(user__in=users).order_by("phone")
    assert [(a.phone, a.phone_verified, a.email_verified) for a in accounts] == [
        ("0999000901", True, True), ("0999000902", True, True)]
    assert not PasswordReset.objects.filter(status=PasswordReset.Status.ACTIVE).exists()
    assert demo_citizen_accounts(PASSWORD) == users  # a re-run changes nothing


def test_a_phone_changed_in_the_admin_is_no_longer_verified(client):
    account = make_account()
    admin = get_user_model().objects.create_superuser(username="quantri", password=PASSWORD)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/citizenaccount/{account.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"phone": "0987000222", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/accounts/citizenaccount/{account.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.phone == "0987000222" and not account.phone_verified and account.email_verified
