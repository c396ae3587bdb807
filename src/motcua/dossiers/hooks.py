"""What the dossier engine asks of the apps built on it, without importing them.

The engine sits below documents, payments and feedback (docs/index.md), yet a command must check
a file it is given, the intake must quote a fee with exemptions, and the dossier API takes a
counter payment and throttles the applicant's proofs. Each of those apps fills its hooks in its
`AppConfig.ready` (`provide(name=function)`); the engine calls the functions below. A hook nobody
filled is a programming error: the registry's `UnknownPlugin`, naming the filled ones.

Hooks and who fills them:
- check_file(upload) -> File: the one upload check (type, size, virus scan); raises
  ValidationError with the person's message. Documents (`uploads.ensure_checked`).
- fit_stored_name(name, max_length) -> str: a stored file's name that fits the field. Documents.
- discard_file(name): delete a replaced file once nothing refers to it. Documents.
- fee_quote(procedure_version, case, *, online, exemption_ids) -> quote with `total` and
  `reasons()`; raises a DomainError when a rule cannot apply. Payments (`fees.compute_fee`).
- record_counter_payment(actor, dossier, amount, method, receipt_number, *, expected_version):
  a payment taken at the counter. Payments (`services.record_counter_payment`).
- prove_applicant(code, client_ip, check) -> bool: run `check()` under the proof throttle;
  raises a `core.errors.Throttled`. Feedback (`proofs.attempt`).

`RESULT_SIGNATURE_CHECKS`: `check(dossier, result_file) -> bool`, asked by `resolve` when the
procedure version `requires_signed_result` and the result is electronic: True when the file is a
result signed for this dossier. The signing app registers one (`signing.receivers`).
"""
from __future__ import annotations

from collections.abc import Callable

from motcua.core.registry import Registry

HOOKS: Registry[Callable] = Registry("dossier hook")
RESULT_SIGNATURE_CHECKS: Registry = Registry("result signature check")


def provide(**functions: Callable) -> None:
    """Fill hooks by name (from an AppConfig.ready); filling one twice with another function is
    a programming error."""
    for name, function in functions.items():
        HOOKS.register(function, name)


def check_file(upload):
    return HOOKS.get("check_file")(upload)


def fit_stored_name(name: str, max_length: int) -> str:
    return HOOKS.get("fit_stored_name")(name, max_length)


def discard_file(name: str):
    return HOOKS.get("discard_file")(name)


def fee_quote(procedure_version, case, *, online: bool, exemption_ids):
    return HOOKS.get("fee_quote")(procedure_version, case, online=online, exemption_ids=exemption_ids)


def record_counter_payment(actor, dossier, amount, method: str, receipt_number: str, *, expected_version):
    return HOOKS.get("record_counter_payment")(actor, dossier, amount, method, receipt_number,
                                               expected_version=expected_version)


def prove_applicant(code: str, client_ip: str, check: Callable[[], bool]) -> bool:
    return HOOKS.get("prove_applicant")(code, client_ip, check)
