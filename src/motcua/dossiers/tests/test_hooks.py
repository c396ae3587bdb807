"""The hooks the engine calls are filled by the apps above it, once each."""
import pytest

from motcua.core.registry import Registry, UnknownPlugin
from motcua.dossiers import hooks


def test_every_hook_the_engine_calls_is_filled_by_its_app():
    filled = hooks.HOOKS.items()
    assert sorted(filled) == ["check_file", "discard_file", "fee_quote", "fit_stored_name", "prove_applicant",
                              "record_counter_payment"]
    owners = {name: function.__module__ for name, function in filled.items()}
    assert owners == {
        "check_file": "motcua.documents.uploads", "fit_stored_name": "motcua.documents.uploads",
        "discard_file": "motcua.documents.uploads", "fee_quote": "motcua.payments.fees",
        "record_counter_payment": "motcua.payments.services", "prove_applicant": "motcua.feedback.proofs",
    }


def test_an_unfilled_hook_is_a_programming_error_naming_the_filled_ones(monkeypatch):
    empty = Registry("dossier hook")
    monkeypatch.setattr(hooks, "HOOKS", empty)
    with pytest.raises(UnknownPlugin, match="unknown dossier hook 'check_file'; known: none"):
        hooks.check_file(object())
    hooks.provide(check_file=len)
    assert hooks.check_file("abc") == 3
    with pytest.raises(ValueError, match="already registered"):
        hooks.provide(check_file=str)
