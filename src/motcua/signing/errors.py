from motcua.core.errors import DomainError


class SigningError(DomainError):
    """A refusal of signing or of a certified copy: nothing was written."""
