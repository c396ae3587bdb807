"""The one error type of the queue: a translated message and a short code.

Codes: `closed` (outside opening hours or a day off), `full` (daily cap), `inactive`, `not_assigned`
(the officer does not sit at that counter today), `wrong_state`, `other_day`, `empty` (nobody
waiting), `busy` (the counter still has a ticket), `invalid`, `early` (an appointment checked in
before its check-in window), `throttled` (too many bookings from one address). Views show the
message with a 4xx.
"""
from motcua.core.errors import DomainError


class QueueError(DomainError):
    """A refusal of the queue (a `core.errors.DomainError`: `code` and one translated message)."""
