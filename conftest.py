"""Shared test fixtures: a real Chromium (Debian's package) driven by Playwright; the moved clock."""
import datetime as dt
import os
import shutil

import pytest

# Every database test starts with a working calendar covering the years tests use (2015-2035 and
# the clock's year ±1, no days off): the calendar answers for covered years only.
pytest_plugins = ["motcua.calendar.testing", "motcua.testing.world"]

# `pytest --clock 2027-02-01T08:00+07:00` runs the suite as if it were that moment (the clock keeps
# ticking from there), so that no test can lean on the day it was written: CI runs the suite again
# on the first day of a month and on a day of Tết (`make test-dates`).
CLOCK_ENV = "MOTCUA_TEST_CLOCK"


def pytest_addoption(parser):
    parser.addoption("--clock", default=os.environ.get(CLOCK_ENV, ""),
                     help="run the suite with the clock moved to this ISO moment (with its UTC offset)")


def moved_clock(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--clock {value}: give the UTC offset, e.g. {value}+07:00")
    return moment


def pytest_configure(config):
    value = config.getoption("--clock")
    if value:
        import time_machine

        config._motcua_clock = time_machine.travel(moved_clock(value), tick=True)
        config._motcua_clock.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_motcua_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    value = config.getoption("--clock")
    return f"clock moved to {value}" if value else None

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
