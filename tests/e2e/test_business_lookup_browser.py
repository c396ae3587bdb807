"""In a real browser: at the counter the officer unticks "the owner is the applicant", types a
business's tax code and looks it up in the business registry (simulator): the name and head office
are filled in, a dissolved business is shown as such (an alert), and the dossier is received with
the business as its owner."""
import os

import pytest

from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_NAME, build_world
from motcua.dossiers.models import Dossier
from motcua.integrations.business.simulator import example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("MOTCUA_SHOTS", "")


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_business_lookup_at_the_counter(page, live_server, settings):
    settings.BUSINESS_REGISTRY = "simulator"
    world = build_world()
    dissolved, active = example("dissolved"), example("active")
    base = live_server.url
    page.goto(f"{base}/mot-cua/dang-nhap/")
    page.fill("#id_username", world.counter_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mot-cua/")

    page.goto(f"{base}/mot-cua/tiep-nhan/?q=khai+sinh")
    page.click(f"text={PROCEDURE_NAME}")
    for name in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"):
        page.get_by_label(name).check()
    page.fill("#id_applicant_citizen_id", "038195012346")
    page.fill("#id_applicant_name", "Đỗ Thị Kho")
    page.uncheck("#id_owner_same")

    page.fill("#id_owner_tax_code", dissolved.tax_code)
    page.click("#business-lookup")
    page.wait_for_selector(".business-warning")
    assert "Đã giải thể" in page.inner_text(".business-warning")
    assert page.input_value("#id_owner_name") == dissolved.name
    assert dissolved.representatives[0].full_name in page.inner_text("#business-status")
    shot(page, "counter-business-dissolved.png")

    page.fill("#id_owner_tax_code", active.tax_code)
    page.click("#business-lookup")
    # (no wait_for_function: the page's CSP forbids evaluating strings)
    page.locator("#business-status").get_by_text("Đang hoạt động", exact=False).first.wait_for()
    assert page.locator(".business-warning").count() == 0
    assert page.input_value("#id_owner_name") == active.name
    assert page.input_value("#id_owner_address") == active.head_office
    assert "Đang hoạt động" in page.inner_text("#business-status")
    shot(page, "counter-business-active.png")

    page.click("#receive-button")
    page.wait_for_selector("#dossier-code")
    dossier = Dossier.objects.get(code=page.inner_text("#dossier-code").strip())
    assert (dossier.owner_kind, dossier.owner_id_number, dossier.owner_name) == ("business", active.tax_code, active.name)
