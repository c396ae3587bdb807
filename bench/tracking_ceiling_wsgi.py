"""The machine's ceiling for bench_tracking.py: a bare WSGI app (no Django) that looks a dossier
up by code with plain psycopg over a kept connection and answers a small JSON document, served
by the same gunicorn settings. DATABASE_URL names the benchmark database."""
import json
import os
from urllib.parse import unquote

import psycopg

_conn = None


def application(environ, start_response):
    global _conn
    if _conn is None:
        _conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    code = unquote(environ.get("PATH_INFO", "").rstrip("/").rsplit("/", 1)[-1])
    row = _conn.execute("SELECT id, status, due_at FROM dossiers_dossier WHERE code = %s", (code,)).fetchone()
    if row is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail": "not found"}']
    body = json.dumps({"code": code, "status": row[1], "due_at": row[2].isoformat() if row[2] else None}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
