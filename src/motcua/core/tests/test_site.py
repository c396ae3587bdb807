"""Issue 10 point 7: the links that leave the site (SMS, e-mail, form 01's QR code and its text)
follow the server actually started, or SITE_URL when it is set."""
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from pypdf import PdfReader

from motcua.core import site
from motcua.notifications.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[4]


def started(addr, port, *, ipv6=False):
    """What our runserver does once the server is bound on `addr`:`port` (settings must be overridden
    by the test's `settings` fixture, which undoes the change)."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    command.addr, command._raw_ipv6, command.protocol = addr, ipv6, "http"
    command.stdout = io.StringIO()
    command.on_bind(port)
    return command.stdout.getvalue()


def test_manage_py_runserver_is_ours_and_still_serves_static_files():
    assert get_commands()["runserver"] == "motcua.core"
    from django.contrib.staticfiles.management.commands.runserver import Command as Staticfiles

    assert issubclass(load_command_class("motcua.core", "runserver").__class__, Staticfiles)


@pytest.mark.parametrize(("addr", "port", "ipv6", "url"), [
    ("127.0.0.1", 8077, False, "http://127.0.0.1:8077"),
    ("localhost", 9000, False, "http://localhost:9000"),
    ("0.0.0.0", 8077, False, "http://127.0.0.1:8077"),
    ("0", 8000, False, "http://127.0.0.1:8000"),
    ("::1", 8077, True, "http://[::1]:8077"),
    ("::", 8077, True, "http://[::1]:8077"),
])
def test_development_server_address(addr, port, ipv6, url):
    assert site.development_server_url(addr, port, ipv6) == url


def test_a_started_server_becomes_the_site_url_unless_site_url_is_set(settings):
    settings.SITE_URL_IS_SET = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    out = started("127.0.0.1", 8077)
    assert site.site_url() == "http://127.0.0.1:8077" and "SITE_URL=http://127.0.0.1:8077" in out
    settings.SITE_URL_IS_SET, settings.SITE_URL = True, "https://dichvucong.example.gov.vn/"
    assert started("127.0.0.1", 8078).count("SITE_URL") == 0
    assert site.site_url() == "https://dichvucong.example.gov.vn"
    assert site.absolute("/tra-cuu/?ma=X") == "https://dichvucong.example.gov.vn/tra-cuu/?ma=X"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_hands_the_port_to_the_server_and_the_demo_logins():
    def commands(*args, env=None):
        result = subprocess.run(["make", "-n", "-s", "run", *args], cwd=ROOT, capture_output=True, text=True,
                                env=env, check=True)
        return [line for line in result.stdout.splitlines() if "manage.py runserver" in line or "demo_logins" in line]

    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    lines = commands("PORT=8077", env=env)
    assert len(lines) == 2 and all(line.startswith("SITE_URL=http://127.0.0.1:8077 ") for line in lines)
    assert lines[1].endswith("runserver 127.0.0.1:8077")
    lines = commands(env={**env, "SITE_URL": "https://dichvucong.example.gov.vn"})
    assert all(line.startswith("SITE_URL=https://dichvucong.example.gov.vn ") for line in lines)


@pytest.mark.django_db
def test_sms_and_form_01_link_to_the_started_server(settings, world, receive, django_capture_on_commit_callbacks,
                                                     monkeypatch):
    from motcua.printouts import pdf
    from motcua.printouts.registry import render_form

    settings.SITE_URL_IS_SET = False
    started("127.0.0.1", 8077)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive()
    expected = f"http://127.0.0.1:8077/tra-cuu/?ma={dossier.code}"
    sms = OutboxMessage.objects.get(dossier_code=dossier.code, event_kind="received", channel="sms")
    assert expected in sms.body and ":8000" not in sms.body

    encoded = []
    original = pdf.FormPDF.qr_code
    monkeypatch.setattr(pdf.FormPDF, "qr_code", lambda self, data, *a, **k: (encoded.append(data),
                                                                             original(self, data, *a, **k)))
    content = render_form("01", dossier)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert encoded == [expected]  # the QR code
    assert expected in text and ":8000" not in text  # and its text


def test_deploy_check_wants_a_public_site_url(settings):
    settings.SITE_URL_IS_SET, settings.SITE_URL = False, "http://127.0.0.1:8000"
    assert [w.id for w in site.check_site_url()] == ["motcua.W001"]
    settings.SITE_URL_IS_SET, settings.SITE_URL = True, "http://localhost:8000"
    assert [w.id for w in site.check_site_url()] == ["motcua.W001"]
    settings.SITE_URL = "https://dichvucong.example.gov.vn"
    assert site.check_site_url() == []
