"""The citizen's journey of issue #4 in a real browser: sign up, find a procedure without typing
diacritics, apply online with uploads, get it received at the back office, answer a supplement
by upload, download the electronic result, and apply for a second procedure re-using it."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from motcua.catalog import services as catalog
from motcua.documents.models import Source, StoredDocument
from motcua.documents.tests.conftest import PDF, PNG
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mat-khau-2026!"


def sign_up(page, base):
    page.goto(f"{base}/tai-khoan/dang-ky/")
    page.fill("#id_full_name", "Trần Thị Mẫu")
    page.fill("#id_citizen_id", "038190012345")
    page.fill("#id_birth_date", "17/05/1990") if page.get_attribute("#id_birth_date", "type") != "date" \
        else page.fill("#id_birth_date", "1990-05-17")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_email", "mau.tran@example.vn")
    page.fill("#id_address", "Số 1 đường Thử Nghiệm, phường Trung Tâm")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def counter_officer_acts(browser, base, officer, code, action, fields=None):
    """The counter officer, in a browser of their own, signs in to the back office, opens the
    dossier from the work queue and takes one action through its form."""
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/mot-cua/dang-nhap/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "x")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in
    page.goto(f"{base}/mot-cua/ho-so/{code}/")
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fields or {}).items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    message = page.locator(".messages").inner_text()
    context.close()
    return message


def test_citizen_journey(browser, page, live_server, world, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path)
    base = live_server.url
    second = catalog.create_procedure(
        "2.000001.000.00.00.H99", "2.000001", name="Cấp bản sao Giấy chứng nhận quyền sử dụng đất",
        field=world["version"].field, time_limit=Decimal("5"), time_limit_unit="working_days", accepts_online=True,
        online_level="full", levels=list(world["version"].levels.all()), competent_agencies=[world["land"]],
        documents=[{"name": "Giấy chứng nhận quyền sử dụng đất", "copies": 1, "reusable_from_store": True}],
        steps=[{"order": 1, "name": "Giải quyết", "role": "counter_officer", "budget_hours": 8}],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )

    sign_up(page, base)
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.get(citizen_account__citizen_id="038190012345")
    # A password sign-up only declares the citizen ID: results are filed in the data store of a
    # verified identity only. The citizen shows the ID card at the counter; the officer verifies.
    assert 'id="identity-unverified"' in page.content()
    officer = browser.new_context(locale="vi-VN").new_page()
    officer.goto(f"{base}/mot-cua/dang-nhap/")
    officer.fill("#id_username", world["counter"].username)
    officer.fill("#id_password", "x")
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in
    officer.goto(f"{base}/mot-cua/tiep-nhan/xac-minh-danh-tinh/")
    officer.fill("#id_identifier", "0912 345 678")
    officer.fill("#id_citizen_id", "038190012345")
    officer.check("#id_card_seen")
    officer.locator("#counter-verify button[type=submit]").click()
    officer.wait_for_load_state()
    assert "Đã xác thực danh tính của Trần Thị Mẫu" in officer.locator(".messages").inner_text()
    officer.context.close()
    assert citizen.citizen_account.__class__.objects.get(user=citizen).is_verified

    # Find the procedure without diacritics, open it, apply online.
    page.goto(f"{base}/thu-tuc/?q=bien+dong+quyen+su+dung+dat")
    page.click("text=Đăng ký biến động quyền sử dụng đất")
    page.click("#apply-online")
    assert page.input_value("#id_applicant_name") == "Trần Thị Mẫu"  # pre-filled from the profile
    d1, d2, _d3 = world["docs"]
    # A wrong file first: the form says so, nothing is submitted.
    page.set_input_files(f"#id_file_{d1.pk}", {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PNG})
    page.click("button[value=submit]")
    assert "PNG" in page.locator(f"#id_file_{d1.pk}_error").inner_text()
    assert Dossier.objects.count() == 0
    page.set_input_files(f"#id_file_{d1.pk}", {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.set_input_files(f"#id_file_{d2.pk}", {"name": "gcn.png", "mimeType": "image/png", "buffer": PNG})
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/ca-nhan/ho-so/*/")
    code = page.inner_text("#dossier-code")
    dossier = Dossier.objects.get(code=code)
    assert (dossier.status, dossier.account_id, dossier.channel_in) == (Status.NEW, citizen.pk, 2)

    # The back office receives it and asks for a supplement, through the officer's pages.
    assert "Đã thực hiện" in counter_officer_acts(browser, base, world["counter"], code, "accept_online")
    assert "Đã thực hiện" in counter_officer_acts(browser, base, world["counter"], code, "request_supplement", {
        "items": "Trích lục bản đồ thửa đất", "reason": "Thiếu trích lục bản đồ",
    })
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT and dossier.received_at is not None
    page.reload()
    assert "Trích lục bản đồ thửa đất" in page.content()
    page.fill("#id_name", "Trích lục bản đồ thửa đất")
    page.set_input_files("#id_file1", {"name": "ban-do.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator("#supplement-title ~ form button[type=submit]").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.documents.filter(is_supplement=True).count() == 1

    # The result is issued electronically; the owner downloads it from the dossier's page.
    services.resolve(world["leader"], dossier, result_kind="electronic", result_description="Giấy chứng nhận QSDĐ",
                     result_file=ContentFile(PDF, name="gcn-moi.pdf"))
    page.reload()
    with page.expect_download() as info:
        page.click("#download-result")
    assert open(info.value.path(), "rb").read() == PDF
    stored = StoredDocument.objects.get(owner=citizen, source=Source.RESULT)

    # A second procedure, re-using the stored result instead of a new upload (keyboard only).
    page.goto(f"{base}/thu-tuc/{second.procedure.code}/")
    page.focus("#apply-online")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/thu-tuc/{second.procedure.code}/nop-truc-tuyen/")
    required = second.documents.get()
    page.select_option(f"#id_stored_{required.pk}", str(stored.pk))
    page.focus("button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/ca-nhan/ho-so/*/")
    again = Dossier.objects.get(code=page.inner_text("#dossier-code"))
    assert again.procedure_version == second
    assert list(again.documents.values_list("digitization", flat=True)) == [DossierDocument.Digitization.REUSED_RESULT]

    # The list shows both dossiers; the API agrees.
    page.goto(f"{base}/ca-nhan/ho-so/")
    assert code in page.content() and again.code in page.content()
    api = page.request.get(f"{base}/api/v1/me/dossiers/").json()
    assert sorted(d["code"] for d in api["results"]) == sorted([code, again.code])
