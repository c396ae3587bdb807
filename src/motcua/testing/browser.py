"""Helpers of the browser tests (tests/e2e): a new person in their own browser context, and an
officer who signs in the way officers do, from the public home page."""
DEMO_PASSWORD = "motcua-demo"


def new_person(browser, **context):
    """A page in a fresh browser context (no cookies): Vietnamese, downloads accepted, 15 s waits."""
    page = browser.new_context(locale="vi-VN", accept_downloads=True, **context).new_page()
    page.set_default_timeout(15000)
    return page


def officer_signs_in(browser, base: str, username: str, password: str = DEMO_PASSWORD, **context):
    """From the public home page, the footer's link to the back office sign-in; the page ends at
    the officer's home page (/mot-cua/)."""
    page = new_person(browser, **context)
    page.goto(f"{base}/")
    page.click("#officer-sign-in")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/mot-cua/")
    return page
