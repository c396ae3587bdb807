"""Calls to outside services over HTTP: the address rule and the one POST of JSON that the
adapters (population register, business registry, national procedure database) share."""
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
# Plain http is allowed only to this machine (the simulators and tests).
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def require_https(url: str, setting: str) -> str:
    """`url` if it is https:// (or http:// to this machine); else ImproperlyConfigured naming `setting`."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise ImproperlyConfigured(f"{setting} must be an https:// address.")
    return url


def post_json(url: str, payload: dict, *, token: str, timeout: float, service: str,
              unavailable: type[Exception], timed_out: type[Exception], not_found_is_none: bool = False) -> bytes | None:
    """POST `payload` as JSON with a bearer token and return the answer's body. A 404 is None when
    `not_found_is_none`; any other HTTP error, a refused connection or a bad address raises
    `unavailable`, no answer within `timeout` raises `timed_out` (each naming `service`)."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404 and not_found_is_none:
            return None
        logger.warning("%s answered HTTP %s", service, error.code)
        raise unavailable(f"{service}: HTTP {error.code}") from error
    except (TimeoutError, socket.timeout) as error:
        raise timed_out(f"{service} did not answer in time.") from error
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), (TimeoutError, socket.timeout)):
            raise timed_out(f"{service} did not answer in time.") from error
        raise unavailable(f"{service}: {error}") from error
