"""The dossier actions through the API: one input serializer per action (`api.API_ACTIONS`), so
each action takes and documents its own fields, and every refusal answers as a domain error."""
import pytest

from motcua.dossiers import api
from motcua.dossiers.transitions import TRANSITIONS

from motcua.testing.world import at, client_for


def test_the_api_takes_every_officer_action_of_the_transition_table():
    officers = {name for name, t in TRANSITIONS.items() if t.from_statuses and t.scope != "owner"}
    assert set(api.API_ACTIONS) == officers - {"digitise_document"}
    assert api.ACTIONS == sorted(api.API_ACTIONS)


@pytest.mark.django_db
def test_the_schema_shows_each_actions_own_fields(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/dossiers/{code}/actions/{action}/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    choices = {ref["$ref"].rsplit("/", 1)[-1] for ref in components[body]["oneOf"]}
    assert {"HandOverInput", "ReasonInput", "ApologyInput", "CounterPaymentInput", "VersionInput"} <= choices
    hand_over = components["HandOverInput"]["properties"]
    assert {"version", "to_step", "to_agency", "to_officer", "note"} <= set(hand_over)
    assert not {"amount", "reason", "result_file", "items"} & set(hand_over)
    assert set(components["VersionInput"]["properties"]) == {"version", "expected_version"}
    assert components["ReasonInput"]["required"] == ["reason"]
    assert sorted(components["ApologyInput"]["required"]) == ["new_appointment", "reason"]
    assert "- `hand_over`: HandOverInput" in operation["description"]


@pytest.mark.django_db
def test_a_missing_required_field_is_a_field_error_and_changes_nothing(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    url = f"/api/v1/dossiers/{dossier.code}/actions/"
    client = client_for(world["counter"])
    refused = client.post(url + "refuse_intake/?lang=en", {"version": dossier.version}, format="json")
    assert refused.status_code == 400 and refused.json() == {"reason": ["This field is required."]}
    empty = client.post(url + "request_supplement/", {"version": dossier.version, "items": [], "reason": "Thiếu"},
                        format="json")
    assert empty.status_code == 400 and "items" in empty.json()
    too_long = client.post(url + "refuse_intake/", {"version": dossier.version, "reason": "x" * 1001}, format="json")
    assert too_long.status_code == 400 and "reason" in too_long.json()
    dossier.refresh_from_db()
    assert dossier.version == 1 and dossier.events.count() == 1


@pytest.mark.django_db
def test_an_action_reads_only_its_own_fields(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    url = f"/api/v1/dossiers/{dossier.code}/actions/"
    started = client_for(world["counter"]).post(
        url + "start_processing/", {"version": dossier.version, "reason": "ignored", "amount": "not a number"},
        format="json")
    assert started.status_code == 200 and started.json()["status"] == 4
    assigned = client_for(world["counter"]).post(url + "assign/?lang=en", {"version": 2, "officer": "nobody"},
                                                 format="json")
    assert assigned.status_code == 400 and assigned.json() == {"detail": "Unknown officer: nobody.", "code": "invalid"}


@pytest.mark.django_db
def test_unknown_actions_and_dossiers_answer_404_with_a_code(receive, world):
    dossier = receive(when=at(2026, 3, 2, 9))
    client = client_for(world["counter"])
    unknown = client.post(f"/api/v1/dossiers/{dossier.code}/actions/submit_supplement/", {}, format="json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"  # the applicant's, on the portal
    missing = client.get("/api/v1/dossiers/NO-SUCH/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
