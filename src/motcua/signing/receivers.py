"""The signing app's answer to the engine's question "is this result signed?" (dossiers.hooks)."""
from motcua.dossiers.hooks import RESULT_SIGNATURE_CHECKS

from .services import result_is_signed

RESULT_SIGNATURE_CHECKS.register(result_is_signed, "signing")
