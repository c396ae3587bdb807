"""The postal refusals: one `DomainError` subclass; the codes map to HTTP statuses in core.errors
(an unknown code is bad input, 400; `not_allowed` is 409, `not_found` 404, `forbidden` 403)."""
from motcua.core.errors import DomainError


class PostalError(DomainError):
    pass
