"""deploy/ stays true to the code: every environment setting the code reads is in the example
environment file, and nginx lets through exactly the upload request size the app accepts."""
import re
from pathlib import Path

from motcua.core.limits import max_total_bytes
from motcua.core.middleware import RequestSizeMiddleware

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "motcua"
DEPLOY = ROOT / "deploy"


def settings_read_from_the_environment() -> set[str]:
    names = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\("([A-Z0-9_]+)"', (SRC / "settings.py").read_text()))
    for conf in SRC.glob("*/conf.py"):  # the apps' settings, listed in their docstrings
        doc = conf.read_text().split('"""')[1]
        names |= set(re.findall(r"^([A-Z][A-Z0-9_]{3,})\b", doc, re.M))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (SRC / "notifications" / "providers.py").read_text()))
    return names


def test_the_environment_example_documents_every_setting():
    example = (DEPLOY / "motcua.env.example").read_text()
    documented = set(re.findall(r"\b([A-Z][A-Z0-9_]{2,})=", example))
    missing = settings_read_from_the_environment() - documented
    assert not missing, sorted(missing)


def test_nginx_takes_the_upload_size_the_app_takes(settings):
    conf = (DEPLOY / "nginx" / "motcua.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert megabytes * 1024 * 1024 == max_total_bytes() + RequestSizeMiddleware.MARGIN


def test_the_logs_keep_no_query_string():
    """The tracking page's proof (a phone or citizen ID) travels in the query string."""
    conf = (DEPLOY / "nginx" / "motcua.conf").read_text()
    log_format = conf.split("log_format motcua_access", 1)[1].split(";", 1)[0]
    assert "$uri" in log_format and "$request_uri" not in log_format and '$request"' not in log_format
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    assert "%(U)s" in gunicorn and "%(r)s" not in gunicorn and "%(q)s" not in gunicorn
