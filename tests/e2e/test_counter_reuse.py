"""In a real browser: the counter officer types the citizen ID of someone with a stored document,
ticks "use the stored copy" instead of counting paper, receives; the dossier page shows the re-use."""
import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from motcua.accounts.models import CitizenAccount
from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_NAME, build_world
from motcua.documents.models import Source, StoredDocument
from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CITIZEN_ID = "038195012346"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_counter_reuses_a_stored_document(page, live_server, media):
    world = build_world()
    owner = get_user_model().objects.create_user(username="nguoi-dan", password="pw-123456")
    CitizenAccount.objects.create(user=owner, full_name="Đỗ Thị Kho", citizen_id=CITIZEN_ID,
                                  identity_source="counter")  # verified: only its store is offered
    stored = StoredDocument.objects.create(owner=owner, kind="Giấy chứng sinh", number="CS-777",
                                           file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="cs.pdf"), source=Source.UPLOAD)
    base = live_server.url
    page.set_default_timeout(15000)
    page.goto(f"{base}/mot-cua/dang-nhap/")
    page.fill("#id_username", world.counter_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mot-cua/")  # the home page after sign-in

    page.goto(f"{base}/mot-cua/tiep-nhan/?q=khai+sinh")
    page.click(f"text={PROCEDURE_NAME}")
    page.get_by_label("Tờ khai đăng ký khai sinh").check()
    page.fill("#id_applicant_citizen_id", CITIZEN_ID)
    page.fill("#id_applicant_name", "Đỗ Thị Kho")  # change event: the store look-up runs
    birth = world.version.documents.get(name="Giấy chứng sinh")
    reuse = page.locator(f"#id_doc_{birth.pk}_reuse")
    reuse.wait_for()
    assert "CS-777" in page.inner_text(f"td[data-reuse-doc='{birth.pk}']")
    assert page.input_value(f"select[name='doc_{birth.pk}_stored']") == str(stored.pk)
    assert "có thể tái sử dụng: 1" in page.inner_text("#store-status")
    reuse.check()
    # Enter in a field receives the dossier (the form's default button), not the store look-up.
    page.press("#id_applicant_name", "Enter")
    page.wait_for_selector("#dossier-code")
    code = page.inner_text("#dossier-code").strip()
    document = Dossier.objects.get(code=code).documents.get(required_document=birth)
    assert (document.digitization, document.file.name) == (2, stored.file.name)

    page.goto(f"{base}/mot-cua/ho-so/{code}/")
    assert "Tái sử dụng" in page.inner_text("td[data-digitization='2']")
