"""A province administrator signs into the admin of the demo province and sees its agencies in Vietnamese."""
import pytest
from django.core.management import call_command

from motcua.demo.province import DEMO_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_admin_sees_agencies_in_vietnamese(live_server, page):
    call_command("load_demo", "--demo", verbosity=0, stdout=open("/dev/null", "w"))

    page.goto(f"{live_server.url}/admin/")
    assert "Đăng nhập" in page.title()
    page.fill("#id_username", "quantri.tinh")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
    page.get_by_role("link", name="Cơ quan", exact=True).first.click()

    page.wait_for_url("**/admin/organization/agency/")
    assert page.locator("h1").inner_text() == "Chọn cơ quan để thay đổi"
    table = page.locator("#result_list")
    assert table.get_by_text("Sở Tư pháp", exact=True).is_visible()
    assert table.get_by_text("000.00.00.H99").is_visible()
    assert "MÃ ĐỊNH DANH" in table.locator("thead").inner_text().upper()
    assert "25 cơ quan" in page.locator(".paginator").inner_text()

    # Searching by a code prefix finds the three commune committees in force.
    page.fill("#searchbar", "000.01.")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() == 3
