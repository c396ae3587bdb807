"""Accessibility checks in browser tests: axe-core (bundled by the PyPI package
axe-playwright-python) injected into the page Playwright shows, against WCAG 2.1 A and AA.

    assert serious_violations(page) == []
"""
from __future__ import annotations

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")


def serious_violations(page) -> list:
    """The page's "serious" and "critical" axe violations, one readable line each:
    "rule (impact): what is wrong: where (CSS selectors of the first nodes)"; [] when none."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                       "resultTypes": ["violations"]})
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            where = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}: {where}")
    return lines
