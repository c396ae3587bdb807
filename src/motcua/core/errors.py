"""The one base of refusals by the domain: a short `code` saying why and a message in the
request's language (gettext: English msgid, Vietnamese translation).

The dossier, feedback and payment apps raise subclasses of `DomainError`; pages show the message
(it is a Django `ValidationError`, so forms and `messages` take it as it is), and the API answers
`{"detail": message, "code": code}` with the HTTP status of `HTTP_STATUS` below
(`core.api.exception_handler`). One table for every app: a code means the same everywhere.
"""
from django.core.exceptions import ValidationError
from rest_framework import status

# code -> HTTP status of the API answer; a code not listed is bad input (400).
HTTP_STATUS = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    # The request is right but the state of the thing does not allow it now.
    "not_allowed": status.HTTP_409_CONFLICT,
    "stale": status.HTTP_409_CONFLICT,
    "second_supplement": status.HTTP_409_CONFLICT,
    "fee_unpaid": status.HTTP_409_CONFLICT,
    "unsigned_result": status.HTTP_409_CONFLICT,
    "signing_busy": status.HTTP_409_CONFLICT,
    "remote_unavailable": status.HTTP_503_SERVICE_UNAVAILABLE,
    "nothing_owed": status.HTTP_409_CONFLICT,
    "too_much": status.HTTP_409_CONFLICT,
    "not_returned": status.HTTP_409_CONFLICT,
    "window_closed": status.HTTP_409_CONFLICT,
    "already_rated": status.HTTP_409_CONFLICT,
    "version_required": status.HTTP_428_PRECONDITION_REQUIRED,
    "throttled": status.HTTP_429_TOO_MANY_REQUESTS,
    # An outside service (the postal partner) cannot be reached now: try again later.
    "partner_down": status.HTTP_503_SERVICE_UNAVAILABLE,
    # An outside service we depend on cannot answer now (the e-receipt provider ...).
    "unavailable": status.HTTP_503_SERVICE_UNAVAILABLE,
}


class DomainError(ValidationError):
    """A refusal: `code` (a key of HTTP_STATUS, or another code of bad input) and one message."""

    def __init__(self, code: str, message):
        super().__init__(message, code=code)  # sets self.code and self.message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, status.HTTP_400_BAD_REQUEST)


class Throttled(Exception):
    """Too many attempts (e.g. wrong applicant proofs): answer 429 with `message` and a
    Retry-After of `retry_after` seconds. Subclasses say what was throttled (feedback.proofs)."""

    message: str = ""
    retry_after: int = 60
