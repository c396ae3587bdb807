from motcua.core.errors import DomainError


class NationalSyncError(DomainError):
    """A synchronisation request the person cannot make: outside their scope, or an unknown dossier."""
