"""Optimistic locking on dossier actions through the API (issue 17, hardening).

An action carries the version of the dossier it was shown (`version`, `expected_version` or the
If-Match header): without one it answers 428 (code version_required) and changes nothing; with a
stale one 409 (code stale). The outside test's 200 hand-overs without a version all succeeded;
now none does, and of 200 hand-overs sent with the same version only one succeeds.
"""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier
from motcua.testing.world import at


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.django_db
def test_hand_overs_without_a_version_all_refused(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    client = client_for(world["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/hand_over/"
    answers = [client.post(url, {"to_officer": "specialist"}, format="json") for _ in range(200)]
    assert {a.status_code for a in answers} == {428}
    assert answers[0].json()["code"] == "version_required"
    assert answers[0].json()["detail"].startswith("Hãy gửi phiên bản hồ sơ mà bạn đọc được lần cuối")
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version
    assert dossier.events.filter(kind="hand_over").count() == 0
    english = client.post(url + "?lang=en", {"to_officer": "specialist"}, format="json")
    assert english.json()["detail"].startswith("Send the dossier's version as you last read it")


@pytest.mark.django_db
def test_hand_overs_with_the_same_version_succeed_once(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    client = client_for(world["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/hand_over/"
    shown = dossier.version
    answers = [client.post(url, {"version": shown, "to_officer": "specialist"}, format="json") for _ in range(200)]
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 1 and codes.count(409) == 199
    assert {a.json()["code"] for a in answers[1:]} == {"stale"}
    assert dossier.events.filter(kind="hand_over").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).version == shown + 1


@pytest.mark.django_db
@pytest.mark.parametrize("header", ['"{v}"', "{v}", 'W/"{v}"'])
def test_if_match_header_carries_the_version(receive, world, header):
    dossier = receive(when=at(2026, 3, 2, 9))
    client = client_for(world["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/hand_over/"
    stale = client.post(url, {"to_officer": "specialist"}, format="json",
                        HTTP_IF_MATCH=header.format(v=dossier.version + 5))
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    ok = client.post(url, {"to_officer": "specialist"}, format="json", HTTP_IF_MATCH=header.format(v=dossier.version))
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == dossier.version + 1


@pytest.mark.django_db
def test_a_malformed_if_match_is_a_bad_request(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    response = client_for(world["counter"]).post(
        f"/api/v1/dossiers/{dossier.code}/actions/hand_over/?lang=en", {"to_officer": "specialist"},
        format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 400 and response.json() == {
        "detail": "The If-Match header must be the dossier's version, e.g. \"12\".", "code": "invalid"}


@pytest.mark.django_db
def test_the_schema_documents_version_and_428(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/dossiers/{code}/actions/{action}/"]["post"]
    assert "If-Match" in [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert {"409", "428"} <= set(operation["responses"])
