"""The one error type of the queue: a translated message and a short code.

Codes: `closed` (outside opening hours or a day off), `full` (daily cap), `inactive`, `not_assigned`
(the officer does not sit at that counter today), `wrong_state`, `other_day`, `empty` (nobody
waiting), `busy` (the counter still has a ticket), `invalid`. Views show the message with a 4xx.
"""
from django.core.exceptions import ValidationError


class QueueError(ValidationError):
    def __init__(self, code: str, message):
        super().__init__(message, code=code)
        self.code = code
