"""The one error type of the feedback app: a translated message and a short code.

Codes: `not_returned`, `window_closed`, `already_rated`, `invalid`, `not_found`, `forbidden`, `not_allowed`,
`throttled`. Views show the message; the API maps the code to a status (see `api.py`).
"""
from django.core.exceptions import ValidationError


class FeedbackError(ValidationError):
    def __init__(self, code: str, message):
        super().__init__(message, code=code)
        self.code = code
