"""Production smoke test on one machine: the real processes on loopback ports, the online journey
through nginx over HTTPS, three fault drills, and everything stopped again (even on failure).

    .venv/bin/python deploy/smoke.py            # exit 0: every step passed; 2: nginx missing

Started: a fresh PostgreSQL database on the local server (127.0.0.1:5432, dropped at the end),
PgBouncer in transaction pooling in front of it when installed (the app then runs with
DATABASE_TRANSACTION_POOLING=1), a private redis-server on a free loopback port (the shared
SMOKE_REDIS when redis-server is missing; then no broker drill), two gunicorn app nodes
(deploy/gunicorn.conf.py, each its own port and access log), a Celery worker and beat, and nginx
from Debian's package with deploy/nginx/motcua.conf (its upstream lists both nodes; otherwise only
addresses, ports and paths rewritten; a throwaway self-signed certificate). The settings are
production ones: DEBUG off, HTTPS, DOCUMENTS_X_ACCEL_REDIRECT=1, JSON logs, /metrics closed to all
but a token, the shared Redis cache; only the simulators are allowed (no outside service exists
here), and the drills' timings are short (CELERY_VISIBILITY_TIMEOUT=5, NOTIFICATIONS_SWEEP_SECONDS=5).

Every person is a `Browser` following the links and forms of the pages (no URL of another role
typed in); each request carries an X-Request-ID that the node serving it logs. The journey:
/healthz, /readyz, /metrics; the demo citizen signs in, searches the portal, applies online with a
PDF per document (multipart through nginx); **drill 1**: the node that acknowledged the
application is killed (kill -9): the dossier and its files are in the database, the next requests
are all answered by the other node without an error, the node is started again; the citizen
downloads her upload (nginx sends the bytes after Django's check: 0 bytes in gunicorn's log; the
internal path is 404 from outside; an anonymous visitor is sent to sign in); the Suối Bạc counter
officer finds the dossier among the online dossiers waiting for intake, opens its files and
accepts it, **drill 2**: while the worker holds the notice's task unacknowledged (its pool process
stopped), the worker is killed (kill -9) and a new one started: Redis gives the task to the new
worker and the notice goes out; **drill 3**: Redis is stopped, /readyz answers 503 for the broker,
the officer hands back a result (a demo dossier from "Kết quả chờ trả"): the page answers
normally, the notice waits in the outbox and goes out once Redis is started again (beat's outbox
sweep); the citizen tracks her dossier at /tra-cuu/; a centre manager opens the reports; five wrong
passwords answered by both nodes lock the account; every signed-in session was served by both
nodes, and forms fetched from one node were posted to the other (sessions, CSRF, lockouts shared);
no personal data in the logs. tests/test_production_smoke.py runs it in CI.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/14")
TOKEN = "smoke-metrics-token"
NGINX_MISSING = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, test, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if test():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up in {timeout:.0f} s")


def step(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


class Stack:
    """The processes, started in order and stopped in reverse, whatever happens."""

    def __init__(self, work: Path):
        self.work = work
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.cleanups: list = []
        self.killed: set[int] = set()

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.work / f"{name}.log", "wb")
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
            step(f"stopped {name} (exit {process.returncode})")
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:  # keep stopping the rest
                step(f"cleanup failed: {exc}")

    def get(self, name: str) -> subprocess.Popen:
        """The latest process started under this name."""
        return next(process for n, process in reversed(self.processes) if n == name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """kill -9 (or `sig`) the process group (a fault drill): `alive` does not miss it afterwards."""
        process = self.get(name)
        os.killpg(process.pid, sig)
        process.wait(10)
        self.killed.add(id(process))

    def alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None and id(process) not in self.killed:
                raise RuntimeError(f"{name} exited ({process.returncode}); see {self.work / (name + '.log')}")


# --- a tiny browser ------------------------------------------------------------------------------

class _Forms(HTMLParser):
    """Forms (fields as a browser would send them: selected options, checked boxes, the buttons
    with a name), links (`links`: hrefs; `anchors`: href, id, class and text) of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self.anchors: list[dict] = []
        self._anchor: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}, "inputs": [], "buttons": [], "attrs": a})
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
            self._anchor = {"href": a["href"], "id": a.get("id", ""), "class": a.get("class", ""), "text": ""}
            self.anchors.append(self._anchor)
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and self.forms and a.get("name"):
            self.forms[-1]["inputs"].append((a["name"], "select"))
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a and self._select["chosen"] is None:
                self._select["chosen"] = value
        elif tag in ("input", "textarea") and self.forms and a.get("name"):
            kind = (a.get("type") or "text").lower() if tag == "input" else "textarea"
            self.forms[-1]["inputs"].append((a["name"], kind))
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file", "button"):
                self.forms[-1]["fields"].setdefault(a["name"], a.get("value", "") if kind != "checkbox" else
                                                    a.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "a":
            self._anchor = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            self.forms[-1]["fields"].setdefault(self._select["name"], chosen or "")
            self._select = None

    def handle_data(self, data):
        if self._anchor is not None:
            self._anchor["text"] += data


def parse(body: bytes) -> _Forms:
    parser = _Forms()
    parser.feed(body.decode(errors="replace"))
    return parser


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body: `files` maps a field name to (file name, content type, bytes)."""
    boundary = "----motcua-smoke-" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + str(value).encode() + b"\r\n")
    for name, (filename, mime, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {mime}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Browser:
    """A person's browser: cookies, no automatic redirects (followed here, each hop a request).
    With `name`, every request carries X-Request-ID `smoke-<name>-<n>` (nginx passes it on and each
    gunicorn node logs it: which node served which request); `sent` keeps (id, method, path)."""

    def __init__(self, base: str, name: str | None = None):
        self.base = base
        self.name = name
        self.sent: list[tuple[str, str, str]] = []
        self.handoffs: list[tuple[str, str]] = []  # (request id of a form's page, of its POST)
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # the throwaway self-signed certificate
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=self.context),
                                                  urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None, follow: bool = True):
        url = path if path.startswith("http") else self.base + path
        for _hop in range(10):
            extra = dict(headers or {})
            if self.name and "X-Request-ID" not in extra:
                extra["X-Request-ID"] = f"smoke-{self.name}-{len(self.sent) + 1:04d}"
            if self.name:
                self.sent.append((extra.get("X-Request-ID", ""), "POST" if data is not None else "GET",
                                  urllib.parse.urlsplit(url).path))
            request = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/", **extra})
            try:
                response = self.opener.open(request, timeout=60)
                return response.status, dict(response.headers), response.read(), url
            except urllib.error.HTTPError as error:
                if follow and error.code in (301, 302, 303) and error.headers.get("Location"):
                    url, data = urllib.parse.urljoin(url, error.headers["Location"]), None
                    headers = {k: v for k, v in (headers or {}).items() if k.lower() != "content-type"}
                    continue
                return error.code, dict(error.headers), error.read(), url
        raise RuntimeError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs):
        return self.request(path, **kwargs)

    def page(self, path: str) -> tuple[bytes, str]:
        """GET that must answer 200: (body, final url)."""
        status, _h, body, url = self.get(path)
        assert status == 200, (path, status, body[:300])
        return body, url

    def submit(self, page_url: str, form: dict, fields: dict | None = None, files: dict | None = None,
               button: tuple[str, str] | None = None):
        """Send `form` (from `parse`) as the browser would, from the page at `page_url`."""
        values = {**form["fields"], **(fields or {})}
        if button is None and form["buttons"]:
            button = form["buttons"][0]
        if button:
            values[button[0]] = button[1]
        target = urllib.parse.urljoin(page_url, form["action"] or page_url)
        page_rid = self.sent[-1][0] if self.sent else ""
        if form["attrs"].get("enctype") == "multipart/form-data" or files:
            data, content_type = multipart(values, files or {})
        else:
            data, content_type = urllib.parse.urlencode(values).encode(), "application/x-www-form-urlencoded"
        answer = self.request(target, data=data, headers={"Content-Type": content_type})
        if self.name:
            post_rid = next(rid for rid, method, _p in reversed(self.sent) if method == "POST")
            self.handoffs.append((page_rid, post_rid))
        return answer

    def sign_in(self, path: str, identifier: str, password: str, expect_success: bool = True):
        body, url = self.page(path)
        form = next(f for f in parse(body).forms if any(kind == "password" for _n, kind in f["inputs"]))
        fields = {}
        for name, kind in form["inputs"]:
            if kind == "password":
                fields[name] = password
            elif kind in ("text", "email", "tel") and not form["fields"].get(name):
                fields[name] = identifier
        status, _h, body, final = self.submit(url, form, fields)
        if expect_success:
            assert status == 200 and "dang-nhap" not in final, (path, status, final, body[:300])
        return status, body, final


def links(body: bytes, pattern: str) -> list[str]:
    return [href for href in parse(body).links if re.search(pattern, href)]


def anchor(body: bytes, *, id: str | None = None, text: str | None = None, href: str | None = None) -> str:
    """The href of the first link with this id, or whose text contains `text`, or matches `href`."""
    for a in parse(body).anchors:
        if ((id is None or a["id"] == id) and (text is None or text in " ".join(a["text"].split()))
                and (href is None or re.search(href, a["href"]))):
            return a["href"]
    raise AssertionError(f"no link id={id} text={text} href={href} on the page")


def form_with(body: bytes, test) -> dict:
    found = [f for f in parse(body).forms if test(f)]
    assert found, "no such form on the page"
    return found[0]


# --- the run ---------------------------------------------------------------------------------------

PASSWORD = "motcua-demo"
DONE = "Đã thực hiện"  # the back office's message after an action
STATUSES = {"1": "new", "2": "received", "4": "processing", "9": "resolved", "10": "returned"}  # dossiers.Status


def upload(n: int) -> bytes:
    """A small valid PDF, different for each n (the bytes downloaded later name the upload)."""
    return f"%PDF-1.4\n% motcua smoke upload {n}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def run() -> int:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        print("[smoke] nginx is not installed (apt-get install nginx-light)", flush=True)
        return NGINX_MISSING
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="motcua-smoke-"))
    stack = Stack(work)
    try:
        journey(stack, work, nginx)
    except BaseException:
        for name, _process in stack.processes:
            log = work / f"{name}.log"
            if log.exists():
                print(f"----- {name}.log (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-25:]))
        raise
    finally:
        stack.stop()
    step(f"the whole run took {time.monotonic() - started:.0f} s")
    step("all steps passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def pool_children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def listening(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), 1).close()
    return True


def journey(stack: Stack, work: Path, nginx: str) -> None:
    db = f"motcua_smoke_{os.getpid()}"
    psql = ["psql", "-q", f"{PG}/postgres", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
    stack.cleanups.append(lambda: subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False))

    def sql(query: str) -> str:
        return subprocess.run(["psql", "-tAq", f"{PG}/{db}", "-c", query], capture_output=True, text=True,
                              check=True).stdout.strip()

    import redis

    # The broker: a private redis-server on a free loopback port (the broker drill stops it), else
    # the shared one (SMOKE_REDIS) and no broker drill.
    redis_server = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                                    else None)
    redis_args: list[str] = []
    if redis_server:
        redis_port = free_port()
        broker_url = f"redis://127.0.0.1:{redis_port}/0"
        redis_args = [redis_server, "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(work),
                      "--appendonly", "yes", "--save", "", "--daemonize", "no"]
        stack.start("redis", redis_args, dict(os.environ))
        wait_for("redis-server", lambda: listening(redis_port), 20)
        step(f"a private redis-server on 127.0.0.1:{redis_port} (append-only file)")
    else:
        broker_url = REDIS
        step("redis-server is not installed: the shared Redis, no broker drill")
    broker = redis.Redis.from_url(broker_url)
    broker.flushdb()
    if not redis_server:
        stack.cleanups.append(broker.flushdb)

    var, media = work / "var", work / "media"
    media.mkdir(parents=True)
    https_port, http_port = free_port(), free_port()
    app_ports = {"a": free_port(), "b": free_port()}
    base = f"https://127.0.0.1:{https_port}"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "smoke-" + os.urandom(16).hex(),
           "DJANGO_SETTINGS_MODULE": "motcua.settings",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CSRF_TRUSTED_ORIGINS": base, "SITE_URL": base,
           "DATABASE_URL": f"{PG}/{db}", "REDIS_URL": broker_url, "MOTCUA_VAR_DIR": str(var), "MEDIA_ROOT": str(media),
           "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto", "PROXY_CLIENT_IP_HEADER": "X-Real-IP",
           "DOCUMENTS_X_ACCEL_REDIRECT": "1", "LOG_FORMAT": "json",
           "METRICS_ALLOWED_NETWORKS": "192.0.2.0/24", "METRICS_TOKEN": TOKEN,
           "MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION": "1", "OFFICER_2FA_ENABLED": "0",
           "GUNICORN_WORKERS": "2", "PYTHONUNBUFFERED": "1",
           # The drills' time scale: a killed worker's task goes to another after 5 s, checked
           # every second; the outbox sweep every 5 s (production: 3600, 10, 3600).
           "CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_UNACKED_RESTORE_SECONDS": "1",
           "NOTIFICATIONS_SWEEP_SECONDS": "5"}
    env.pop("DATABASE_TRANSACTION_POOLING", None)
    env.pop("CACHE_URL", None)
    manage = [str(BIN / "python"), "manage.py"]
    step("migrate, load the demo, collect static files")
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    # The demo's own notices are sent while it loads (no broker: in-process), so that the worker
    # starts with an empty queue and the drills below see only their own tasks.
    subprocess.run([*manage, "load_demo", "--demo"], cwd=ROOT, env={k: v for k, v in env.items() if k != "REDIS_URL"},
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)

    pgbouncer = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if pgbouncer:
        port = free_port()
        ini = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
        # auth_type=any (a throwaway local pooler) needs the server user named on the database line.
        ini = ini.replace("motcua = host=127.0.0.1 port=5432 dbname=motcua",
                          f"{db} = host=127.0.0.1 port=5432 dbname={db} user=postgres")
        ini = ini.replace("listen_port = 6432", f"listen_port = {port}").replace("auth_type = scram-sha-256", "auth_type = any")
        ini = ini.replace("auth_file = /etc/pgbouncer/userlist.txt", f"logfile = {work / 'pgbouncer.out'}\n"
                          f"pidfile = {work / 'pgbouncer.pid'}\nunix_socket_dir =")
        (work / "pgbouncer.ini").write_text(ini)
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        if user:
            shutil.chown(work, "postgres")
            for path in work.iterdir():
                if path.suffix in (".ini", ".log", ".out", ".pid") or path.name == "pgbouncer.ini":
                    shutil.chown(path, "postgres")
        stack.start("pgbouncer", [pgbouncer, *user, str(work / "pgbouncer.ini")], env)
        wait_for("pgbouncer", lambda: listening(port))
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{db}"
        env["DATABASE_TRANSACTION_POOLING"] = "1"
        step(f"PgBouncer (transaction pooling) on {port}")
    else:
        step("PgBouncer not installed: the app talks to PostgreSQL directly")

    def start_node(node: str) -> None:
        stack.start(f"gunicorn-{node}", [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                         "motcua.wsgi:application"],
                    {**env, "GUNICORN_BIND": f"127.0.0.1:{app_ports[node]}",
                     "GUNICORN_ACCESS_LOG": str(work / f"access-{node}.log")})

    def start_worker(name: str) -> None:
        stack.start(name, [str(BIN / "celery"), "-A", "motcua", "worker", "--concurrency", "1", "--prefetch-multiplier", "4",
                           "--loglevel", "INFO",
                           "--hostname", f"{name}-{os.getpid()}@%h"], env)

    step(f"start two gunicorn app nodes (a on {app_ports['a']}, b on {app_ports['b']}), a Celery worker and beat")
    start_node("a")
    start_node("b")
    start_worker("worker")
    stack.start("beat", [str(BIN / "celery"), "-A", "motcua", "beat", "--loglevel", "INFO",
                         "--schedule", str(work / "beat-schedule")], env)

    step("start nginx with deploy/nginx/motcua.conf, both nodes in its upstream")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")], check=True, capture_output=True)
    site = (ROOT / "deploy" / "nginx" / "motcua.conf").read_text()
    # fail_timeout 2 s (the shipped comment: 10 s): the drill's restarted node is used again soon.
    upstream = "".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;\n    " for port in app_ports.values())
    for old, new in [("server unix:/run/motcua/gunicorn.sock fail_timeout=0;\n    ", upstream),
                     ("/etc/ssl/motcua/fullchain.pem", str(work / "cert.pem")),
                     ("/etc/ssl/motcua/privkey.pem", str(work / "key.pem")),
                     ("/etc/nginx/motcua_proxy_params", str(ROOT / "deploy" / "nginx" / "motcua_proxy_params")),
                     ("/var/log/nginx/", f"{work}/"), ("/var/lib/motcua/static/", f"{var}/static/"),
                     ("/var/lib/motcua/media/", f"{media}/"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")]:
        assert old in site, old
        site = site.replace(old, new)
    directives = [line.split("#")[0] for line in site.splitlines()]
    assert any("proxy_next_upstream error timeout http_502;" in line for line in directives)
    assert not any("non_idempotent" in line for line in directives), "nginx must never resend a POST"
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (work / "site.conf").write_text(site)
    (work / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {work}/nginx.pid;\n"
        f"error_log {work}/nginx-error.log;\nevents {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n  include {work}/site.conf;\n}}\n")
    subprocess.run([nginx, "-t", "-q", "-p", str(work), "-c", str(work / "nginx.conf")], check=True)
    stack.start("nginx", [nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"], env)

    browser = Browser(base)
    wait_for("the stack behind nginx", lambda: browser.get("/healthz")[0] == 200)
    for node, port in app_ports.items():
        wait_for(f"app node {node}", lambda port=port: listening(port))
    stack.alive()

    def served() -> dict[str, str]:
        """Request id -> the app node whose gunicorn access log has it."""
        nodes = {}
        for node in app_ports:
            log = work / f"access-{node}.log"
            for line in (log.read_text(errors="replace").splitlines() if log.exists() else []):
                found = re.search(r'"(\w+) (\S+)" (\d+) (\d+) .* rid=(\S+)$', line)
                if found:
                    nodes[found.group(5)] = node
        return nodes

    def access_line(rid: str) -> tuple[str, str, str]:
        """(node, status, bytes sent by gunicorn) of a request id."""
        time.sleep(0.3)
        for node in app_ports:
            for line in (work / f"access-{node}.log").read_text(errors="replace").splitlines():
                if line.endswith(f"rid={rid}"):
                    status, sent = line.split('" ')[1].split()[:2]
                    return node, status, sent
        raise AssertionError(f"request {rid} is in no node's access log")

    def status_of(code: str) -> str:
        value = sql(f"SELECT status FROM dossiers_dossier WHERE code = '{code}'")
        return STATUSES.get(value, value)

    def outbox(code: str, kind: str) -> dict[str, int]:
        rows = sql(f"SELECT status, count(*) FROM notifications_outboxmessage WHERE dossier_code = '{code}' "
                   f"AND event_kind = '{kind}' GROUP BY status")
        return {status: int(n) for status, n in (row.split("|") for row in rows.splitlines() if row)}

    step("health, readiness, metrics")
    status, headers, body, _ = browser.get("/healthz", headers={"X-Request-ID": "smoke-request-0001"})
    assert status == 200 and json.loads(body) == {"status": "ok"}, body
    assert headers.get("X-Request-ID") == "smoke-request-0001", headers
    status, _h, body, _ = browser.get("/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["checks"] == {"database": "ok", "broker": "ok", "storage": "ok",
                                                 "migrations": "ok"}, body
    assert browser.get("/metrics")[0] == 403
    status, _h, body, _ = browser.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    text = body.decode()
    assert status == 200 and "motcua_dossiers_overdue " in text and "motcua_celery_queue_length" in text, text[-2000:]
    assert 'motcua_metrics_source_up{source="core.celery_gauges"} 1.0' in text

    # --- apply online -----------------------------------------------------------------------------
    step("the demo citizen signs in, finds a procedure on the portal and applies online with files (multipart)")
    citizen = Browser(base, "citizen")
    home, _ = citizen.page("/")
    citizen.sign_in(anchor(home, id="nav-sign-in"), "0999000901", PASSWORD)
    home, home_url = citizen.page("/")
    search = form_with(home, lambda f: "q" in f["fields"])
    body, url = citizen.page(urllib.parse.urljoin(home_url, search["action"]) + "?"
                             + urllib.parse.urlencode({**search["fields"], "q": "xac nhan tinh trang hon nhan"}))
    body, url = citizen.page(anchor(body, text="Cấp Giấy xác nhận tình trạng hôn nhân"))
    body, url = citizen.page(anchor(body, id="apply-online"))
    form = form_with(body, lambda f: any(kind == "file" for _n, kind in f["inputs"]))
    files = {name: (f"giay-to-{n}.pdf", "application/pdf", upload(n))
             for n, name in enumerate(name for name, kind in form["inputs"] if kind == "file" and name.startswith("file_"))}
    assert files, form["inputs"]
    status, _h, body, final = citizen.submit(url, form, files=files, button=("action", "submit"))
    found = re.search(r"/ca-nhan/ho-so/([^/]+)/$", final)
    assert status == 200 and found, (status, final, re.findall(rb'class="errors?"[^<]*<[^<]*', body)[:5])
    code = found.group(1)
    submitted_rid = next(rid for rid, method, _p in reversed(citizen.sent) if method == "POST")
    submitted_on, _status, _bytes = access_line(submitted_rid)
    assert status_of(code) == "new", status_of(code)
    step(f"dossier {code} submitted with {len(files)} file(s) through nginx; node {submitted_on} acknowledged it")

    # --- drill: an app node killed --------------------------------------------------------------------
    survivor = next(node for node in app_ports if node != submitted_on)
    nginx_log = work / "motcua.access.log"
    logged_before_kill = len(nginx_log.read_text().splitlines())
    stack.kill(f"gunicorn-{submitted_on}")
    before_kill = len(citizen.sent)
    body, url = citizen.page(anchor(citizen.page("/")[0], id="nav-my-dossiers"))
    assert code in body.decode()
    status_row = status_of(code)
    documents = int(sql("SELECT count(*) FROM dossiers_dossierdocument d JOIN dossiers_dossier x ON x.id = d.dossier_id "
                        f"WHERE x.code = '{code}' AND d.file <> ''"))
    assert documents == len(files), (documents, len(files))
    body, url = citizen.page(anchor(body, text=code))

    step(f"the citizen downloads a document of {code} (X-Accel-Redirect: nginx sends the bytes)")
    document_url = anchor(body, href=r"/ca-nhan/ho-so/[^/]+/tai-lieu/\d+/")
    status, headers, data, _ = citizen.get(document_url)
    assert status == 200 and data in [f[2] for f in files.values()], (status, data[:40])
    assert "X-Accel-Redirect" not in headers and headers.get("Cache-Control") == "private, no-store"
    on_disk = [path for path in media.rglob("*") if path.is_file() and path.read_bytes() == data]
    assert on_disk, "the bytes sent are no stored file"
    node, status, sent = access_line(citizen.sent[-1][0])
    assert (status, sent) == ("200", "0"), (node, status, sent)  # gunicorn sent no bytes
    internal = "/_protected/media/" + str(on_disk[0].relative_to(media))
    assert browser.get(internal)[0] == 404
    status, _h, _b, final = Browser(base).get(document_url)
    assert "/tai-khoan/dang-nhap/" in final, final

    # --- an officer receives it ---------------------------------------------------------------------
    step("the Suối Bạc counter officer finds it among the online dossiers waiting for intake and opens its files")
    officer = Browser(base, "officer")
    officer_home, _ = officer.page("/")
    _s, landing, _f = officer.sign_in(anchor(officer_home, id="officer-sign-in"), "motcua.suoibac", PASSWORD)
    body, url = officer.page(anchor(landing, id="nav-online-intake"))
    dossier_url = anchor(body, text=code)
    body, url = officer.page(dossier_url)
    opened = 0
    for a in parse(body).anchors:
        if "file-link" in a["class"]:
            status, _h, data, _ = officer.get(a["href"])
            assert status == 200 and data in [f[2] for f in files.values()], (status, data[:40])
            opened += 1
    assert opened == len(files), (opened, len(files))
    after_kill = citizen.sent[before_kill:] + officer.sent
    nodes = served()
    answered_by = {nodes.get(rid) for rid, _m, _p in after_kill}
    assert answered_by == {survivor}, answered_by
    errors = [line for line in nginx_log.read_text().splitlines()[logged_before_kill:] if re.search(r"\" 5\d\d ", line)]
    assert not errors, errors[:3]
    step(f"node {submitted_on} killed (kill -9) right after it acknowledged {code}: the dossier is in the database "
         f"({status_row}, {documents} stored file(s)); the next {len(after_kill)} requests were all answered by node "
         f"{survivor}, none failed")
    start_node(submitted_on)
    wait_for(f"app node {submitted_on} again", lambda: listening(app_ports[submitted_on]))
    step(f"node {submitted_on} started again")

    # --- drill: the worker killed while holding a notification task ----------------------------------
    worker = stack.get("worker")
    children = pool_children(worker.pid)
    assert children, "the worker has no pool process"
    for child in children:
        os.kill(child, signal.SIGSTOP)  # the worker takes the task but cannot finish it
    worker_log = work / "worker.log"
    received_before = worker_log.read_text(errors="replace").count("deliver_for_events[")
    accept = form_with(body, lambda f: f["attrs"].get("data-action") == "accept_online")
    status, _h, body, url = officer.submit(url, accept)
    assert status == 200 and DONE in body.decode(), (status, url, body[-1500:])
    accepted = status_of(code)
    assert accepted == "received", accepted
    wait_for("the notification task at the worker",
             lambda: worker_log.read_text(errors="replace").count("deliver_for_events[") > received_before, 20)
    held = [value for value in broker.hvals("unacked") if b"deliver_for_events" in value]
    assert held and outbox(code, "received").get("sent", 0) == 0, (len(held), outbox(code, "received"))
    stack.kill("worker")
    start_worker("worker-2")
    wait_for("the notice of the intake", lambda: outbox(code, "received").get("sent", 0) >= 1, 60)
    step(f"Celery worker killed (kill -9) holding the unacknowledged notification task of the intake of {code} "
         f"({accepted}); a new worker got it from Redis after the visibility timeout: "
         f"{outbox(code, 'received')['sent']} notice(s) sent")

    # --- drill: the broker down -----------------------------------------------------------------------
    step("the counter officer opens the results to hand back")
    candidates = []
    for who in ("motcua.suoibac", "motcua.tuphap"):
        if who != "motcua.suoibac":
            officer = Browser(base, "officer2")
            _s, landing, _f = officer.sign_in(anchor(officer.page("/")[0], id="officer-sign-in"), who, PASSWORD)
        else:
            landing, _ = officer.page("/mot-cua/")
        try:
            queue_url = anchor(landing, id="nav-results-to-return")
        except AssertionError:
            continue
        queue, _ = officer.page(queue_url)
        for a in parse(queue).anchors:
            if re.search(r"^/mot-cua/ho-so/[^/?]+/$", a["href"]) and a["text"].strip():
                page, page_url = officer.page(a["href"])
                if b'data-action="return_result"' in page and b'id="return-fee-owed"' not in page:
                    candidates.append((a["text"].strip(), page, page_url))
                    break
        if candidates:
            break
    assert candidates, "no result to hand back without a fee owed"
    returned_code, page, page_url = candidates[0]
    if redis_args:
        stack.kill("redis", signal.SIGTERM)
        status, _h, body, _ = browser.get("/readyz")
        failed = json.loads(body).get("failed", {})
        assert status == 503 and "broker" in failed, (status, body)
        form = form_with(page, lambda f: f["attrs"].get("data-action") == "return_result")
        began = time.monotonic()
        status, _h, body, _ = officer.submit(page_url, form)
        took = time.monotonic() - began
        assert status == 200 and DONE in body.decode(), (status, body[-1500:])
        assert status_of(returned_code) == "returned", status_of(returned_code)
        wait_for("the notice queued in the outbox", lambda: outbox(returned_code, "returned").get("queued", 0) >= 1, 30)
        queued = outbox(returned_code, "returned")
        step(f"Redis stopped: /readyz answers 503 (broker: {failed['broker'][:60]}); {returned_code} returned, the page "
             f"answered 200 in {took:.1f} s, its notice waits in the outbox ({queued})")
        stack.start("redis-again", redis_args, dict(os.environ))
        wait_for("redis-server again", lambda: listening(redis_port), 20)
        wait_for("the notice after the broker's return",
                 lambda: outbox(returned_code, "returned").get("sent", 0) >= 1 and
                 not outbox(returned_code, "returned").get("queued"), 90)
        assert browser.get("/readyz")[0] == 200
        step(f"Redis started again: the outbox sweep (beat) sent the notice ({outbox(returned_code, 'returned')}); "
             f"/readyz 200")
    else:
        form = form_with(page, lambda f: f["attrs"].get("data-action") == "return_result")
        status, _h, body, _ = officer.submit(page_url, form)
        assert status == 200 and DONE in body.decode(), (status, body[-1500:])
        step(f"{returned_code} returned")

    # --- the citizen tracks her dossier; the report ---------------------------------------------------
    step(f"the citizen tracks {code} at /tra-cuu/")
    body, home_url = citizen.page("/")
    body, url = citizen.page(anchor(body, id="nav-tracking"))
    track = form_with(body, lambda f: "ma" in f["fields"])
    body, url = citizen.page(urllib.parse.urljoin(url, track["action"] or url) + "?"
                             + urllib.parse.urlencode({**track["fields"], "ma": code}))
    assert code in body.decode()

    step("a centre manager opens the reports")
    manager = Browser(base, "manager")
    _s, landing, _f = manager.sign_in(anchor(manager.page("/")[0], id="officer-sign-in"), "quanly.trungtam", PASSWORD)
    reports = next((a["href"] for a in parse(landing).anchors if a["href"].startswith("/mot-cua/bao-cao/")),
                   "/mot-cua/bao-cao/")
    body, _ = manager.page(reports)
    assert b"<table" in body

    step("sign-in failures are counted across nodes (the lockout is in the database)")
    intruder = Browser(base, "lockout")
    for attempt in range(5):
        if attempt % 2:
            intruder.get("/healthz")  # nginx goes round the nodes: the next POST lands on the other one
        intruder.sign_in("/mot-cua/dang-nhap/", "motcua.tuphap2", "wrong-password", expect_success=False)
    failures = [rid for rid, method, _p in intruder.sent if method == "POST"]
    status, body, final = intruder.sign_in("/mot-cua/dang-nhap/", "motcua.tuphap2", PASSWORD, expect_success=False)
    nodes = served()
    failure_nodes = sorted({nodes.get(rid, "?") for rid in failures})
    assert "dang-nhap" in final or status != 200, (status, final)
    assert failure_nodes == sorted(app_ports), failure_nodes
    step(f"5 wrong passwords for one officer, answered by nodes {failure_nodes}: the right password is then "
         f"refused (answer {status}, still at the sign-in page)")

    # --- statelessness ------------------------------------------------------------------------------
    nodes = served()
    people = {"citizen": citizen, "officer": officer, "manager": manager}
    counts = {who: {node: sum(1 for rid, _m, _p in b.sent if nodes.get(rid) == node) for node in app_ports}
              for who, b in people.items()}
    crossed = sum(1 for b in people.values() for page_rid, post_rid in b.handoffs
                  if nodes.get(page_rid) and nodes.get(post_rid) and nodes[page_rid] != nodes[post_rid])
    assert all(counts["citizen"].values()), counts
    assert crossed >= 1, crossed
    step(f"stateless nodes: requests of each signed-in session per node {counts}; {crossed} form(s) fetched "
         f"from one node were posted to the other (session, CSRF, lockouts shared)")

    step("the worker and beat are alive; no personal data in the app's log lines")
    stack.alive()
    logged = "".join(path.read_text(errors="replace") for pattern in ("gunicorn-*.log", "access-*.log")
                     for path in work.glob(pattern))
    for value in ("0999000901", "025192004521", "Đinh Thị Hoa"):
        assert value not in logged, value


if __name__ == "__main__":
    sys.exit(run())
