"""Links that carry a signed dossier code, so whoever holds the link (the applicant, from a notice
or the receipt) may act on that one dossier without an account. One salt per purpose, so a pay
link is never a rating link; the token expires after the purpose's maximum age."""
from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing


@dataclass(frozen=True)
class SignedCode:
    salt: str
    max_age_seconds: Callable[[], int]  # read at call time, so settings changes apply

    def token_for(self, code: str) -> str:
        return signing.dumps(code, salt=self.salt, compress=False)

    def code_from_token(self, token: str) -> str | None:
        """The dossier code, or None for a tampered, foreign or expired token."""
        try:
            return signing.loads(token or "", salt=self.salt, max_age=self.max_age_seconds())
        except signing.BadSignature:  # includes SignatureExpired
            return None
