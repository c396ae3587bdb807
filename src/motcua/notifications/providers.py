"""Delivery providers: plugins in a registry (`PROVIDERS`, a `core.registry.Registry`), chosen
per channel by name.

A provider implements `send(message) -> provider_message_id`. It raises `TemporaryFailure` for
what may succeed later (network, gateway 5xx: the task retries with backoff) and
`PermanentFailure` for what never will (an invalid phone number: no retry).

Settings (environment): MOTCUA_SMS_PROVIDER (default "console"), MOTCUA_EMAIL_PROVIDER
(default "console"); the SMS gateway reads MOTCUA_SMS_GATEWAY_URL, MOTCUA_SMS_GATEWAY_TOKEN,
MOTCUA_SMS_SENDER.
"""
import json
import logging
import os
import threading
import urllib.error
import urllib.request
import uuid
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from motcua.core.registry import Registry

from .phones import InvalidPhone, normalize_mobile

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class Provider:
    name = ""
    channels: tuple[str, ...] = ()
    # A stand-in that delivers to no one (console outbox, SMS simulator): selectable only where
    # simulators may run (motcua.core.simulators).
    simulator = False

    def send(self, message) -> str:
        raise NotImplementedError


PROVIDERS: Registry[type[Provider]] = Registry(
    "notification provider", setting="MOTCUA_SMS_PROVIDER / MOTCUA_EMAIL_PROVIDER", unknown=PermanentFailure)
register = PROVIDERS.register


def get_provider(name: str) -> Provider:
    """An unknown name is a `PermanentFailure` (the message is not retried); a simulator where
    simulators may not run is ImproperlyConfigured."""
    return PROVIDERS.get(name)()


# The real provider of each channel, the default where simulators may not run.
REAL_DEFAULTS = {"sms": "sms_gateway", "email": "smtp"}


def provider_name_for(channel: str) -> str:
    """The provider of a channel: MOTCUA_<CHANNEL>_PROVIDER, else MOTCUA_NOTIFICATION_PROVIDERS,
    else the console outbox where simulators may run and the real provider otherwise."""
    from motcua.core.simulators import simulators_allowed

    fallback = "console" if simulators_allowed() else REAL_DEFAULTS.get(channel, "console")
    default = getattr(settings, "MOTCUA_NOTIFICATION_PROVIDERS", {}).get(channel, fallback)
    return os.environ.get(f"MOTCUA_{channel.upper()}_PROVIDER", default)


def selected_simulators() -> list[tuple[str, str]]:
    """For the system check (core/checks.py): the simulators the settings select."""
    found = []
    for channel in ("sms", "email"):
        name = provider_name_for(channel)
        if PROVIDERS.is_simulator(name):
            found.append((f"{channel} provider", name))
    return found


def outbox_log_path():
    return settings.VAR_DIR / "outbox.log"


_log_lock = threading.Lock()


def _append_to_log(record: dict) -> None:
    path = outbox_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _log_lock, open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")


@register
class ConsoleProvider(Provider):
    """The embedded default: appends each message as a JSON line to var/outbox.log."""

    name = "console"
    channels = ("sms", "email")
    simulator = True

    def send(self, message) -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        _append_to_log(
            {
                "id": message_id,
                "at": timezone.now().isoformat(),
                "channel": message.channel,
                "to": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "dossier": message.dossier_code,
            }
        )
        logger.info("notification %s to %s via console", message.channel, message.recipient)
        return message_id


@register
class SmtpEmailProvider(Provider):
    """E-mail through Django's e-mail backend (EMAIL_HOST, EMAIL_PORT ... from the settings)."""

    name = "smtp"
    channels = ("email",)

    def send(self, message) -> str:
        message_id = make_msgid(domain="motcua")
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            email.send(fail_silently=False)
        except (OSError, ConnectionError) as error:  # smtplib errors are OSError subclasses
            raise TemporaryFailure(str(error)) from error
        return message_id


@register
class SmsGatewayProvider(Provider):
    """A brand-name SMS gateway over HTTP: JSON POST with a bearer token, answer {"message_id": ...}.

    The shape most Vietnamese gateways share; an operator whose gateway names fields differently
    subclasses this and overrides `payload` / `message_id_from`.
    """

    name = "sms_gateway"
    channels = ("sms",)
    timeout = 10

    def __init__(self):
        self.url = os.environ.get("MOTCUA_SMS_GATEWAY_URL", "")
        self.token = os.environ.get("MOTCUA_SMS_GATEWAY_TOKEN", "")
        self.sender = os.environ.get("MOTCUA_SMS_SENDER", "MOTCUA")

    def payload(self, phone: str, text: str, reference: str) -> dict:
        return {"to": phone, "text": text, "sender": self.sender, "reference": reference}

    def message_id_from(self, answer: dict) -> str:
        message_id = answer.get("message_id") or answer.get("id")
        if not message_id:
            raise TemporaryFailure(f"gateway answer without message id: {answer}")
        return str(message_id)

    def send(self, message) -> str:
        if not self.url:
            raise PermanentFailure("MOTCUA_SMS_GATEWAY_URL is not set")
        try:
            phone = normalize_mobile(message.recipient)
        except InvalidPhone:
            raise PermanentFailure(f"invalid mobile number {message.recipient!r}") from None
        body = json.dumps(self.payload(phone, message.body, f"outbox-{message.pk}")).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise PermanentFailure(f"gateway refused ({error.code}): {detail}") from error
            raise TemporaryFailure(f"gateway error ({error.code}): {detail}") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise TemporaryFailure(f"gateway unreachable: {error}") from error
        return self.message_id_from(answer)


@register
class SmsSimulatorProvider(Provider):
    """A local stand-in for the gateway: validates the number like the gateway does, fails
    deterministically (and permanently) for an invalid one, and logs the rest to var/outbox.log."""

    name = "sms_simulator"
    channels = ("sms",)
    simulator = True

    def send(self, message) -> str:
        try:
            phone = normalize_mobile(message.recipient)
        except InvalidPhone:
            raise PermanentFailure(f"invalid mobile number {message.recipient!r}") from None
        message_id = f"sim-{uuid.uuid5(uuid.NAMESPACE_URL, f'{phone}/{message.pk}').hex[:16]}"
        _append_to_log(
            {"id": message_id, "at": timezone.now().isoformat(), "channel": "sms", "to": phone, "body": message.body}
        )
        return message_id
