"""Citizen accounts in a real browser: sign up, sign out, sign in by phone, see the profile;
and the whole VNeID-style OpenID Connect flow against the local test identity provider."""
import pytest

from motcua.accounts.models import CitizenAccount, IdentitySource
from tests.oidc_provider import oidc_provider  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ch1m-Lac-Vang-2024"


def test_sign_up_sign_out_sign_in_by_phone(page, live_server):
    page.goto(f"{live_server.url}/")
    page.click("#nav-sign-in")  # the menu's link (the home page has a card with one too)
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Thử Nghiệm")
    page.get_by_label("Số định danh cá nhân / CCCD (12 chữ số)").fill("038195012399")
    page.get_by_label("Ngày sinh").fill("1995-06-01")
    page.get_by_label("Số điện thoại di động").fill("0912 777 888")
    page.get_by_label("Thư điện tử").fill("thu.nghiem@example.test")
    page.locator("#id_password1").fill("12345678")
    page.get_by_label("Nhập lại mật khẩu").fill("12345678")
    page.get_by_role("button", name="Đăng ký").click()
    # A weak password is refused in Vietnamese and nothing is saved.
    assert "Mật khẩu này quá phổ biến." in page.inner_text("#field-password1")
    assert CitizenAccount.objects.count() == 0
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert "Tài khoản của bạn đã được tạo." in page.inner_text("main")
    account = CitizenAccount.objects.get()
    assert account.phone == "0912777888" and account.citizen_id == "038195012399"

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/dang-nhap/")
    assert "Bạn đã đăng xuất." in page.inner_text("main")

    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912777888")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Sai số điện thoại/thư điện tử hoặc mật khẩu." in page.inner_text("#form-errors")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Thị Thử Nghiệm"
    assert page.get_by_label("Số điện thoại di động").input_value() == "0912777888"
    assert page.get_by_role("link", name="Tài khoản").is_visible()


def test_sign_in_through_the_identity_provider(page, live_server, oidc_provider):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    # Browser -> our start -> provider /authorize (auto-approves) -> our callback -> profile.
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert "Đã đăng nhập bằng VNeID." in page.inner_text("main")
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Thu Hà"
    assert page.get_by_label("Họ và tên").is_disabled()
    assert "Đã xác thực qua ứng dụng định danh quốc gia (VNeID)" in page.inner_text("#identity-source")
    account = CitizenAccount.objects.get()
    assert account.identity_source == IdentitySource.OIDC and account.citizen_id == "079190123456"
    assert len(oidc_provider.token_requests) == 1


def test_forgotten_password_by_a_code_sent_to_the_phone(page, live_server):
    """The person forgot the password: asks for a code on the sign-in page, reads it on the phone
    (here: what the console provider delivered), chooses a new password and is signed in."""
    import json
    import re

    from motcua.accounts.tests.helpers import make_account
    from motcua.notifications.providers import outbox_log_path

    import importlib

    from django.apps import apps

    # The templates come from a migration; an earlier transactional test's flush removed them.
    importlib.import_module("motcua.notifications.migrations.0005_password_reset").seed(apps, None)
    make_account(phone="0912555666", email="quen.matkhau@example.vn", citizen_id="001090000077")
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912 555 666")
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/quen-mat-khau/xac-nhan/")
    assert "mã xác nhận đã được gửi đến đó" in page.inner_text("main")
    delivered = [json.loads(line) for line in outbox_log_path().read_text(encoding="utf-8").splitlines()]
    sms = [d for d in delivered if d["to"] == "0912555666"][-1]
    code = re.search(r"\b(\d{6})\b", sms["body"]).group(1)

    page.get_by_label("Mã xác nhận (6 chữ số)").fill(code)
    page.locator("#id_new_password1").fill("123")
    page.get_by_label("Nhập lại mật khẩu mới").fill("123")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    assert "quá ngắn" in page.inner_text("main")  # refused in Vietnamese; the code stays usable
    page.locator("#id_new_password1").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert page.get_by_label("Số điện thoại di động").input_value() == "0912555666"

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Số điện thoại hoặc thư điện tử").fill("quen.matkhau@example.vn")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")


def test_phone_verified_with_the_code_it_received(page, live_server):
    """After sign-up the profile says the phone is not verified; the code the phone received (here:
    what the console provider delivered) verifies it."""
    import importlib
    import json
    import re

    from django.apps import apps

    from motcua.notifications.providers import outbox_log_path

    # The templates come from a migration; an earlier transactional test's flush removed them.
    importlib.import_module("motcua.notifications.migrations.0011_contact_verification").seed(apps, None)
    page.goto(f"{live_server.url}/tai-khoan/dang-ky/")
    page.get_by_label("Họ và tên").fill("Phạm Thị Xác Minh")
    page.get_by_label("Số định danh cá nhân / CCCD (12 chữ số)").fill("038195012311")
    page.get_by_label("Số điện thoại di động").fill("0912 777 999")
    page.get_by_label("Thư điện tử").fill("xac.minh@example.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert "Mã xác nhận gồm 6 chữ số đã được gửi đến số điện thoại của bạn." in page.inner_text("main")
    assert "0912777999 — chưa xác minh" in page.inner_text("#phone-status")

    page.locator("#verify-contacts").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/xac-minh/")
    delivered = [json.loads(line) for line in outbox_log_path().read_text(encoding="utf-8").splitlines()]
    code = re.search(r"\b(\d{6})\b", [d for d in delivered if d["to"] == "0912777999"][-1]["body"]).group(1)
    page.locator("#id_phone_code").fill(f"{(int(code) + 1) % 10 ** 6:06d}")
    page.locator("#verify-phone").click()
    assert "Mã xác nhận không đúng." in page.inner_text("#contact-phone")
    page.locator("#id_phone_code").fill(code)
    page.locator("#verify-phone").click()
    page.wait_for_url(f"{live_server.url}/tai-khoan/")
    assert "Số điện thoại của bạn đã được xác minh." in page.inner_text("main")
    assert "0912777999 — đã xác minh" in page.inner_text("#phone-status")
    assert "chưa xác minh" in page.inner_text("#email-status")
    account = CitizenAccount.objects.get()
    assert account.phone_verified and not account.email_verified

