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


def test_the_driver_writes_its_section_from_the_runs():
    saved = list(sys.path)  # the driver puts bench/ and bench/load/ on the path: not for the other tests
    try:
        driver = _module("driver", ROOT / "bench" / "bench_load.py")
    finally:
        sys.path[:] = saved
    stats = measure.read_stats(FIXTURES / "run_stats.csv")
    held = {"label": "step 1", "rate": 10.0, "users": 135, "seconds": 120, "stats": stats,
            "verdict": measure.verdict(stats), "dossiers_per_hour": 1333.0, "load": 1.5, "failures": [],
            "cores": {"gunicorn": 1.2, "postgres (load database)": 0.4, "locust": 0.1, "machine (busy)": 1.9},
            "backlogs": {"celery_queue_length": 0.0}, "backlogs_before": {"celery_queue_length": 0.0}}
    broke = {**held, "label": "step 2", "rate": 15.0, "verdict": {**held["verdict"], "holds": False, "p95": 900.0},
             "failures": ["3 x POST counter: receive (POST): 400"]}
    assert driver.bottleneck(broke, 2).startswith("the CPU: 1.90 of 2 cores busy; the biggest part is gunicorn")
    args = driver.argparse.Namespace(shared=True, pace=10.0, warmup=45)
    info = {"dossiers": 1_001_573, "generated": 1_000_000, "total_seconds": 90}
    text = driver.report(args, info, [held, broke], {**held, "label": "hold", "seconds": 600}, 2, 5,
                         "2026-12-06 00:00", "a note")
    assert "| step 2 (120 s) | 15 | 1,333 |" in text and "| hold (600 s) | 10 |" in text
    assert "highest step that held: 10 actions/s" in text and "hold at 10 actions/s for 600 s: held" in text
    assert "what runs out first (at 15 actions/s" in text and "- a note" in text
    assert "| GET track: by code | 240 |" in text and "login" not in text.split("Per request type")[1]
