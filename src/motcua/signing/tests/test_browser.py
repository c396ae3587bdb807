"""In a real browser: the leader signs and issues a result from the dossier page (PKCS#12 and
the seal), the citizen sees the signed result on their page and opens the verification page, a
changed copy is called modified; a remote signature approved on the simulated phone. Screenshots
in /tmp/shots/signing/."""
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.signing.models import SignedDocument

from .conftest import PASSWORD, two_page_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("MOTCUA_SHOTS", "/tmp/shots/signing"))


CONTEXTS = []


@pytest.fixture(autouse=True)
def _close_contexts():
    """Close every context at the end: the waiting page reloads itself every 5 s."""
    yield
    while CONTEXTS:
        CONTEXTS.pop().close()


def signed_in(browser, live_server, user):
    """A browser context carrying the session of `user` (signed in through Django's client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    CONTEXTS.append(context)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def citizen(db):
    from django.utils import timezone

    from motcua.accounts.models import CitizenAccount, IdentitySource

    user = get_user_model().objects.create_user("mau.tran", password="x")
    CitizenAccount.objects.create(user=user, full_name="Trần Thị Mẫu", citizen_id="038190012345",
                                  identity_source=IdentitySource.COUNTER, identity_verified_at=timezone.now())
    return user


def test_leader_signs_citizen_verifies(browser, live_server, settings, world, pki, receive, citizen, tmp_path):
    settings.SITE_URL = live_server.url
    dossier = receive()
    Dossier.objects.filter(pk=dossier.pk).update(account=citizen)
    draft = tmp_path / "ket-qua.pdf"
    draft.write_bytes(two_page_pdf())

    leader = signed_in(browser, live_server, world["leader"])
    leader.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    leader.locator("#sign-and-issue").click()
    leader.wait_for_url(f"**/mot-cua/ky-so/ho-so/{dossier.code}/")
    leader.set_input_files("#id_result_file", str(draft))
    leader.fill("#id_result_description", "Giấy chứng nhận quyền sử dụng đất đã cập nhật biến động")
    leader.fill("#id_password", "sai-mat-khau")
    leader.locator("#sign-submit").click()
    assert "Mật khẩu chứng thư số (PKCS#12) không đúng." in leader.locator("#sign-errors").inner_text()
    shot(leader, "1-wrong-password-refused")
    leader.set_input_files("#id_result_file", str(draft))
    leader.fill("#id_password", PASSWORD)
    leader.select_option("#id_seal", str(pki["seal"].pk))
    leader.fill("#id_seal_password", PASSWORD)
    shot(leader, "2-sign-form")
    leader.locator("#sign-submit").click()
    leader.wait_for_url(f"**/mot-cua/ho-so/{dossier.code}/")
    assert leader.locator("#signed-result").is_visible()
    shot(leader, "3-dossier-signed-and-issued")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESOLVED

    person = signed_in(browser, live_server, citizen)
    person.goto(f"{live_server.url}/ca-nhan/ho-so/{dossier.code}/")
    assert "Kết quả điện tử đã được ký số" in person.locator("#signed-result").inner_text()
    shot(person, "4-citizen-sees-signed-result")
    with person.expect_download() as download:
        person.locator("#download-result").click()
    downloaded = tmp_path / "downloaded.pdf"
    download.value.save_as(downloaded)
    person.locator("#verify-link").click()
    person.wait_for_url("**/xac-thuc/**")
    assert "Hợp lệ" in person.locator("#verdict").inner_text()
    assert person.locator("#reference").inner_text() == dossier.code
    shot(person, "5-verification-page")
    person.set_input_files("#id_copy", str(downloaded))
    person.locator("#verify-copy button").click()
    assert "Trùng khớp với bản gốc" in person.locator("#comparison").inner_text()
    changed = bytearray(downloaded.read_bytes())
    changed[10] ^= 1
    (tmp_path / "changed.pdf").write_bytes(bytes(changed))
    person.set_input_files("#id_copy", str(tmp_path / "changed.pdf"))
    person.locator("#verify-copy button").click()
    assert "Đã bị sửa đổi" in person.locator("#comparison").inner_text()
    shot(person, "6-changed-copy-modified")
    assert SignedDocument.objects.get().sha256 == __import__("hashlib").sha256(downloaded.read_bytes()).hexdigest()


def test_remote_signature_approved_on_the_phone(browser, live_server, settings, world, pki, receive, tmp_path):
    settings.SITE_URL = live_server.url
    dossier = receive()
    draft = tmp_path / "ket-qua.pdf"
    draft.write_bytes(two_page_pdf())
    leader = signed_in(browser, live_server, world["leader"])
    leader.goto(f"{live_server.url}/mot-cua/ky-so/ho-so/{dossier.code}/")
    leader.set_input_files("#id_result_file", str(draft))
    leader.select_option("#id_credential", str(pki["remote"].pk))
    leader.locator("#sign-submit").click()
    leader.wait_for_url("**/mot-cua/ky-so/cho/**")
    assert "Chờ người ký xác nhận" in leader.locator("#signing-state").inner_text()
    shot(leader, "7-waiting-for-the-phone")
    phone = leader.context.new_page()
    phone.goto(f"{live_server.url}/mot-cua/ky-so/mo-phong/")
    shot(phone, "8-simulated-phone")
    phone.locator("button.approve").click()
    phone.wait_for_selector("#phone-empty")
    leader.reload()
    leader.wait_for_url(f"**/mot-cua/ho-so/{dossier.code}/")
    assert leader.locator("#signed-result").is_visible()
    shot(leader, "9-remote-signed-and-issued")
