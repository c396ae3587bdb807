"""The refusal of a dossier command, in a module of its own so that the pure deadline rules can
raise it without importing the commands."""
from motcua.core.errors import DomainError


class DossierActionError(DomainError):
    """A refused action. `code` says why:

    not_allowed (the status does not allow it), stale (someone else acted first), forbidden (no
    permission for this dossier's agency), invalid (bad input), second_supplement, not_found,
    fee_unpaid (a fee is owed: the result is not returned, or not issued when payable before it).
    """
