"""The load test's tooling (bench/load/, bench/bench_load.py): the locustfile imports and its mix
adds up, the driver reads locust's CSV files and decides whether a step held. No load is sent
and nothing is timed here; the measured runs are `make bench-load` (docs/performance.md)."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "bench" / "load"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"


def _module(name: str, path: Path):
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"motcua_load_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


measure = _module("measure", LOAD / "measure.py")
pages = _module("pages", LOAD / "pages.py")

# Run in a child process: importing locust monkey-patches the process (gevent), which the test
# process must not be.
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import locustfile as lf
from locust import User
classes = {n: c for n, c in vars(lf).items() if isinstance(c, type) and issubclass(c, User) and not c.abstract
           and c.__module__ == lf.__name__}
print(json.dumps({
    "classes": {n: {"weight": c.weight, "fixed_count": c.fixed_count,
                    "tasks": sorted(t.__name__ for t in c.tasks)} for n, c in classes.items()},
    "mix": lf.MIX, "per_dossier": lf.actions_per_dossier(), "users_10": lf.users_for(10),
    "dossiers_per_hour_10": lf.dossiers_per_hour(10),
}))
"""


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is in the `load` extra")
def test_locustfile_imports_and_its_mix_parses():
    out = subprocess.run([sys.executable, "-c", PROBE, str(LOAD)], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "LOAD_PACE": "10"})
    assert out.returncode == 0, out.stderr[-2000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    classes = probe["classes"]
    assert set(classes) == {"PortalVisitor", "Tracker", "Applicant", "CounterOfficer", "Specialist", "Manager"}
    assert all(c["tasks"] for c in classes.values())
    assert classes["Manager"]["fixed_count"] == 2
    # Users per class: actions per dossier x pace (the counter and the applicants act 10x less often).
    mix = probe["mix"]
    assert classes["Tracker"]["weight"] == round(mix["track"] * 100)
    assert classes["Applicant"]["weight"] == round(mix["apply"] * 1000)
    assert classes["CounterOfficer"]["weight"] == round(mix["counter"] * 1000)
    assert mix["counter"] + mix["apply"] == pytest.approx(1.0)  # one dossier received
    assert 25 <= probe["per_dossier"] <= 35  # ~30 page views per dossier (docs/sizing.md)
    # 10 actions/s: 27 actions a dossier -> ~1,333 dossiers an hour; users = rate x mean pace + managers.
    assert probe["dossiers_per_hour_10"] == pytest.approx(10 * 3600 / probe["per_dossier"])
    assert probe["users_10"] == round(10 * (26 * 10 + 1 * 100) / probe["per_dossier"]) + 2


def test_stats_csv_is_read_per_request_type():
    stats = measure.read_stats(FIXTURES / "run_stats.csv")
    assert stats["apply: submit (POST, uploads)"]["p95"] == 260  # a name with a comma, quoted
    assert stats["login: officer form"]["p95"] is None  # no request: N/A
    assert stats["Aggregated"]["requests"] == 854 and stats["Aggregated"]["rps"] == pytest.approx(14.23)
    assert set(measure.page_rows(stats)) == {"apply: submit (POST, uploads)", "officer: dossier page",
                                             "report: dashboard (2025)", "track: by code"}


def test_verdict_holds_under_the_p95_limit_without_failures():
    stats = measure.read_stats(FIXTURES / "run_stats.csv")
    verdict = measure.verdict(stats)
    assert verdict["holds"] and verdict["p95"] == 140 and verdict["failures"] == 0
    assert verdict["slow"] == ["report: dashboard (2025)"]  # over 300 ms on its own: reported, not failing
    assert not measure.verdict(stats, limit_ms=100)["holds"]
    stats["track: by code"]["failures"] = 1
    assert not measure.verdict(stats)["holds"]
    assert not measure.verdict({})["holds"]  # no request at all holds nothing


def test_failures_csv_is_summarised_most_frequent_first():
    lines = measure.read_failures(FIXTURES / "run_failures.csv")
    assert lines[0].startswith("3 x POST counter: receive (POST): CatchResponseError")
    assert len(lines) == 2
    assert measure.read_failures(FIXTURES / "missing.csv") == []


def test_forms_are_filled_as_a_person_would():
    html = """<form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input type="checkbox" name="doc_1"><input type="checkbox" name="owner_same" checked>
    <select name="case" required><option value="">-</option><option value="7">a</option></select>
    <select name="unit"><option value="">-</option><option value="3">b</option></select>
    <textarea name="note">hi</textarea><input type="file" name="file_1"><input type="submit" name="go" value="Go">
    <input type="text" name="applicant_name" required></form>"""
    form = pages.find_form(html, "applicant_name")
    data = pages.fill(form, {"applicant_name": pages.synthetic_name(1)}, tick=r"doc_\d+")
    assert data == {"csrfmiddlewaretoken": "t", "doc_1": "on", "owner_same": "on", "case": "7", "unit": "",
                    "note": "hi", "applicant_name": "Trần Văn An"}
    assert form.kinds["file_1"] == "file"
    person = pages.synthetic_person(123456)
    assert len(person["citizen_id"]) == 12 and person["citizen_id"].isdigit()
    assert not any(ch.isdigit() for ch in person["name"])
