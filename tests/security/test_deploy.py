"""Production settings (issue 17, hardening): HTTPS, HSTS, secure cookies, CSP, request size.

`manage.py check --deploy` with a production environment (DEBUG=0, a long SECRET_KEY,
ALLOWED_HOSTS, SITE_URL over https) reports nothing; every response carries a
Content-Security-Policy without inline script or style, X-Frame-Options, a referrer policy; an
oversized body is refused with 413 before it is read. The test settings turn the HTTPS redirect
and the Secure cookies off (the suite and the live server speak plain HTTP): the production values
are checked in a subprocess with the real settings module.
"""
import json
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "motcua"


def production_env(tmp_path, **extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "motcua.example.gov.vn",
        "SITE_URL": "https://motcua.example.gov.vn",
        "MOTCUA_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def run_django(tmp_path, code: str, **extra) -> subprocess.CompletedProcess:
    script = "import django; django.setup()\n" + code
    return subprocess.run([sys.executable, "-c", script], env=production_env(tmp_path, **extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_environment(tmp_path):
    done = run_django(tmp_path, "from django.core.management import call_command\n"
                                "call_command('check', '--deploy', '--fail-level', 'WARNING')\n")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr


def test_production_settings_values(tmp_path):
    done = run_django(tmp_path, "import json; from django.conf import settings as s\n"
                      "print(json.dumps({k: getattr(s, k, None) for k in ['SECURE_SSL_REDIRECT', "
                      "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', "
                      "'CSRF_COOKIE_SECURE', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', "
                      "'SECURE_PROXY_SSL_HEADER']}))\n",
                      SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_check_deploy_warns_without_https_settings():
    """The test settings (plain HTTP) are what `check --deploy` must complain about: the check is live."""
    out = StringIO()
    with override_settings(SECRET_KEY=secrets.token_urlsafe(64)):
        call_command("check", "--deploy", "--fail-level", "CRITICAL", stdout=out, stderr=out)
    assert "security.W008" in out.getvalue()  # SECURE_SSL_REDIRECT off
    assert "security.W004" in out.getvalue()  # no HSTS


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
                   SECURE_HSTS_SECONDS=31536000)
def test_ssl_redirect_honours_the_proxy_header(client):
    plain = client.get("/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_security_headers_on_a_page(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    """What the policy would block: <script> without src, <style>, style="...", on...="..."."""
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*=\s*[\"']"):
            for match in re.finditer(pattern, text, re.I):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


# --- request size ----------------------------------------------------------------------------


class Unreadable:
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def oversized(client, path, content_type, length, **extra):
    # An empty data argument: the client sets neither header itself, so both are given here.
    return client.generic("POST", path, b"", CONTENT_TYPE=content_type,
                          CONTENT_LENGTH=str(length), **{"wsgi.input": Unreadable(), **extra})


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1536 * 1024)
def test_oversized_json_body_refused_before_reading(client):
    response = oversized(client, "/api/v1/dossiers/", "application/json", 1536 * 1024 + 1)
    assert response.status_code == 413
    assert response.json() == {"detail": "Yêu cầu quá lớn (tối đa 1.5 MB); hệ thống không đọc yêu cầu này.",
                                "code": "too_large"}


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2 * 1024 * 1024)
def test_oversized_form_body_refused_in_english_on_request(client):
    response = oversized(client, "/tai-khoan/dang-nhap/?lang=en", "application/x-www-form-urlencoded",
                         2 * 1024 * 1024 + 1)
    assert response.status_code == 413
    assert response.content.decode() == "The request is too large (at most 2 MB); it was not read."


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_TOTAL_BYTES=5 * 1024 * 1024, UPLOAD_MAX_REQUEST_SIZE=None)
def test_multipart_limit_is_the_upload_total_plus_margin(client):
    limit = 6 * 1024 * 1024
    refused = oversized(client, "/api/v1/dossiers/", "multipart/form-data; boundary=x", limit + 1,
                        HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 413
    assert refused.json() == {"detail": "The request is too large (at most 6 MB); it was not read.",
                              "code": "too_large"}
    # At the limit the request goes on (to the view: unauthenticated here, so 401/403, not 413).
    response = client.generic("POST", "/api/v1/dossiers/", b"--x--\r\n", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(limit))
    assert response.status_code != 413


@pytest.mark.django_db
def test_normal_body_passes(client):
    response = client.post("/api/v1/dossiers/", data=json.dumps({"a": 1}), content_type="application/json")
    assert response.status_code in (401, 403)


# --- the policy in a real browser --------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_without_violations(page, live_server):
    """The portal, the sign-in page, the counter intake form (with its script) and the officer
    work queue: the browser reports no Content-Security-Policy violation."""
    from django.test import Client

    from motcua.backoffice.tests.scenario import build_world

    world = build_world()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))")
    for path in ("/", "/tai-khoan/dang-nhap/"):
        assert page.goto(f"{live_server.url}{path}").status == 200
    officer = Client()
    officer.force_login(world.counter_officer)
    page.context.add_cookies([{"name": "sessionid", "value": officer.cookies["sessionid"].value,
                               "url": live_server.url}])
    for path in ("/mot-cua/ho-so/", "/mot-cua/tiep-nhan/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert violations == []
