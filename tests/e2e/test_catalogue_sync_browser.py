"""In a real browser: the province administrator runs the catalogue sync from the national
procedure database (simulator), opens a changed procedure's draft, reads the diff and publishes it;
a draft with free text shows its warning."""
import os

import pytest
from django.contrib.auth import get_user_model

from motcua.catalog.models import CatalogueSyncItem, ProcedureVersion
from motcua.demo.province import load_catalog, load_organization
from motcua.organization.models import Role, RoleAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MOTCUA_SHOTS", "")


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_sync_review_and_publish(page, live_server, settings):
    settings.MOTCUA_PROVINCE_CODE = "H99"
    settings.NATIONAL_CATALOGUE = "simulator"
    load_organization()
    load_catalog()
    admin = get_user_model().objects.create_user("quantri.thu", password="pw-quantri-1")
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCE_ADMIN)
    base = live_server.url
    page.goto(f"{base}/mot-cua/dang-nhap/")
    page.fill("#id_username", "quantri.thu")
    page.fill("#id_password", "pw-quantri-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{base}/mot-cua/ho-so/")
    page.click("#nav-catalogue-sync")
    # The sync reads 27 records from the simulator in the request: generous on a loaded machine.
    page.click("#sync-button", timeout=120_000)
    page.wait_for_selector("#pending-drafts", timeout=120_000)
    assert "19 thủ tục mới và 8 thủ tục thay đổi" in page.inner_text(".messages")
    assert "9.009920" in page.inner_text("#sync-problems")
    shot(page, "catalogue-sync-list.png")

    page.click("#pending-drafts >> text=Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc")
    page.wait_for_selector("#sync-diff")
    row = page.inner_text("#sync-diff tbody")
    assert "15.000 đ, Lệ phí" in row and "35.000 đ, Lệ phí" in row
    assert "125/QĐ-BTP-DEMO" in page.inner_text("#sync-decision")
    shot(page, "catalogue-sync-review.png")
    page.click("#publish-button")
    page.wait_for_selector(".messages")
    assert "có hiệu lực từ 15/01/2026" in page.inner_text(".messages")
    item = CatalogueSyncItem.objects.get(national_code="9.000105", review="published")
    assert ProcedureVersion.objects.get(pk=item.draft_id).status == "published"

    page.click("#pending-drafts >> text=Chứng thực chữ ký người dịch")
    page.wait_for_selector("#sync-warnings")
    assert "Không" in page.inner_text("#sync-warnings")
    shot(page, "catalogue-sync-warning.png")
