"""A foreign reader switches the portal to English from the home page, finds a translated demo
procedure by its English name and an untranslated one marked "Vietnamese only"; the province
administrator then translates that one in a draft version and publishes it."""
import os

import pytest
from django.contrib.auth import get_user_model

from motcua.demo.province import load_catalog, load_organization

SHOTS = "/tmp/motcua-english"
os.makedirs(SHOTS, exist_ok=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_portal_in_english_then_admin_translates_a_draft(live_server, page):
    load_organization()
    load_catalog()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("link", name="All procedures").first.click()
    page.wait_for_url("**/thu-tuc/")
    search = page.get_by_label("Search")
    search.fill("birth registration")
    search.press("Enter")
    page.wait_for_url("**q=birth+registration*")
    page.screenshot(path=f"{SHOTS}/1-search-english.png", full_page=True)
    page.get_by_role("link", name="Birth registration", exact=True).click()

    page.wait_for_url("**/thu-tuc/9.000101.*/")
    assert page.locator("h1").inner_text() == "Birth registration"
    documents = page.locator("#documents + table")
    assert "Birth registration form" in documents.inner_text()
    assert "Vietnamese only" not in documents.inner_text()
    assert "Charge for late birth registration" in page.locator("#fees + table").inner_text()
    assert "People with disabilities" in page.locator("#fees + table").inner_text()
    page.screenshot(path=f"{SHOTS}/2-translated-procedure.png", full_page=True)

    # An untranslated procedure: Vietnamese texts, each marked as such (and in Vietnamese for screen readers).
    page.get_by_role("link", name="All procedures").first.click()
    search = page.get_by_label("Search")
    search.fill("chung thuc ban sao")
    search.press("Enter")
    page.wait_for_url("**q=chung+thuc+ban+sao*")
    page.locator("ul.results a").first.click()
    page.wait_for_url("**/thu-tuc/9.000201.*/")
    heading = page.locator("h1")
    assert "Chứng thực bản sao từ bản chính giấy tờ, văn bản" in heading.inner_text()
    assert "Vietnamese only" in heading.inner_text()
    assert heading.locator('span[lang="vi"]').first.inner_text() == "Chứng thực bản sao từ bản chính giấy tờ, văn bản"
    assert page.locator("#documents + table .vi-only").count() == 2
    page.screenshot(path=f"{SHOTS}/3-untranslated-procedure.png", full_page=True)

    # The administrator translates it: a new draft version, the English name typed in, published.
    get_user_model().objects.create_superuser("quantri.dich", "dich@example.test", "Mat-khau-Dich-2026")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "quantri.dich")
    page.fill("#id_password", "Mat-khau-Dich-2026")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/catalog/procedure/?q=9.000201")
    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "create_new_version")
    page.click("button[name=index]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/admin/catalog/procedureversion/?status__exact=draft")
    page.locator("#result_list tbody th a").first.click()
    page.fill("#id_name_en", "Certification of copies made from originals")
    page.fill("#id_documents-0-name_en", "Original paper or document to certify")
    page.screenshot(path=f"{SHOTS}/4-admin-draft.png", full_page=True)
    page.click("input[name=_save]")
    page.wait_for_load_state()
    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "publish_versions")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1

    page.goto(f"{live_server.url}/thu-tuc/?q=certification+of+copies&lang=en")
    page.get_by_role("link", name="Certification of copies made from originals").click()
    page.wait_for_url("**/thu-tuc/9.000201.*/")
    assert page.locator("h1").inner_text() == "Certification of copies made from originals"
    rows = page.locator("#documents + table tbody tr")
    assert rows.nth(0).inner_text().startswith("Original paper or document to certify")
    assert "Vietnamese only" in rows.nth(1).inner_text()
    page.screenshot(path=f"{SHOTS}/5-published-translation.png", full_page=True)
