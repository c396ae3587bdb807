"""The procedure API says in its schema what it answers: a document, fee or step that belongs to
every case has `case: null`, a step without a named agency `agency: null` (found by the fuzzer)."""
import pytest
from rest_framework.test import APIClient

from .conftest import birth_registration

pytestmark = pytest.mark.django_db


def test_null_case_and_agency_are_declared_nullable_and_answered_as_null(org):
    version = birth_registration(org)
    client = APIClient()
    detail = client.get(f"/api/v1/procedures/{version.procedure.code}/").json()
    assert None in [doc["case"] for doc in detail["documents"]]  # the documents every case needs
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schemas["Document"]["properties"]["case"]["nullable"] is True
    assert schemas["Fee"]["properties"]["case"]["nullable"] is True
    assert schemas["Step"]["properties"]["case"]["nullable"] is True
    assert schemas["Step"]["properties"]["agency"]["nullable"] is True
