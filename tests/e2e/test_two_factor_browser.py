"""Officers' two-factor sign-in in a real browser (issue 17): a leader signs in with the password,
is sent to the enrolment page, reads the key beside the QR code (as an authenticator app would scan
it), confirms with the first code, sees the backup codes once and reaches the work queue."""
import base64
import os

import pytest
from django_otp.oath import totp

from motcua.backoffice.tests.scenario import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_enrols_at_first_sign_in(page, live_server, settings):
    settings.OFFICER_2FA_ENABLED = True
    world = build_world()
    page.goto(f"{live_server.url}/mot-cua/dang-nhap/")
    page.locator("#id_username").fill(world.leader.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/mot-cua/xac-thuc/dang-ky/**")
    assert page.locator("#two-factor-qr svg").is_visible()
    assert page.locator("script").count() == page.locator("script[src]").count()  # no inline script
    if os.environ.get("TWO_FACTOR_SCREENSHOT"):
        page.screenshot(path=os.environ["TWO_FACTOR_SCREENSHOT"], full_page=True)

    secret = page.inner_text("#two-factor-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã").fill("000000" if totp(key) != 0 else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    assert "Mã xác thực không đúng hoặc đã được dùng" in page.inner_text("#two-factor-error")

    page.wait_for_timeout(1100)  # django-otp's throttle: one second after a wrong code
    page.get_by_label("Mã").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    assert page.locator("#backup-codes li").count() == 10
    page.locator("#two-factor-continue").click()
    page.wait_for_url(f"{live_server.url}/mot-cua/")  # the home page


def test_counter_officer_skips_then_enrols_from_the_menu_and_turns_it_off(page, live_server, settings):
    from motcua.organization.models import AccessAuditEntry

    settings.OFFICER_2FA_ENABLED = True
    world = build_world()
    page.goto(f"{live_server.url}/mot-cua/dang-nhap/")
    page.locator("#id_username").fill(world.counter_officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/mot-cua/xac-thuc/dang-ky/**")
    page.locator("#two-factor-skip").click()
    page.wait_for_url(f"{live_server.url}/mot-cua/")  # the home page

    page.locator("#nav-two-factor").click()  # later, from the menu
    page.wait_for_url(f"{live_server.url}/mot-cua/xac-thuc/dang-ky/")
    secret = page.inner_text("#two-factor-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    assert page.locator("#backup-codes li").count() == 10
    page.locator("#two-factor-continue").click()

    page.locator("#nav-two-factor").click()
    page.locator("#two-factor-disable").click()
    page.wait_for_url(f"{live_server.url}/mot-cua/")  # the home page
    assert "Đã tắt xác thực hai bước." in page.inner_text("main")
    labels = list(AccessAuditEntry.objects.filter(subject=world.counter_officer, object_label__startswith="two_factor_")
                  .order_by("pk").values_list("object_label", flat=True))
    assert labels == ["two_factor_enrolled", "two_factor_disabled"]
