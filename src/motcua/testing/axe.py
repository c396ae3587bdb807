"""axe-core in the browser tests: the accessibility rules (WCAG 2.1 A and AA) run on a Playwright page.

axe-core comes inside the `axe-playwright-python` package (a test extra), so nothing is fetched at
run time. Tests assert that `serious_violations(page)` is empty and print what it returns otherwise.
"""
from __future__ import annotations

# The rules of WCAG 2.0/2.1 levels A and AA, which the portal and the officer pages must meet.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


def _axe_source() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def violations(page, *, tags=None) -> list[dict]:
    """Every axe-core violation on the page as it is now: dicts with id, impact, help, helpUrl and
    nodes (each with target and failureSummary)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(results => results.violations)", options)


def serious_violations(page) -> list[str]:
    """The violations of impact "serious" or "critical", one readable line each (rule, impact,
    the elements, what to fix): an empty list means the page passes."""
    found = []
    for violation in violations(page):
        if violation.get("impact") not in SERIOUS:
            continue
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        summary = violation["nodes"][0].get("failureSummary", "").replace("\n", " ") if violation["nodes"] else ""
        found.append(f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} at {targets}. "
                     f"{summary}")
    return found
