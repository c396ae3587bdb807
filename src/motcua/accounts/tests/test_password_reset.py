"""Forgotten password: a one-time code by SMS or e-mail through the notifications outbox."""
import datetime
import json
import logging
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.accounts import services
from motcua.accounts.models import AccountEvent, PasswordReset
from motcua.notifications.models import OutboxMessage
from motcua.notifications.providers import outbox_log_path

from .helpers import PASSWORD, make_account

pytestmark = pytest.mark.django_db

REQUEST_URL = "/tai-khoan/quen-mat-khau/"
CONFIRM_URL = "/tai-khoan/quen-mat-khau/xac-nhan/"
NEW_PASSWORD = "Sen-Hong-Ho-Tay-2031"
NEUTRAL = ("Nếu có tài khoản dùng số điện thoại hoặc địa chỉ thư điện tử này, mã xác nhận đã được gửi đến đó. "
           "Mã có hiệu lực trong 15 phút.")
WRONG = "Mã xác nhận không đúng. Kiểm tra lại mã trong tin nhắn mới nhất, hoặc yêu cầu mã mới."
VOID = "Nhập sai mã quá nhiều lần: mã này không còn dùng được. Vui lòng yêu cầu mã mới."
EXPIRED = "Mã xác nhận đã hết hạn (mã có hiệu lực trong 15 phút). Vui lòng yêu cầu mã mới."
USED = "Mã xác nhận này đã được sử dụng. Nếu cần, vui lòng yêu cầu mã mới."


@pytest.fixture
def account():
    return make_account(phone="0912345678", email="an.nguyen@example.vn")


def ask(client, identifier, **extra):
    return client.post(REQUEST_URL, {"identifier": identifier}, **extra)


def confirm(client, identifier, code, password=NEW_PASSWORD, password2=None, **extra):
    return client.post(CONFIRM_URL, {"identifier": identifier, "code": code, "new_password1": password,
                                     "new_password2": password if password2 is None else password2}, **extra)


def last_code(recipient) -> str:
    """The code as the person receives it: what the console provider delivered (the outbox row
    keeps it masked once sent)."""
    message = OutboxMessage.objects.filter(event_kind="password_reset", recipient=recipient).latest("pk")
    body = message.body
    if message.provider_message_id:
        for line in outbox_log_path().read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] == message.provider_message_id:
                body = record["body"]
    return re.search(r"\b(\d{6})\b", body).group(1)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def code_errors(response) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get("code", [])]


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_sign_in_page_links_to_the_forgotten_password_page(client):
    page = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert f'href="{REQUEST_URL}"' in page and "Quên mật khẩu?" in page


def test_whole_flow_by_phone(client, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "+84 912 345 678")
    assert response.status_code == 302 and response["Location"] == CONFIRM_URL
    message = OutboxMessage.objects.get(event_kind="password_reset")
    assert (message.channel, message.recipient) == ("sms", "0912345678")
    # Delivered by the configured provider (console in the tests) and recorded.
    assert message.status == OutboxMessage.Status.SENT and message.provider == "console"
    code = last_code("0912345678")
    assert "15 phút" in message.body

    form_page = client.get(CONFIRM_URL)
    assert NEUTRAL in page_messages(form_page)
    assert form_page.context["form"]["identifier"].value() == "0912345678"  # carried over in the session

    response = confirm(client, "0912345678", code)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(account.user_id)
    profile = client.get("/tai-khoan/")
    assert profile.status_code == 200
    assert "Đã đổi mật khẩu." in " ".join(page_messages(profile))
    account.user.refresh_from_db()
    assert account.user.check_password(NEW_PASSWORD) and not account.user.check_password(PASSWORD)
    event = account.events.get(action=AccountEvent.Action.PASSWORD_RESET)
    assert event.ip_address == "127.0.0.1" and event.changed_fields == ["password"]
    reset = PasswordReset.objects.get()
    assert reset.status == PasswordReset.Status.USED and reset.used_at is not None
    # Kept only as a keyed hash: never in clear in the request row or the audit trail.
    assert code not in reset.code_hash and reset.code_hash
    assert all(code not in str(value) for value in AccountEvent.objects.values_list("changed_fields", "ip_address"))


