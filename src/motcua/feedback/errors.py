"""The one error type of the feedback app: a translated message and a short code.

Codes: `not_returned`, `window_closed`, `already_rated`, `invalid`, `not_found`, `forbidden`, `not_allowed`,
`throttled`. Views show the message; the API answers the code's status (`core/errors.HTTP_STATUS`).
"""
from motcua.core.errors import DomainError


class FeedbackError(DomainError):
    pass
