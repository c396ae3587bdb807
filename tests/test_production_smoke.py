"""The production stack on this machine (deploy/smoke.py): PostgreSQL (through PgBouncer when
installed), gunicorn, a Celery worker and beat on Redis, and nginx with the shipped site over
HTTPS; a short journey through nginx, then everything stopped. About 80 s.

Needs nginx (Debian's nginx-light), the local PostgreSQL and Redis: without them the test is
skipped on a developer's machine and fails in CI (`.ci/run` installs nginx-light and pgbouncer).
Marked `smoke`: `make test` runs it after the parallel part, with the browser tests."""
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parent.parent


def missing() -> str:
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return "nginx is not installed (apt-get install nginx-light)"
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), 2).close()
        except OSError:
            return f"{name} is not answering on 127.0.0.1:{port}"
    return ""


def test_the_production_stack_serves_a_journey_through_nginx():
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "smoke.py")], cwd=ROOT, capture_output=True,
                            text=True, timeout=900)
    steps = [line for line in result.stdout.splitlines() if line.startswith("[smoke]")]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert steps[-1] == "[smoke] all steps passed"
    for expected in ("health, readiness, metrics", "downloads a document (X-Accel-Redirect)",
                     "a centre manager opens the reports", "no personal data in the app's log lines"):
        assert any(expected in line for line in steps), (expected, steps)
