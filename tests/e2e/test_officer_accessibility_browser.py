"""Issue 11, the officer pages as people who rely on a keyboard or a screen reader use them.

1. In the demo province, the counter officer, the specialist, the leader and the centre manager
   sign in from the public home page and reach their pages only by the links their home page and
   menu show them: the home page and every card on it, the work queue lists, the officer dossier
   page, the counter intake (its search, its form and the form with errors), the tracking book,
   the dashboard, a drill-down and the dashboard refusing an impossible period. axe-core
   (`motcua.testing.axe`, WCAG 2.1 A/AA) finds no serious or critical violation on any of them.
2. A counter officer receives a dossier at the counter with the keyboard only (Tab, Shift+Tab,
   Enter, Space and typing; no click), from the home page to the receipt; every element reached
   shows its focus.
3. The dashboard printed (print media): no menu, no form, the charts whole and in the page.

With MOTCUA_SCREENSHOTS=docs/img the first test saves the README's pictures (1366x900): the
officer home, an officer dossier page and the dashboard.
"""
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.backoffice.tests.scenario import PASSWORD, PROCEDURE_CODE, build_world
from motcua.dossiers.models import Dossier, Status
from motcua.testing.axe import serious_violations
from motcua.testing.browser import DEMO_PASSWORD
from motcua.testing.browser import new_person as browser_person
from motcua.testing.browser import officer_signs_in as signs_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1366, "height": 900}
SCREENSHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "")


@pytest.fixture
def demo(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = live_server.url
    call_command("load_demo", "--demo", verbosity=0)
    return live_server.url


def new_person(browser):
    return browser_person(browser, viewport=VIEWPORT)


def officer_signs_in(browser, base, username, password=DEMO_PASSWORD):
    return signs_in_from_home(browser, base, username, password, viewport=VIEWPORT)


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name))


class Audit:
    """axe's serious/critical findings per page visited; the test asserts it holds none."""

    def __init__(self, base):
        self.base, self.found, self.visited = base, {}, []

    def check(self, page, who, expect_status=200):
        name = f"{who} {page.url.replace(self.base, '')}"
        self.visited.append(name)
        assert page.locator("main h1").count() == 1, f"{name}: one h1 in main"
        violations = serious_violations(page)
        if violations:
            self.found[name] = violations


