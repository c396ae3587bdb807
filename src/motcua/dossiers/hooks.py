"""Registries through which higher apps answer questions the engine asks (dossiers imports none
of them).

`RESULT_SIGNATURE_CHECKS`: `check(dossier, result_file) -> bool`, asked by `resolve` when the
procedure version `requires_signed_result` and the result is electronic: True when the file is a
result signed for this dossier. The signing app registers one (`signing.receivers`).
"""
from motcua.core.registry import Registry

RESULT_SIGNATURE_CHECKS: Registry = Registry("result signature check")
