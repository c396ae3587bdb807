"""The public portal on a phone (390 x 844), walked from the home page by its links as a citizen
would: no page scrolls sideways (`scrollWidth <= innerWidth`) and axe-core finds no serious or
critical accessibility violation, on the plain pages and on their error states. Then the English
pages, reached by the header's language link, on a larger phone (414 x 896) and each again on the
narrowest one (360 x 740).

`MOTCUA_SCREENSHOTS=docs/img` also saves the home page as docs/img/portal-phone.png (README)."""
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.core.testing import reseed_migration_data
from motcua.testing.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "motcua-demo"
DEMO_CITIZEN = "0999000901"  # `manage.py demo_logins`
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(settings, tmp_path, live_server):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = live_server.url
    reseed_migration_data("notifications")
    call_command("load_demo", "--demo", verbosity=0)
    return live_server.url


class Walk:
    """Checks each page it is shown; collects every problem so one run reports them all."""

    def __init__(self, page, also_at: dict | None = None):
        """`also_at`: a second viewport each page's width is checked at too (then put back)."""
        self.page, self.problems, self.seen, self.also_at = page, [], [], also_at

    def check(self, name):
        page = self.page
        page.wait_for_load_state()
        self.seen.append(name)
        self.check_width(name)
        if self.also_at:
            viewport = page.viewport_size
            page.set_viewport_size(self.also_at)
            self.check_width(name)
            page.set_viewport_size(viewport)
        self.problems += [f"{name}: {v}" for v in serious_violations(page)]

    def check_width(self, name):
        page = self.page
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)""")
            self.problems.append(f"{name} ({page.url}) is {widths[0]} px wide on a {widths[1]} px screen: {wide}")


def test_every_portal_page_fits_a_phone_and_passes_axe(browser, demo):
    base = demo
    context = browser.new_context(locale="vi-VN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    walk = Walk(page)

    def home():
        page.goto(f"{base}/")
        page.wait_for_load_state()

    home()
    walk.check("home")
    if os.environ.get("MOTCUA_SCREENSHOTS"):
        folder = Path(os.environ["MOTCUA_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "portal-phone.png"), full_page=True)

    # Search from the home page, a procedure's page.
    page.fill("#id_q", "khai sinh")
    page.locator("main form[role=search] button[type=submit]").click()
    walk.check("procedure list (search)")
    page.locator(".results a").first.click()
    walk.check("procedure detail")

    home()
    page.click("#home-procedures")
    walk.check("procedure list")
    page.select_option("#id_field", index=1)
    page.locator("main form[role=search] button[type=submit]").click()
    walk.check("procedure list (a field)")

    home()
    page.click("#home-tracking")
    walk.check("tracking")
    page.fill("#id_ma", "000.00.00.H99-000000-0000")
    page.locator("main form[role=search] button[type=submit]").click()
    walk.check("tracking (unknown code)")
    assert page.locator("#form-errors a[href='#id_ma']").count() == 1

    home()
    page.click("#home-feedback")
    walk.check("feedback form")
    page.locator("#feedback-form button[type=submit]").click()
    walk.check("feedback form (errors)")
    assert page.locator("#form-errors li a").count() >= 1
    home()
    page.click("#home-feedback-answers")
    walk.check("published answers")
    home()
    page.click("#home-feedback-track")
    walk.check("follow feedback")

    home()
    page.click("#home-rating")
    walk.check("rating")
    page.locator("#rating-form button[type=submit]").click()
    walk.check("rating (errors)")

    home()
    page.click("#portal-book")
    walk.check("booking")
    home()
    page.click("#portal-saturday")
    walk.check("Saturday service")
    home()
    page.click("#home-help")
    walk.check("help")

    home()
    page.click("#home-sign-up")
    walk.check("sign-up")
    page.locator("main form button[type=submit]").last.click()
    walk.check("sign-up (errors)")
    assert page.locator("#form-errors li a").count() >= 1

    # The demo citizen signs in from the home page.
    home()
    page.click("#home-sign-in")
    walk.check("sign-in")
    page.fill("#id_username", DEMO_CITIZEN)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    home()
    walk.check("home (signed in)")
    page.click("#home-my-dossiers")
    page.wait_for_url(f"{base}/ca-nhan/ho-so/")
    walk.check("my dossiers")
    page.locator("main table a").first.click()
    walk.check("my dossier")
    assert page.locator("#next-step h2").inner_text().strip()
    page.click("#nav-my-documents")
    walk.check("my data store")
    page.click("#nav-account")
    walk.check("my account")

    # Apply online: search, the procedure's page, "Nộp hồ sơ trực tuyến", then submit an empty form.
    home()
    page.fill("#id_q", "khai sinh")
    page.locator("main form[role=search] button[type=submit]").click()
    page.locator(".results a").first.click()
    page.click("#apply-online")
    walk.check("apply")
    page.locator("button[value=submit]").click()
    walk.check("apply (errors)")
    assert page.locator("#form-errors li").count() >= 1

    context.close()
    assert len(walk.seen) >= 25
    assert not walk.problems, "\n".join(walk.problems)


def test_the_english_portal_fits_phones_of_414_and_360_px_and_passes_axe(browser, demo):
    base = demo
    context = browser.new_context(locale="en-GB", viewport={"width": 414, "height": 896}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    walk = Walk(page, also_at={"width": 360, "height": 740})

    def home():
        page.goto(f"{base}/")
        page.wait_for_load_state()

    home()
    page.click("header a[lang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    walk.check("home (English)")
    assert page.locator("#home-title").inner_text() == "One-stop administrative procedure service"

    # A translated procedure found by its English name; an untranslated one says it is Vietnamese only.
    page.fill("#id_q", "birth registration")
    page.locator("main form[role=search] button[type=submit]").click()
    walk.check("procedure list (English search)")
    page.locator(".results a", has_text="Birth registration").first.click()
    walk.check("procedure detail (English)")
    assert page.locator("h1").inner_text().startswith("Birth registration")
    home()
    page.click("#home-procedures")
    walk.check("procedure list (English)")
    assert page.locator(".results .vi-only").count() >= 1

    for link, name in (("#home-tracking", "tracking"), ("#home-help", "help"), ("#home-statistics", "statistics"),
                       ("#home-feedback", "feedback form"), ("#portal-book", "booking")):
        home()
        page.click(link)
        walk.check(f"{name} (English)")
        assert page.locator("html").get_attribute("lang") == "en", name

    context.close()
    assert not walk.problems, "\n".join(walk.problems)


def test_the_axe_helper_reports_serious_violations(browser):
    """The check above can fail: an unlabelled field and an image without text are reported."""
    page = browser.new_page()
    page.set_content('<html lang="vi"><head><title>t</title></head><body><main><h1>t</h1>'
                     '<img src="x.png"><input type="text"></main></body></html>')
    found = serious_violations(page)
    page.close()
    assert sorted(line.split(": ")[1].split(" ")[0] for line in found) == ["image-alt", "label"]
