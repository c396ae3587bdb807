"""One domain error base, answered once (core/errors.py, core/api.py), and one API pattern: no app
imports another app's API module, every operation documents the refusals it can give."""
import ast
import pathlib

import pytest
from django.utils import translation
from rest_framework.test import APIRequestFactory

from motcua.core.api import exception_handler
from motcua.core.errors import HTTP_STATUS, DomainError
from motcua.dossiers.services import DossierActionError
from motcua.feedback.errors import FeedbackError
from motcua.payments.fees import FeeError
from motcua.payments.services import PaymentError
from motcua.testing import parse_python

APPS = pathlib.Path(__file__).resolve().parents[2]


def answer(error):
    return exception_handler(error, {"request": APIRequestFactory().get("/")})


@pytest.mark.parametrize("error_class", [DossierActionError, FeedbackError, PaymentError])
def test_each_apps_error_is_a_domain_error_answered_with_its_codes_status(error_class):
    for code, status in [("stale", 409), ("forbidden", 403), ("not_found", 404), ("version_required", 428),
                         ("throttled", 429), ("invalid", 400), ("bad_type", 400)]:
        response = answer(error_class(code, "Lý do"))
        assert (response.status_code, response.data) == (status, {"detail": "Lý do", "code": code})


def test_a_fee_error_is_bad_input():
    error = FeeError("Mức miễn giảm không hợp lệ.")
    assert isinstance(error, DomainError) and error.code == "invalid" and error.messages == ["Mức miễn giảm không hợp lệ."]
    assert answer(error).status_code == 400


def test_the_message_is_the_one_translated_when_raised():
    from django.utils.translation import gettext as _

    with translation.override("en"):
        english = PaymentError("nothing_owed", _("Choose cash, card or bank transfer."))
    with translation.override("vi"):
        vietnamese = PaymentError("nothing_owed", _("Choose cash, card or bank transfer."))
    assert answer(english).data["detail"] == "Choose cash, card or bank transfer."
    assert answer(vietnamese).data["detail"] != english.message and answer(vietnamese).status_code == 409


def test_every_conflict_code_of_the_apps_is_in_the_one_table():
    documented = {"not_allowed", "stale", "second_supplement", "fee_unpaid", "nothing_owed", "too_much",
                  "not_returned", "window_closed", "already_rated", "unsigned_result", "signing_busy"}
    assert {code for code, status in HTTP_STATUS.items() if status == 409} == documented


def _imported_modules(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(parse_python(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_app_imports_another_apps_api_module():
    """Shared API pieces live in core (core/api.py, core/idempotency.py); an app's api.py is its own."""
    offenders = []
    for path in APPS.glob("*/**/*.py"):
        app = path.relative_to(APPS).parts[0]
        if "tests" in path.parts:
            continue
        for module in _imported_modules(path):
            parts = module.split(".")
            if len(parts) >= 3 and parts[0] == "motcua" and parts[2] in ("api", "api_urls") and parts[1] not in (
                    app, "core"):
                offenders.append(f"{path.relative_to(APPS)} imports {module}")
    assert offenders == []


@pytest.mark.django_db
def test_every_operation_documents_the_common_refusals(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Error"]["properties"].keys() == {"detail", "code"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if any(requirement for requirement in operation.get("security", [{}])):
                assert {"401", "403"} <= responses, where
            if "{" in path:
                assert "404" in responses, where
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= responses, where
    tracking = schema["paths"]["/api/v1/tracking/{code}/"]["get"]
    assert "401" not in tracking["responses"] and "429" in tracking["responses"]  # public, no authentication
