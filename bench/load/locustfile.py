"""The busiest hour of a province, as locust users: what people do on the pages, in the mix the
seed reports suggest.

    LOAD_SCENARIO=scenario.json locust -f bench/load/locustfile.py --host https://127.0.0.1:PORT

bench/bench_load.py writes the scenario (logins, procedures, dossier codes; from the prepared
database) and runs this headless; see docs/performance.md, "Load test".

The mix (MIX below) is counted per dossier received in the busiest hour. Seed 002 (Tuyên Quang,
6 months): 35,809 new dossiers, 61.4% counter, 33.4% online, 5.2% post; PERFORMANCE.md puts ~30
page views on each dossier. Per dossier: 0.67 counter receipts (counter and post intake), 0.33
online applications with uploads, 4 tracking look-ups, 6 portal pages, 16 officer pages (queue
and dossier pages as it passes its steps), and a manager opening a report every ~18 s whatever
the rate (the "few reports": ~200 an hour). Every user does one action (`PACE` seconds apart,
`constant_pacing`), so the users of each class are in proportion to its weight, and the rate in
actions per second is users / PACE; the counter officers and the applicants act ten times less
often (an application or a receipt takes a person minutes) and are ten times as many, so that
even a small run has some of them. `users_for(rate)` gives the users for a rate.

People who sign in do it once, in `on_start`; the users of one login share its session (tabs of
one officer's browser: the demo has a dozen officers, a busy hour has hundreds of simulated
users), so that the password hashing of hundreds of sign-ins does not become the load. The
statistics are reset `LOAD_WARMUP` seconds after the start (spawning and signing in done), so
the figures are the steady hour only. An action is one page, except the counter receipt (the
intake form, the POST, the receipt it redirects to) and the online application (the procedure,
the form, the POST with its files, the dossier page it redirects to).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

import gevent
from gevent.lock import Semaphore
from locust import FastHttpUser, constant_pacing, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402
from mix import (MANAGERS, MIX, PACE, REPORTS_PER_HOUR, actions_per_dossier, dossiers_per_hour, pace,  # noqa: E402,F401
                 users_for, weight)

WARMUP = float(os.environ.get("LOAD_WARMUP", "0"))  # seconds before the statistics are reset


SAMPLE_SCENARIO = {  # enough for the module to import and the tests to read the mix
    "counter": {"motcua.tuphap": ["9.000101.000.00.00.H99"]}, "online_procedures": ["9.000101.000.00.00.H99"],
    "procedures": ["9.000101.000.00.00.H99"], "track_codes": ["000.00.11.H99-261123-0002"],
    "specialists": ["chuyenvien.tuphap"], "managers": ["quanly.trungtam"], "citizens": ["0999000901"],
    "password": "motcua-demo",
}


def load_scenario() -> dict:
    path = os.environ.get("LOAD_SCENARIO")
    return json.loads(Path(path).read_text()) if path else SAMPLE_SCENARIO


SCENARIO = load_scenario()
_serial = itertools.count(random.randrange(1_000_000))
_citizens = itertools.cycle(SCENARIO["citizens"])
_counter_officers = itertools.cycle(sorted(SCENARIO["counter"]))
_specialists = itertools.cycle(SCENARIO["specialists"])
_managers = itertools.cycle(SCENARIO["managers"])


@events.test_start.add_listener
def _reset_after_warmup(environment, **_kwargs):
    if WARMUP > 0 and environment.runner is not None:
        def reset():
            gevent.sleep(WARMUP)
            environment.runner.stats.reset_all()
        gevent.spawn(reset)


_sessions: dict[str, list] = {}  # login -> its session cookies
_signing_in: dict[str, Semaphore] = {}


class Person(FastHttpUser):
    abstract = True
    wait_time = constant_pacing(PACE)
    insecure = True  # the stack's throwaway self-signed certificate
    network_timeout = 60.0
    connection_timeout = 30.0

    def page(self, path: str, name: str, expect: int = 200, **kwargs) -> str | None:
        """GET a page; anything but `expect` is a failure (with the start of the body)."""
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]!r}")
                return None
            return response.text

    def post(self, path: str, name: str, data: dict | None = None, files: dict | None = None) -> str | None:
        """POST a form as the browser does (CSRF field from the page, Referer), expecting the
        redirect of a successful action; returns its Location."""
        headers = {"Referer": self.host + path}
        if files:
            from urllib3 import encode_multipart_formdata

            body, content_type = encode_multipart_formdata(
                [*data.items(), *((k, (v[0], v[1], "application/pdf")) for k, v in files.items())])
        else:
            from urllib.parse import urlencode

            body, content_type = urlencode(data), "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        with self.client.post(path, data=body, headers=headers, name=name, catch_response=True,
                              allow_redirects=False) as response:
            location = response.headers.get("Location") if response.status_code in (302, 303) else None
            if not location:
                errors = [re.sub(r"<[^>]+>|\s+", " ", e).strip()
                          for e in re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text or "", re.S)]
                response.failure(f"{response.status_code}: {errors[:3] or (response.text or '')[:200]!r}")
            return location

    def sign_in(self, path: str, username: str, password: str, name: str) -> None:
        """Sign in once per login; the other users of the same login take its cookies."""
        lock = _signing_in.setdefault(username, Semaphore())
        with lock:
            if username not in _sessions:
                self._sign_in(path, username, password, name)
                _sessions[username] = list(self.client.cookiejar)
                return
        for cookie in _sessions[username]:
            self.client.cookiejar.set_cookie(cookie)

    def _sign_in(self, path: str, username: str, password: str, name: str) -> None:
        html = self.page(path, name=f"{name} form")
        form = html and pages.find_form(html, "password")
        if not form:
            raise RuntimeError(f"no sign-in form at {path}")
        data = pages.fill(form, {"username": username, "password": password})
        location = self.post(path, name, data)
        if not location or "dang-nhap" in location:
            raise RuntimeError(f"{username} could not sign in ({location})")


class PortalVisitor(Person):
    """Someone reading the portal: the home page, the catalogue, a procedure, the statistics."""
    weight = weight("browse")

    @task(3)
    def home(self):
        self.page("/", name="portal: home")

    @task(3)
    def catalogue(self):
        self.page("/thu-tuc/", name="portal: catalogue")

    @task(2)
    def search(self):
        self.page("/thu-tuc/?q=" + random.choice(["khai sinh", "dat dai", "giay phep", "ho tich", "xay dung"]),
                  name="portal: catalogue search")

    @task(5)
    def procedure(self):
        self.page(f"/thu-tuc/{random.choice(SCENARIO['procedures'])}/", name="portal: procedure")

    @task(1)
    def statistics(self):
        self.page("/thong-ke/", name="portal: public statistics")


class Tracker(Person):
    """Someone tracking a dossier by its code (the QR code of the receipt)."""
    weight = weight("track")

    @task
    def track(self):
        self.page("/tra-cuu/?ma=" + random.choice(SCENARIO["track_codes"]), name="track: by code")


class Applicant(Person):
    """A citizen applying online with uploads: the procedure, the form, the POST with a file for
    each document asked, then the dossier page it redirects to; now and then "my dossiers"."""
    weight = weight("apply")
    wait_time = constant_pacing(pace("apply"))

    def on_start(self):
        self.sign_in("/tai-khoan/dang-nhap/", next(_citizens), SCENARIO["password"], "login: citizen")
        self.round = 0

    @task
    def apply(self):
        self.round += 1
        if self.round % 3 == 0:
            self.page("/ca-nhan/ho-so/", name="citizen: my dossiers")
            return
        code = random.choice(SCENARIO["online_procedures"])
        self.page(f"/thu-tuc/{code}/", name="portal: procedure")
        path = f"/thu-tuc/{code}/nop-truc-tuyen/"
        html = self.page(path, name="apply: form")
        form = html and pages.find_form(html, "key")
        if not form:
            return
        files = {name: (f"scan-{name}.pdf", pages.PDF) for name, kind in form.kinds.items() if kind == "file"}
        data = pages.fill(form, {"action": "submit", "return_channel": "online"})
        location = self.post(path, "apply: submit (POST, uploads)", data, files)
        if location:
            self.page(location, name="citizen: my dossier")


class CounterOfficer(Person):
    """A counter officer receiving a dossier: the intake form of a procedure the counter
    receives, the applicant typed in, the papers ticked, POST, then the receipt page."""
    weight = weight("counter")
    wait_time = constant_pacing(pace("counter"))

    def on_start(self):
        self.username = next(_counter_officers)
        self.sign_in("/mot-cua/dang-nhap/", self.username, "motcua-demo", "login: officer")

    @task
    def receive(self):
        code = random.choice(SCENARIO["counter"][self.username])
        path = f"/mot-cua/tiep-nhan/?procedure={code}"
        html = self.page(path, name="counter: intake form")
        form = html and pages.find_form(html, "applicant_citizen_id")
        if not form:
            return
        cases = [c for c in form.options.get("case", []) if c]
        if "case" in form.fields and not form.fields["case"] and cases:  # a procedure with cases: choose one
            path = f"/mot-cua/tiep-nhan/?procedure={code}&case={cases[0]}"
            html = self.page(path, name="counter: intake form")
            form = html and pages.find_form(html, "applicant_citizen_id")
            if not form:
                return
        person = pages.synthetic_person(next(_serial))
        data = pages.fill(form, {"applicant_citizen_id": person["citizen_id"], "applicant_name": person["name"],
                                 "applicant_phone": person["phone"], "applicant_address": person["address"]},
                          tick=r"doc_\d+")
        data.pop("lookup_store", None)
        location = self.post("/mot-cua/tiep-nhan/", "counter: receive (POST)", data)
        if location:
            self.page(location, name="counter: receipt page")


class Specialist(Person):
    """A specialist or a leader working through the queue: the queue page (the unit's, their
    own, the unassigned), and dossier pages opened from it."""
    weight = weight("officer")

    def on_start(self):
        self.sign_in("/mot-cua/dang-nhap/", next(_specialists), "motcua-demo", "login: officer")
        self.codes: list[str] = []

    @task(1)
    def queue(self):
        scope = random.choice(["unit", "unit", "mine", "unassigned"])
        html = self.page(f"/mot-cua/ho-so/?scope={scope}", name="officer: queue")
        if html:
            found = {href.rstrip("/").rsplit("/", 1)[-1] for href in pages.links(html, r"^/mot-cua/ho-so/[^/?]+/$")}
            if found:
                self.codes = sorted(found)

    @task(3)
    def dossier(self):
        if not self.codes:
            return self.queue()
        self.page(f"/mot-cua/ho-so/{random.choice(self.codes)}/", name="officer: dossier page")


class Manager(Person):
    """A centre manager or the province's administrator opening a report now and then."""
    fixed_count = MANAGERS
    wait_time = constant_pacing(3600 * MANAGERS / REPORTS_PER_HOUR)

    def on_start(self):
        self.sign_in("/mot-cua/dang-nhap/", next(_managers), "motcua-demo", "login: officer")

    @task(2)
    def dashboard(self):
        self.page("/mot-cua/bao-cao/", name="report: dashboard (this year)")

    @task(1)
    def last_year(self):
        self.page("/mot-cua/bao-cao/?from=2025-01-01&to=2025-12-31", name="report: dashboard (2025)")

    @task(1)
    def quarter(self):
        self.page("/mot-cua/bao-cao/?from=2025-07-01&to=2025-09-30&group_by=agency", name="report: 06a by agency")
