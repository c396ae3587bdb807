"""This site's own address, for the links that leave it: SMS and e-mail, the QR code and the
tracking address printed on form 01, the rating link.

One place answers: `site_url()`. In production it is the `SITE_URL` setting (required: `manage.py
check --deploy` warns when it is missing or a loopback address). In development, when `SITE_URL`
is not set in the environment, the development server started by `manage.py runserver` (our
`core` override) puts its own address there once it has bound, so `runserver 8077` links to port
8077, not to the default 8000.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
WILDCARD_ADDRESSES = {"0", "0.0.0.0", "::", ""}


def site_url() -> str:
    """The base URL without a trailing slash, e.g. `https://dichvucong.example.gov.vn`."""
    return (getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute(path: str) -> str:
    """`path` (starting with "/") on this site."""
    return site_url() + path


def is_configured() -> bool:
    """Whether SITE_URL was given in the environment (or the settings module), not defaulted."""
    return bool(getattr(settings, "SITE_URL_IS_SET", False))


def development_server_url(addr: str, port, ipv6: bool = False, protocol: str = "http") -> str:
    """The address a development server bound to `addr`:`port` answers on; a wildcard address
    (all interfaces) is reached on the loopback address."""
    if addr in WILDCARD_ADDRESSES:
        host = "[::1]" if ipv6 and addr == "::" else "127.0.0.1"
    elif ipv6 or ":" in addr:
        host = f"[{addr}]"
    else:
        host = addr
    return f"{protocol}://{host}:{port}"


def adopt_development_server(addr: str, port, ipv6: bool = False, protocol: str = "http") -> str | None:
    """Point SITE_URL at the development server just started, unless SITE_URL was set explicitly.
    Returns the new address, or None when the configured one stays."""
    if is_configured():
        return None
    url = development_server_url(addr, port, ipv6, protocol)
    settings.SITE_URL = url
    return url


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """`manage.py check --deploy`: production links must not point at a developer's machine."""
    host = (urlsplit(site_url()).hostname or "").lower()
    if not is_configured() or host in {"127.0.0.1", "localhost", "::1", "0.0.0.0"}:
        return [checks.Warning(
            "SITE_URL is not set to this site's public address: SMS, e-mail, form 01's QR code and "
            "the rating links would point at %s." % site_url(),
            hint="Set SITE_URL, e.g. SITE_URL=https://dichvucong.example.gov.vn (docs/running.md).",
            id="motcua.W001",
        )]
    return []
