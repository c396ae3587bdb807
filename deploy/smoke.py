"""Production smoke test on one machine: the real processes on loopback ports, a short journey
through nginx over HTTPS, and everything stopped again (even on failure).

    .venv/bin/python deploy/smoke.py            # exit 0: every step passed; 2: nginx missing

Started: a fresh PostgreSQL database on the local server (127.0.0.1:5432, dropped at the end),
PgBouncer in transaction pooling in front of it when installed (the app then runs with
DATABASE_TRANSACTION_POOLING=1), gunicorn (deploy/gunicorn.conf.py), a Celery worker and beat on
Redis (127.0.0.1:6379, database 14), and nginx from Debian's package with deploy/nginx/motcua.conf
(only addresses, ports and paths rewritten; a throwaway self-signed certificate). The settings
are production ones: DEBUG off, HTTPS, DOCUMENTS_X_ACCEL_REDIRECT=1, JSON logs, /metrics closed
to all but a token; only the simulators are allowed (no outside service exists here).

The journey: /healthz, /readyz, /metrics (403 without the token, the project's gauges with it);
the demo citizen signs in, opens her dossier and downloads a document (nginx sends the bytes after
Django's check: gunicorn's access log shows 0 bytes for it); the internal path is 404 from outside;
an anonymous visitor is sent to sign in; the dossier is tracked at /tra-cuu/; a centre manager
signs in and opens the reports. tests/test_production_smoke.py runs it in CI.
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

    def alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited ({process.returncode}); see {self.work / (name + '.log')}")


# --- a tiny browser ------------------------------------------------------------------------------

class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}, "inputs": []})
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag in ("input", "textarea", "select") and self.forms and a.get("name"):
            kind = (a.get("type") or "text").lower()
            self.forms[-1]["inputs"].append((a["name"], kind))
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file", "button"):
                self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))


class Browser:
    def __init__(self, base: str):
        self.base = base
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
            request = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/", **(headers or {})})
            try:
                response = self.opener.open(request, timeout=60)
                return response.status, dict(response.headers), response.read(), url
            except urllib.error.HTTPError as error:
                if follow and error.code in (301, 302, 303) and error.headers.get("Location"):
                    url, data = urllib.parse.urljoin(url, error.headers["Location"]), None
                    continue
                return error.code, dict(error.headers), error.read(), url
        raise RuntimeError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs):
        return self.request(path, **kwargs)

    def sign_in(self, path: str, identifier: str, password: str) -> None:
        status, _h, body, url = self.get(path)
        assert status == 200, (path, status)
        parser = _Forms()
        parser.feed(body.decode())
        form = next(f for f in parser.forms if any(kind == "password" for _n, kind in f["inputs"]))
        fields = dict(form["fields"])
        for name, kind in form["inputs"]:
            if kind == "password":
                fields[name] = password
            elif kind in ("text", "email", "tel") and not fields.get(name):
                fields[name] = identifier
        status, _h, body, final = self.request(urllib.parse.urljoin(url, form["action"] or url),
                                               data=urllib.parse.urlencode(fields).encode())
        assert status == 200 and "dang-nhap" not in final, (path, status, final, body[:300])


def links(body: bytes, pattern: str) -> list[str]:
    parser = _Forms()
    parser.feed(body.decode())
    return [href for href in parser.links if re.search(pattern, href)]


# --- the run ---------------------------------------------------------------------------------------

def run() -> int:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        print("[smoke] nginx is not installed (apt-get install nginx-light)", flush=True)
        return NGINX_MISSING
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
    step("all steps passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def journey(stack: Stack, work: Path, nginx: str) -> None:
    db = f"motcua_smoke_{os.getpid()}"
    psql = ["psql", "-q", f"{PG}/postgres", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db}"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
    stack.cleanups.append(lambda: subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False))
    import redis

    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()
    stack.cleanups.append(broker.flushdb)

    var, media = work / "var", work / "media"
    media.mkdir(parents=True)
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "smoke-" + os.urandom(16).hex(),
           "DJANGO_SETTINGS_MODULE": "motcua.settings",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CSRF_TRUSTED_ORIGINS": base, "SITE_URL": base,
           "DATABASE_URL": f"{PG}/{db}", "REDIS_URL": REDIS, "MOTCUA_VAR_DIR": str(var), "MEDIA_ROOT": str(media),
           "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto", "PROXY_CLIENT_IP_HEADER": "X-Real-IP",
           "DOCUMENTS_X_ACCEL_REDIRECT": "1", "LOG_FORMAT": "json",
           "METRICS_ALLOWED_NETWORKS": "192.0.2.0/24", "METRICS_TOKEN": TOKEN,
           "MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION": "1", "OFFICER_2FA_ENABLED": "0",
           "GUNICORN_BIND": f"127.0.0.1:{app_port}", "GUNICORN_WORKERS": "2",
           "GUNICORN_ACCESS_LOG": str(work / "access.log"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_TRANSACTION_POOLING", None)
    manage = [str(BIN / "python"), "manage.py"]
    step("migrate, load the demo, collect static files")
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo", "--demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
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
                shutil.chown(path, "postgres")
        stack.start("pgbouncer", [pgbouncer, *user, str(work / "pgbouncer.ini")], env)
        wait_for("pgbouncer", lambda: socket.create_connection(("127.0.0.1", port), 1).close() or True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{db}"
        env["DATABASE_TRANSACTION_POOLING"] = "1"
        step(f"PgBouncer (transaction pooling) on {port}")
    else:
        step("PgBouncer not installed: the app talks to PostgreSQL directly")

    step("start gunicorn, a Celery worker and beat")
    stack.start("gunicorn", [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                             "motcua.wsgi:application"], env)
    stack.start("worker", [str(BIN / "celery"), "-A", "motcua", "worker", "--concurrency", "1", "--loglevel", "INFO",
                           "--hostname", f"smoke{os.getpid()}@%h"], env)
    stack.start("beat", [str(BIN / "celery"), "-A", "motcua", "beat", "--loglevel", "INFO",
                         "--schedule", str(work / "beat-schedule")], env)

    step("start nginx with deploy/nginx/motcua.conf")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")], check=True, capture_output=True)
    site = (ROOT / "deploy" / "nginx" / "motcua.conf").read_text()
    for old, new in [("unix:/run/motcua/gunicorn.sock", f"127.0.0.1:{app_port}"),
                     ("/etc/ssl/motcua/fullchain.pem", str(work / "cert.pem")),
                     ("/etc/ssl/motcua/privkey.pem", str(work / "key.pem")),
                     ("/etc/nginx/motcua_proxy_params", str(ROOT / "deploy" / "nginx" / "motcua_proxy_params")),
                     ("/var/log/nginx/", f"{work}/"), ("/var/lib/motcua/static/", f"{var}/static/"),
                     ("/var/lib/motcua/media/", f"{media}/"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")]:
        assert old in site, old
        site = site.replace(old, new)
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
    stack.alive()

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

    step("the demo citizen opens her dossier and downloads a document (X-Accel-Redirect)")
    citizen = Browser(base)
    citizen.sign_in("/tai-khoan/dang-nhap/", "0999000901", "motcua-demo")
    status, _h, body, _ = citizen.get("/ca-nhan/ho-so/")
    dossiers = sorted(set(links(body, r"^/ca-nhan/ho-so/[^/]+/$")))
    assert status == 200 and dossiers, body[:500]
    document_url = code = None
    for url in dossiers:
        found = links(citizen.get(url)[2], r"/ca-nhan/ho-so/[^/]+/tai-lieu/\d+/")
        if found:
            document_url, code = found[0], url.split("/")[-2]
            break
    assert document_url, "no document link on the citizen's dossiers"
    status, headers, data, _ = citizen.get(document_url)
    assert status == 200 and data[:4] in (b"%PDF", b"\x89PNG"), (status, data[:20])
    assert "X-Accel-Redirect" not in headers and headers.get("Cache-Control") == "private, no-store"
    on_disk = [p for p in media.rglob("*") if p.is_file() and p.read_bytes() == data]
    assert on_disk, "the bytes sent are no stored file"
    time.sleep(1)
    served = [line for line in (work / "access.log").read_text().splitlines() if document_url in line]
    assert served and served[-1].split('" ')[1].split()[:2] == ["200", "0"], served  # gunicorn sent no bytes
    internal = "/_protected/media/" + str(on_disk[0].relative_to(media))
    assert browser.get(internal)[0] == 404
    status, _h, _b, final = Browser(base).get(document_url)
    assert "/tai-khoan/dang-nhap/" in final, final

    step(f"track {code} at /tra-cuu/")
    status, _h, body, _ = browser.get("/tra-cuu/?" + urllib.parse.urlencode({"ma": code}))
    assert status == 200 and code in body.decode(), status

    step("a centre manager opens the reports")
    manager = Browser(base)
    manager.sign_in("/mot-cua/dang-nhap/", "quanly.trungtam", "motcua-demo")
    status, _h, body, _ = manager.get("/mot-cua/bao-cao/")
    assert status == 200 and b"<table" in body, status

    step("the worker and beat are alive; no personal data in the app's log lines")
    stack.alive()
    logged = (work / "gunicorn.log").read_text(errors="replace") + (work / "access.log").read_text(errors="replace")
    for value in ("0999000901", "025192004521", "Đinh Thị Hoa"):
        assert value not in logged, value


if __name__ == "__main__":
    sys.exit(run())
