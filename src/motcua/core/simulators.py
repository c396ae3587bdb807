"""The one rule for simulators: local stand-ins for outside services (the payment gateway
simulator, the SMS simulator and the console outbox, the population register simulator, and any
future postal, signing or national-service simulator) run only where explicitly allowed.

- `ALLOW_SIMULATORS` (environment `MOTCUA_ALLOW_SIMULATORS`, default: `DEBUG`) allows them.
- With `DEBUG` off they also need the explicit override `ALLOW_SIMULATORS_IN_PRODUCTION`
  (environment `MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION=1`), which is logged as a warning when the
  application starts (`warn_at_start`).

Every plugin selection calls `require_simulators_allowed(kind, name)` before handing out a
simulator (`core.registry.Registry.get` does, for every plugin marked `simulator = True`): it
raises `ImproperlyConfigured` otherwise. Defaults follow the same rule
(`simulators_allowed()`): the simulator where allowed, the real service otherwise. The system
check `motcua.E010` (`core/checks.py`) reports every simulator the settings select when they may
not run.
"""
from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("motcua.simulators")

OVERRIDE_ENV = "MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION"


def _flag(name: str, default: bool) -> bool:
    value = getattr(settings, name, None)
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def production_override() -> bool:
    """DEBUG is off and simulators are allowed anyway, by the explicit override."""
    return not settings.DEBUG and _flag("ALLOW_SIMULATORS_IN_PRODUCTION", False)


def simulators_allowed() -> bool:
    """May a simulator run here? Allowed (ALLOW_SIMULATORS, default DEBUG), and with DEBUG off
    only with the production override."""
    if settings.DEBUG:
        return _flag("ALLOW_SIMULATORS", True)
    return _flag("ALLOW_SIMULATORS_IN_PRODUCTION", False) and _flag("ALLOW_SIMULATORS", True)


def refusal(kind: str, name: str) -> str:
    if settings.DEBUG:
        return (f"The {kind} {name!r} is a simulator and simulators are not allowed here "
                f"(ALLOW_SIMULATORS is off). Configure the real service or set MOTCUA_ALLOW_SIMULATORS=1.")
    return (f"The {kind} {name!r} is a simulator: it must not run with DEBUG off. Configure the real "
            f"service, or set {OVERRIDE_ENV}=1 for a demonstration installation (logged).")


def require_simulators_allowed(kind: str, name: str) -> None:
    """Called by each plugin selection before it hands out a simulator."""
    if not simulators_allowed():
        raise ImproperlyConfigured(refusal(kind, name))


def warn_at_start() -> bool:
    """Log the production override once when the application starts. True if it was logged."""
    if production_override() and _flag("ALLOW_SIMULATORS", True):
        logger.warning(
            "%s is set: simulators (payment gateway, SMS, population register ...) may run with DEBUG off. "
            "No real payment, message or register lookup happens through them. Never on a live installation.",
            OVERRIDE_ENV,
        )
        return True
    return False


class JsonAnswerHandler(BaseHTTPRequestHandler):
    """The base of a simulator's HTTP handler (tests of the adapters' real HTTP): quiet, and one
    way to answer a JSON body, whose client may already have given up (a timeout test)."""

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