def test_whole_flow_by_email(client, account):
    response = ask(client, "  An.Nguyen@Example.VN ")
    assert response.status_code == 302
    message = OutboxMessage.objects.get(event_kind="password_reset")
    assert (message.channel, message.recipient) == ("email", "an.nguyen@example.vn")
    assert message.subject == "Mã đặt lại mật khẩu tài khoản dịch vụ công"
    assert "Kính gửi Ông/Bà Nguyễn Văn An" in message.body and CONFIRM_URL in message.body
    response = confirm(client, "an.nguyen@example.vn", last_code("an.nguyen@example.vn"))
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(account.user_id)


def test_business_accounts_get_a_code_too(client):
    business = make_account(phone="0987654321", email="ke.toan@example.vn", citizen_id="001090000001",
                            kind="business", business_name="Công ty TNHH Ánh Dương", tax_code="0101234567")
    ask(client, "0987654321")
    assert confirm(client, "0987654321", last_code("0987654321")).status_code == 302
    assert client.session["_auth_user_id"] == str(business.user_id)


def test_the_code_is_in_no_log(client, account, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "0912345678")
    code = last_code("0912345678")
    confirm(client, "0912345678", wrong_code(code))
    confirm(client, "0912345678", code)
    assert caplog.records and all(code not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("who", ["unknown phone", "unknown e-mail", "officer", "disabled citizen"])
def test_the_answer_is_neutral_and_nothing_is_sent(client, account, who):
    known = ask(Client(), "0912345678", follow=True)
    OutboxMessage.objects.all().delete()
    if who == "officer":
        get_user_model().objects.create_user("officer7", email="can.bo@example.vn", password=PASSWORD, is_staff=True)
        identifier = "can.bo@example.vn"
    elif who == "disabled citizen":
        disabled = make_account(phone="0987000111", email="", citizen_id="001090000002").user
        disabled.is_active = False
        disabled.save()
        identifier = "0987000111"
    else:
        identifier = "0909000999" if who == "unknown phone" else "khong.co@example.vn"
    response = ask(client, identifier, follow=True)
    assert response.redirect_chain == known.redirect_chain == [(CONFIRM_URL, 302)]
    assert page_messages(response) == page_messages(known) == [NEUTRAL]
    assert not OutboxMessage.objects.exists()


def test_a_malformed_identifier_is_refused(client):
    response = ask(client, "0212345678")
    assert response.status_code == 400
    assert response.context["form"].errors["identifier"] == [
        "Nhập số điện thoại di động (10 chữ số) hoặc địa chỉ thư điện tử của tài khoản."]


def test_five_wrong_codes_void_the_code(client, account):
    ask(client, "0912345678")
    code = last_code("0912345678")
    answers = [code_errors(confirm(client, "0912345678", wrong_code(code))) for _ in range(5)]
    assert answers == [[WRONG]] * 4 + [[VOID]]
    response = confirm(client, "0912345678", code)
    assert response.status_code == 400 and code_errors(response) == [VOID]
    account.user.refresh_from_db()
    assert account.user.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session
    # A new code works again.
    ask(client, "0912345678")
    assert confirm(client, "0912345678", last_code("0912345678")).status_code == 302


def test_an_unknown_identifier_answers_exactly_like_an_account(client, account):
    """Wrong codes are counted for a phone without an account too, so five guesses tell nothing."""
    ask(client, "0912345678")
    ask(client, "0909000999")
    for identifier in ("0912345678", "0909000999"):
        answers = [code_errors(confirm(client, identifier, "000000")) for _ in range(6)]
        assert answers == [[WRONG]] * 4 + [[VOID]] * 2, identifier


def test_the_code_expires_after_15_minutes(client, account):
    start = datetime.datetime(2030, 5, 6, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        ask(client, "0912345678")
    code = last_code("0912345678")
    with time_machine.travel(start + datetime.timedelta(minutes=15), tick=False):
        response = confirm(client, "0912345678", code)
    assert response.status_code == 400 and code_errors(response) == [EXPIRED]
    account.user.refresh_from_db()
    assert account.user.check_password(PASSWORD)
    with time_machine.travel(start + datetime.timedelta(minutes=14, seconds=59), tick=False):
        assert confirm(client, "0912345678", code).status_code == 302


def test_a_used_code_cannot_be_used_again(client, account):
    ask(client, "0912345678")
    code = last_code("0912345678")
    assert confirm(client, "0912345678", code).status_code == 302
    other = Client()
    response = confirm(other, "0912345678", code, password="Mot-Mat-Khau-Khac-77")
    assert response.status_code == 400 and code_errors(response) == [USED]
    account.user.refresh_from_db()
    assert account.user.check_password(NEW_PASSWORD)
    assert account.events.filter(action=AccountEvent.Action.PASSWORD_RESET).count() == 1


def test_a_new_request_replaces_the_previous_code(client, account):
    ask(client, "0912345678")
    first = last_code("0912345678")
    ask(client, "an.nguyen@example.vn")
    second = last_code("an.nguyen@example.vn")
    if first == second:  # one chance in a million
        pytest.skip("the two random codes are equal")
    response = confirm(client, "0912345678", first)
    assert response.status_code == 400 and code_errors(response) == [WRONG]
    assert confirm(client, "0912345678", second).status_code == 302
    assert list(PasswordReset.objects.order_by("pk").values_list("status", flat=True)) == ["replaced", "used"]


def test_weak_new_password_is_refused_in_vietnamese_and_the_code_stays_usable(client, account):
    ask(client, "0912345678")
    code = last_code("0912345678")
    response = confirm(client, "0912345678", code, password="12345678")
    assert response.status_code == 400
    errors = response.context["form"].errors["new_password1"]
    assert "Mật khẩu này quá phổ biến." in errors and "Mật khẩu này hoàn toàn là số." in errors
    differ = confirm(client, "0912345678", code, password2=NEW_PASSWORD + "x")
    assert differ.context["form"].errors["new_password2"] == ["Hai mật khẩu không khớp nhau."]
    bad_code = confirm(client, "0912345678", "12a456")
    assert code_errors(bad_code) == ["Mã xác nhận gồm 6 chữ số."]
    assert PasswordReset.objects.get().failed_attempts == 0
    assert confirm(client, "0912345678", code).status_code == 302


def test_too_many_codes_for_one_identifier(client, account):
    assert [ask(client, "0912345678").status_code for _ in range(3)] == [302, 302, 302]
    response = ask(client, "0912 345 678")
    assert response.status_code == 429
    assert ("Đã yêu cầu quá nhiều mã cho số điện thoại hoặc địa chỉ thư điện tử này. Vui lòng thử lại sau "
            "1 giờ, hoặc liên hệ Trung tâm Phục vụ hành chính công.") in response.content.decode()
    assert OutboxMessage.objects.filter(event_kind="password_reset").count() == 3
    # The same for a phone without an account: the throttle tells nothing either.
    assert [ask(client, "0909000999").status_code for _ in range(4)] == [302, 302, 302, 429]
    # An hour later it is allowed again.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=61)):
        assert ask(client, "0912345678").status_code == 302


def test_an_account_gets_at_most_three_codes_an_hour_whatever_is_typed(client, account):
    for identifier in ("0912345678", "0912345678", "an.nguyen@example.vn", "an.nguyen@example.vn"):
        assert ask(client, identifier).status_code == 302
    assert OutboxMessage.objects.filter(event_kind="password_reset").count() == 3
    # The last code sent still works: the request beyond the cap did not replace it.
    assert confirm(client, "0912345678", last_code("an.nguyen@example.vn")).status_code == 302


def test_too_many_requests_from_one_address(client, account):
    statuses = [ask(client, f"09090001{n:02d}").status_code for n in range(10)]
    assert statuses == [302] * 10
    response = ask(client, "0912345678")
    assert response.status_code == 429
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu từ mạng này. Vui lòng thử lại sau 1 giờ" in response.content.decode()
    assert not OutboxMessage.objects.exists()
    # Another address is not affected.
    assert ask(Client(REMOTE_ADDR="203.0.113.7"), "0912345678").status_code == 302
    assert OutboxMessage.objects.count() == 1


def test_new_password_signs_in_the_old_one_no_longer(client, account):
    ask(client, "0912345678")
    confirm(client, "0912345678", last_code("0912345678"))
    fresh = Client()
    refused = fresh.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD})
    assert refused.status_code == 400
    accepted = fresh.post("/tai-khoan/dang-nhap/", {"username": "an.nguyen@example.vn", "password": NEW_PASSWORD})
    assert accepted.status_code == 302 and fresh.session["_auth_user_id"] == str(account.user_id)


