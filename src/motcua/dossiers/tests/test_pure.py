"""The pure parts: transition table, identity numbers, classification by date."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.dossiers import transitions
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import Outcome, Status
from motcua.core.identity_numbers import normalise_tax_code, validate_citizen_id

from motcua.testing.world import at

ALL_STATUSES = [s.value for s in Status]


def test_every_action_has_its_from_statuses_and_permission():
    expected = {
        "accept_online": {1}, "refuse_intake": {1, 2}, "start_processing": {2},
        "request_supplement": {2, 4}, "receive_supplement": {5}, "hand_over": {2, 4},
        "request_payment": {2, 4}, "confirm_payment": {6}, "assign": {2, 4, 5, 6}, "stop": {2, 4, 5, 6},
        "withdraw": {2, 4, 5, 6}, "resolve": {2, 4}, "apologise": {2, 4, 5, 6, 9}, "return_result": {9},
    }
    for action, statuses in expected.items():
        assert set(transitions.TRANSITIONS[action].from_statuses) == statuses, action
        for status in ALL_STATUSES:
            assert transitions.is_allowed(action, status) == (status in statuses), (action, status)
    assert transitions.TRANSITIONS["resolve"].permissions == ("dossier.approve",)
    assert transitions.TRANSITIONS["assign"].permissions == ("dossier.assign",)
    assert transitions.TRANSITIONS["submit_online"].permissions == ()


def test_target_status():
    assert transitions.target_status("request_supplement", 4) == Status.WAITING_SUPPLEMENT
    assert transitions.target_status("receive_supplement", 5) == Status.PROCESSING
    assert transitions.target_status("confirm_payment", 6, resume_status=2) == 2
    assert transitions.target_status("assign", 5) == 5
    assert transitions.target_status("apologise", 9) == 9
    with pytest.raises(ValueError):
        transitions.target_status("confirm_payment", 6)


def test_allowed_actions_by_permission():
    counter = transitions.allowed_actions(Status.RESOLVED, {"dossier.receive"})
    assert counter == ["record_payment", "return_result", "digitise_document"]
    leader = transitions.allowed_actions(Status.PROCESSING, {"dossier.approve", "dossier.assign"})
    assert "resolve" in leader and "assign" in leader and "request_supplement" not in leader


@pytest.mark.parametrize("number,error", [
    ("038190012345", None),
    ("001099000001", None),
    ("03819001234", "citizen_id_format"),
    ("03819001234X", "citizen_id_format"),
    ("003190012345", "citizen_id_province"),  # 003 is no province code
    ("038399012345", "citizen_id_year"),  # female born 2099
])
def test_citizen_id_structure(number, error):
    if error is None:
        validate_citizen_id(number)
    else:
        with pytest.raises(ValidationError) as exc:
            validate_citizen_id(number)
        assert exc.value.code == error


def test_citizen_id_must_match_birth_year():
    validate_citizen_id("038190012345", datetime.date(1990, 1, 1))
    with pytest.raises(ValidationError):
        validate_citizen_id("038190012345", datetime.date(1991, 1, 1))
    validate_citizen_id("038205012345", datetime.date(2005, 1, 1))  # 2 = male born in the 2000s


def test_tax_code():
    assert normalise_tax_code("0101234567") == "0101234567"
    assert normalise_tax_code("0101234567-001") == "0101234567-001"
    assert normalise_tax_code("0101234567001") == "0101234567-001"
    for bad in ("12345", "010123456a", "0101234567-01"):
        with pytest.raises(ValidationError):
            normalise_tax_code(bad)


def test_classification_is_by_date():
    due = at(2026, 3, 16, 8, 0)
    assert classify(at(2026, 3, 13, 16, 0), due) == Outcome.EARLY
    assert classify(at(2026, 3, 16, 16, 59), due) == Outcome.ON_TIME  # later the same day: on time
    assert classify(at(2026, 3, 17, 7, 0), due) == Outcome.LATE
    assert classify(at(2026, 3, 13, 16, 0), due, supplement_count=2) == Outcome.LATE
    assert classify(at(2026, 3, 13, 16, 0), None) is None