def visit_home_cards(page, audit, who):
    """Each card of the home page opens its list (checked), then back home."""
    hrefs = page.locator(".home-card a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs, f"{who}: the home page shows cards"
    for index in range(len(hrefs)):
        page.locator(".home-card a").nth(index).click()
        page.wait_for_load_state()
        audit.check(page, who)
        page.go_back()
        page.wait_for_load_state()


def test_officer_pages_have_no_serious_accessibility_violation(browser, demo):
    base = demo
    audit = Audit(base)

    # --- the counter officer ---------------------------------------------------------------------
    counter = officer_signs_in(browser, base, "motcua.tuphap")
    audit.check(counter, "counter")
    screenshot(counter, "officer-home.png")
    visit_home_cards(counter, audit, "counter")
    counter.click("#nav-work-queue")
    audit.check(counter, "counter")
    counter.click("#nav-online-intake")
    audit.check(counter, "counter")
    counter.locator("#queue tbody a").first.click()
    counter.wait_for_url("**/mot-cua/ho-so/*/")
    audit.check(counter, "counter")  # the officer dossier page (an online dossier to accept)
    screenshot(counter, "officer-dossier.png")
    counter.click("#nav-intake")
    audit.check(counter, "counter")
    counter.fill("#id_q", "khai sinh")
    counter.press("#id_q", "Enter")
    counter.wait_for_load_state()
    audit.check(counter, "counter")
    counter.locator("ul.results a").first.click()
    counter.wait_for_load_state()
    if counter.locator("#id_case_pick").count():
        counter.select_option("#id_case_pick", index=1)
        counter.click("#id_case_pick + button")
        counter.wait_for_load_state()
    audit.check(counter, "counter")  # the intake form
    counter.click("#receive-button")  # nothing filled in: the form with its errors
    counter.wait_for_load_state()
    assert counter.locator("[aria-invalid=true]").count() >= 2
    audit.check(counter, "counter")
    counter.click("#nav-tracking-book")
    audit.check(counter, "counter")

    # --- the specialist and the leader -----------------------------------------------------------
    for who, username in (("specialist", "chuyenvien.tuphap"), ("leader", "lanhdao.tuphap")):
        page = officer_signs_in(browser, base, username)
        audit.check(page, who)
        visit_home_cards(page, audit, who)
        page.click("#nav-work-queue")
        audit.check(page, who)
        rows = page.locator("#queue tbody a")
        if rows.count():
            rows.first.click()
            page.wait_for_url("**/mot-cua/ho-so/*/")
            audit.check(page, who)

    # --- the centre manager: home, dashboard, drill-down, an impossible period, English ----------
    manager = officer_signs_in(browser, base, "quanly.trungtam")
    audit.check(manager, "manager")
    visit_home_cards(manager, audit, "manager")
    manager.click("#nav-reports")
    manager.wait_for_selector("#table-06a")
    audit.check(manager, "manager")
    screenshot(manager, "dashboard.png")
    manager.locator("#table-06a tr.total a").first.click()
    manager.wait_for_selector("#cell-count")
    audit.check(manager, "manager")  # the drill-down, titled in words
    assert manager.locator("h1").inner_text().startswith("Tổng số hồ sơ nhận giải quyết")
    manager.click("text=Quay lại trang báo cáo")
    start = manager.input_value("#id_from")
    manager.fill("#id_to", f"{int(start[:4]) - 1}{start[4:]}")  # a year before the start
    with manager.expect_response(lambda r: "/bao-cao/" in r.url) as answer:
        manager.click("#period-form button[type=submit]")
    assert answer.value.status == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu" in manager.inner_text("#period-errors")
    audit.check(manager, "manager")
    manager.click("a[lang=en]")
    manager.wait_for_load_state()
    audit.check(manager, "manager (English)")

    assert len(audit.visited) >= 25, audit.visited
    assert audit.found == {}


def tab_to(page, selector, backwards=False, limit=150):
    """Press Tab (Shift+Tab) until the element matching selector has the focus; each element
    reached must show its focus. Fails when the focus never gets there (a trap or a hidden target)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _press in range(limit):
        page.keyboard.press(key)
        state = page.evaluate("""sel => {
            const e = document.activeElement; if (!e || e === document.body) return {at: null};
            const s = getComputedStyle(e);
            return {at: e.matches(sel), name: e.id || e.name || e.textContent.trim().slice(0, 40),
                    shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'};
        }""", selector)
        if state["at"] is None:
            continue
        assert state["shown"], f"no visible focus on {state['name']}"
        if state["at"]:
            return
    raise AssertionError(f"the keyboard never reaches {selector} ({key} x{limit})")


def test_a_counter_officer_receives_a_dossier_with_the_keyboard_only(browser, live_server):
    world = build_world()
    base = live_server.url
    page = new_person(browser)
    page.goto(f"{base}/")
    # The first Tab reaches the skip link; the footer's sign-in link is reached by Tab alone.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    tab_to(page, "#officer-sign-in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/mot-cua/dang-nhap/**")
    tab_to(page, "#id_username")
    page.keyboard.type(world.counter_officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/mot-cua/")

    # The skip link moves the focus to the page's content, past the menu.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    tab_to(page, "#nav-intake", backwards=True)  # back up into the menu
    page.keyboard.press("Enter")
    page.wait_for_url("**/mot-cua/tiep-nhan/")

    tab_to(page, "#id_q")
    page.keyboard.type("khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiep-nhan/?q=*")
    tab_to(page, f"ul.results a[href*='{PROCEDURE_CODE}']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tiep-nhan/?procedure=*")

    tab_to(page, "#intake-form input[type=checkbox][name^=doc_]")
    page.keyboard.press("Space")  # the declaration form
    tab_to(page, "#intake-form input[type=checkbox][name^=doc_]:not(:checked)")
    page.keyboard.press("Space")  # the birth certificate
    for selector, text in (("#id_applicant_citizen_id", "038195077001"), ("#id_applicant_name", "Vũ Thị Bàn Phím"),
                           ("#id_applicant_phone", "0912000771")):
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "#receive-button")
    tab_to(page, "#id_applicant_name", backwards=True)  # Shift+Tab goes back through the form...
    assert page.input_value("#id_applicant_name") == "Vũ Thị Bàn Phím"
    tab_to(page, "#receive-button")  # ...and Tab forward again
    page.keyboard.press("Enter")
    page.wait_for_selector("#dossier-code")

    code = page.inner_text("#dossier-code").strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RECEIVED and dossier.applicant_name == "Vũ Thị Bàn Phím"
    assert dossier.documents.count() == 2
    assert serious_violations(page) == []  # the receipt page
    tab_to(page, "#print-receipt")  # the receipt is one Tab away from the figures


def test_the_dashboard_prints_its_charts_without_the_menu(browser, live_server):
    from motcua.backoffice.tests.scenario import make_officer
    from motcua.organization.models import Role

    world = build_world()
    make_officer("quanly.in", "Tô Văn In", Role.CENTRE_MANAGER, world.agency)
    page = officer_signs_in(browser, live_server.url, "quanly.in", PASSWORD)
    page.click("#nav-reports")
    page.wait_for_selector("#table-06a")
    page.emulate_media(media="print")
    for hidden in (".site-header", "#period-form", ".downloads", ".site-footer"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("#report-period").is_visible()  # the printed page says its period
    charts = page.locator("svg.chart")
    assert charts.count() >= 1
    width = page.evaluate("document.documentElement.clientWidth")
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert 300 < box["width"] and box["x"] + box["width"] <= width + 1
        assert charts.nth(index).get_attribute("aria-label")
    assert page.locator("svg.chart text").count() > 0
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
