"""The production stack for the load test, on loopback ports, over an existing database.

The same processes and configuration files as the production smoke test (deploy/smoke.py, whose
`Stack`, `free_port` and `wait_for` are used here): PgBouncer in transaction pooling
(deploy/pgbouncer/pgbouncer.ini), gunicorn (deploy/gunicorn.conf.py, sync workers), a Celery
worker and beat on Redis, nginx (deploy/nginx/motcua.conf with only addresses, ports and paths
rewritten, a throwaway self-signed certificate). Unlike the smoke test, the database is not made
here: it is the prepared one (bench/load/prepare.py), kept between runs.
"""
from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

from smoke import Stack, free_port, wait_for  # noqa: E402  (deploy/smoke.py)

BIN = Path(sys.executable).parent
METRICS_TOKEN = "load-metrics-token"
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/13")


@dataclass
class Running:
    stack: Stack
    base: str
    env: dict
    work: Path
    pids: dict = field(default_factory=dict)  # process group name -> leader pid (for CPU sampling)


def which(name: str) -> str | None:
    return shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)


def app_env(server: str, db: str, base: str, work: Path) -> dict:
    """Production settings, as in the smoke test: DEBUG off, HTTPS behind the proxy, JSON logs."""
    media = work / "media"
    media.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "load-" + os.urandom(16).hex(),
           "DJANGO_SETTINGS_MODULE": "motcua.settings",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CSRF_TRUSTED_ORIGINS": base, "SITE_URL": base,
           "DATABASE_URL": f"{server}/{db}", "REDIS_URL": REDIS, "MOTCUA_VAR_DIR": str(work / "var"),
           "MEDIA_ROOT": str(media), "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
           "PROXY_CLIENT_IP_HEADER": "X-Real-IP", "DOCUMENTS_X_ACCEL_REDIRECT": "1", "LOG_FORMAT": "json",
           "METRICS_ALLOWED_NETWORKS": "192.0.2.0/24", "METRICS_TOKEN": METRICS_TOKEN,
           "MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION": "1", "OFFICER_2FA_ENABLED": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_TRANSACTION_POOLING", None)
    return env


def start(db: str, work: Path, workers: int, server: str = "postgres://postgres@127.0.0.1:5432",
          pool_size: int | None = None) -> Running:
    """Start PgBouncer (when installed), gunicorn, a Celery worker and beat, nginx; wait until
    /healthz answers through nginx. The caller stops them with `running.stack.stop()`."""
    nginx = which("nginx")
    if nginx is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    import redis

    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()  # tasks left by the preparation or an earlier run
    stack = Stack(work)
    stack.cleanups.append(broker.flushdb)
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    env = app_env(server, db, base, work)
    env.update(GUNICORN_BIND=f"127.0.0.1:{app_port}", GUNICORN_WORKERS=str(workers),
               GUNICORN_ACCESS_LOG=str(work / "access.log"))  # both access logs on, as in production
    running = Running(stack, base, env, work)
    try:
        subprocess.run([str(BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT,
                       env=env, check=True)
        pgbouncer = which("pgbouncer")
        if pgbouncer:
            port = free_port()
            ini = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
            host, pg_port = server.rsplit("@", 1)[1].split(":")
            ini = ini.replace("motcua = host=127.0.0.1 port=5432 dbname=motcua",
                              f"{db} = host={host} port={pg_port} dbname={db} user=postgres")
            ini = ini.replace("listen_port = 6432", f"listen_port = {port}").replace(
                "auth_type = scram-sha-256", "auth_type = any")
            ini = ini.replace("auth_file = /etc/pgbouncer/userlist.txt", f"logfile = {work / 'pgbouncer.out'}\n"
                              f"pidfile = {work / 'pgbouncer.pid'}\nunix_socket_dir =")
            if pool_size:
                ini = ini.replace("default_pool_size = 20", f"default_pool_size = {pool_size}")
            (work / "pgbouncer.ini").write_text(ini)
            user = ["-u", "postgres"] if os.geteuid() == 0 else []
            if user:
                shutil.chown(work, "postgres")
                for path in work.iterdir():
                    shutil.chown(path, "postgres")
            running.pids["pgbouncer"] = stack.start("pgbouncer", [pgbouncer, *user, str(work / "pgbouncer.ini")],
                                                    env).pid
            wait_for("pgbouncer", lambda: socket.create_connection(("127.0.0.1", port), 1).close() or True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/{db}"
            env["DATABASE_TRANSACTION_POOLING"] = "1"
        running.pids["gunicorn"] = stack.start(
            "gunicorn", [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                         "motcua.wsgi:application"], env).pid
        running.pids["celery"] = stack.start(
            "worker", [str(BIN / "celery"), "-A", "motcua", "worker", "--concurrency", "1", "--loglevel", "WARNING",
                       "--hostname", f"load{os.getpid()}@%h"], env).pid
        running.pids["beat"] = stack.start(
            "beat", [str(BIN / "celery"), "-A", "motcua", "beat", "--loglevel", "WARNING",
                     "--schedule", str(work / "beat-schedule")], env).pid
        running.pids["nginx"] = stack.start("nginx", [nginx, "-p", str(work), "-c", nginx_conf(
            work, app_port, http_port, https_port), "-g", "daemon off;"], env).pid
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

        def healthy():
            with urllib.request.urlopen(base + "/healthz", timeout=5, context=context) as response:
                return response.status == 200

        wait_for("the stack behind nginx", healthy)
        stack.alive()
    except BaseException:
        stack.stop()
        raise
    return running


def nginx_conf(work: Path, app_port: int, http_port: int, https_port: int) -> str:
    """deploy/nginx/motcua.conf with only its addresses, ports and paths changed; the path of the
    main configuration file that includes it."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")], check=True, capture_output=True)
    var, media = work / "var", work / "media"
    site = (ROOT / "deploy" / "nginx" / "motcua.conf").read_text()
    for old, new in [("unix:/run/motcua/gunicorn.sock", f"127.0.0.1:{app_port}"),
                     ("/etc/ssl/motcua/fullchain.pem", str(work / "cert.pem")),
                     ("/etc/ssl/motcua/privkey.pem", str(work / "key.pem")),
                     ("/etc/nginx/motcua_proxy_params", str(ROOT / "deploy" / "nginx" / "motcua_proxy_params")),
                     ("/var/log/nginx/", f"{work}/"), ("/var/lib/motcua/static/", f"{var}/static/"),
                     ("/var/lib/motcua/media/", f"{media}/"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")]:
        if old not in site:
            raise RuntimeError(f"deploy/nginx/motcua.conf changed: {old!r} is no longer in it")
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (work / "site.conf").write_text(site)
    (work / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {work}/nginx.pid;\n"
        f"error_log {work}/nginx-error.log;\nevents {{ worker_connections 2048; }}\nhttp {{\n"
        f"  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n  include {work}/site.conf;\n}}\n")
    subprocess.run([which("nginx"), "-t", "-q", "-p", str(work), "-c", str(work / "nginx.conf")], check=True)
    return str(work / "nginx.conf")