def test_other_sessions_of_the_account_are_ended(client, account):
    laptop = Client()
    assert laptop.post("/tai-khoan/dang-nhap/", {"username": "0912345678", "password": PASSWORD}).status_code == 302
    assert laptop.get("/tai-khoan/").status_code == 200
    ask(client, "0912345678")
    assert confirm(client, "0912345678", last_code("0912345678")).status_code == 302
    assert laptop.get("/tai-khoan/")["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"
    assert client.get("/tai-khoan/").status_code == 200  # the session that reset the password stays


def test_english_on_request(client, account):
    page = client.get(REQUEST_URL + "?lang=en").content.decode()
    assert "Forgot your password?" in page and "Send me a code" in page and "Quên mật khẩu" not in page
    response = client.post(REQUEST_URL + "?lang=en", {"identifier": "0912345678"}, follow=True)
    assert page_messages(response) == [
        "If an account uses this phone number or e-mail address, a code has been sent to it. "
        "The code is valid for 15 minutes."]
    wrong = confirm(client, "0912345678", "000000")  # the language is remembered in a cookie
    assert code_errors(wrong) == ["The code is wrong. Check the code in the latest message, or ask for a new code."]
    assert "Choose a new password" in wrong.content.decode()


def test_services_refuse_without_changing_anything(account):
    services.request_password_reset("0912345678", "127.0.0.1")
    with pytest.raises(services.ResetRefused) as refused:
        services.reset_password("0912345678", "abcdef", NEW_PASSWORD)
    assert refused.value.code == "wrong"
    account.user.refresh_from_db()
    assert account.user.check_password(PASSWORD)
    assert not account.events.filter(action=AccountEvent.Action.PASSWORD_RESET).exists()


def _seed_templates():
    import importlib

    from django.apps import apps

    importlib.import_module("motcua.notifications.migrations.0005_password_reset").seed(apps, None)


def _in_threads(count, work):
    """Run `work(n)` in `count` threads started together; returns what each returned or raised."""
    from motcua.core.testing import run_in_threads

    results, errors = run_in_threads(count, work)
    return [error if error is not None else result for result, error in zip(results, errors)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_and_resets_do_not_race():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    _seed_templates()  # an earlier transactional test may have flushed the migration's rows
    account = make_account(phone="0912345678", email="an.nguyen@example.vn")
    results = _in_threads(5, lambda n: services.request_password_reset("0912345678", f"198.51.100.{n}"))
    assert sum(isinstance(result, services.ResetThrottled) for result in results) == 2
    assert PasswordReset.objects.filter(account=account).count() == 3
    assert PasswordReset.objects.filter(status=PasswordReset.Status.ACTIVE).count() == 1

    code = last_code("0912345678")
    passwords = [f"Mat-Khau-Moi-{n}-2031" for n in range(4)]
    results = _in_threads(4, lambda n: services.reset_password("0912345678", code, passwords[n]))
    winners = [n for n, result in enumerate(results) if not isinstance(result, Exception)]
    assert len(winners) == 1
    assert sorted(result.code for result in results if isinstance(result, services.ResetRefused)) == ["used"] * 3
    account.user.refresh_from_db()
    assert account.user.check_password(passwords[winners[0]])
    assert account.events.filter(action=AccountEvent.Action.PASSWORD_RESET).count() == 1
