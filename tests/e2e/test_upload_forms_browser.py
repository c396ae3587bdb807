"""In a real browser, the two pages on the one upload form (`documents.forms.DocumentUploadForm`):
the officer's digitisation page and the citizen's data store. A file that is not what it says is
refused with the message beside the field; a right one is stored with its details."""
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import CitizenAccount, IdentitySource
from motcua.documents.models import StoredDocument
from motcua.documents.tests.conftest import PDF, PNG
from motcua.dossiers import services
from motcua.dossiers.models import DossierDocument
from motcua.testing.world import APPLICANT, MONDAY, documents_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots/structure"


def test_the_digitise_page_and_the_data_store_share_one_upload_form(browser, live_server, world, media_root):
    base = live_server.url
    docs = [{"required_document": d["required_document"], "originals": 1} for d in documents_for(world)]
    dossier = services.receive_at_counter(world["counter"], procedure_version=world["version"], applicant=APPLICANT,
                                          documents=docs, service_point=world["centre"], received_at=MONDAY)
    document = dossier.documents.order_by("pk").first()

    officer = browser.new_context(locale="vi-VN").new_page()
    officer.goto(f"{base}/mot-cua/dang-nhap/")
    officer.fill("#id_username", world["counter"].username)
    officer.fill("#id_password", "x")
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/mot-cua/")
    officer.goto(f"{base}/mot-cua/ho-so/{dossier.code}/so-hoa/{document.pk}/")
    upload = officer.locator("form", has=officer.locator("#id_file"))
    labels = upload.locator("label").all_inner_texts()
    assert [label.rstrip(":") for label in labels] == [
        "Bản quét (PDF, JPEG, PNG)", "Số", "Cơ quan cấp", "Ngày cấp", "Có giá trị đến"]
    officer.set_input_files("#id_file", {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PNG})
    officer.fill("#id_number", "01/ĐK")
    upload.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    assert "PNG" in upload.inner_text()  # the content is a PNG, not the PDF its name says
    officer.screenshot(path=f"{SHOTS}/digitise-refused.png", full_page=True)
    assert DossierDocument.objects.get(pk=document.pk).digitization == DossierDocument.Digitization.NOT_DIGITISED
    officer.set_input_files("#id_file", {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF})
    officer.fill("#id_number", "01/ĐK")
    officer.fill("#id_issuer", "UBND phường Trung Tâm")
    upload.locator("button[type=submit]").click()
    officer.wait_for_url(f"{base}/mot-cua/ho-so/{dossier.code}/")
    officer.screenshot(path=f"{SHOTS}/digitise-done.png", full_page=True)
    assert "Đã số hóa: " in officer.inner_text(".messages")
    assert DossierDocument.objects.get(pk=document.pk).digitization == DossierDocument.Digitization.DIGITISED

    citizen = get_user_model().objects.create_user(username="kho", password="pw-123456", email="kho@example.vn")
    CitizenAccount.objects.create(user=citizen, full_name="Đỗ Thị Kho", citizen_id="038195012346",
                                  identity_source=IdentitySource.COUNTER, identity_verified_at=timezone.now())
    # Signed in by its session (the portal's sign-in has its own browser test).
    client = Client()
    client.force_login(citizen)
    context = browser.new_context(locale="vi-VN")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.goto(f"{base}/ca-nhan/kho-du-lieu/")
    form = page.locator("form", has=page.locator("#id_file"))
    assert [label.rstrip(":") for label in form.locator("label").all_inner_texts()] == [
        "Loại giấy tờ", "Số", "Cơ quan cấp", "Ngày cấp", "Có giá trị đến", "Tệp (PDF, JPEG, PNG)"]
    page.fill("#id_kind", "Giấy khai sinh")
    page.set_input_files("#id_file", {"name": "khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PNG})
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "PNG" in page.inner_text("main") and StoredDocument.objects.filter(owner=citizen).count() == 0
    page.set_input_files("#id_file", {"name": "khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.fill("#id_number", "KS-2026-01")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=f"{SHOTS}/data-store-added.png", full_page=True)
    stored = StoredDocument.objects.get(owner=citizen)
    assert (stored.kind, stored.number) == ("Giấy khai sinh", "KS-2026-01")
    assert "KS-2026-01" in page.inner_text("main")
