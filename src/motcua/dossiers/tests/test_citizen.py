"""The citizen's own actions from the portal: answering a supplement request, withdrawing."""
from functools import partial

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services as s
from motcua.dossiers import transitions
from motcua.dossiers.models import DossierEvent, Pause, Status

from motcua.testing.world import APPLICANT, at, documents_for
from motcua.testing import world as testing_world


@pytest.fixture
def citizen(db):
    return get_user_model().objects.create_user(username="citizen", password="x")


@pytest.fixture
def online(world, citizen):
    d = s.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                        documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    assert d.account == citizen
    return d


refused = partial(testing_world.refused, error=s.DossierActionError)


def test_officers_never_get_the_citizen_buttons(world, online):
    s.forget_permissions(world["counter"])
    assert "withdraw_by_applicant" not in s.actions_for(world["counter"], online)
    assert "submit_supplement" not in transitions.allowed_actions(Status.WAITING_SUPPLEMENT, {"dossier.receive",
                                                                                                "dossier.examine"})


def test_submit_supplement_restarts_the_clock_like_receive_supplement(world, online, citizen):
    d = s.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    d = s.request_supplement(world["counter"], d, items=["Trích lục bản đồ"], reason="Thiếu", at=at(2026, 3, 3, 8))
    due_before = d.due_at
    stranger = get_user_model().objects.create_user(username="stranger", password="x")
    refused("forbidden", s.submit_supplement, stranger, d, documents=[{"name": "x", "copies": 1}])
    refused("forbidden", s.submit_supplement, world["counter"], d, documents=[{"name": "x", "copies": 1}])
    refused("invalid", s.submit_supplement, citizen, d, documents=[])
    d = s.submit_supplement(citizen, d, documents=[{"name": "Trích lục bản đồ", "digitization": 1, "file": "a.pdf"}],
                            note="Gửi bổ sung", at=at(2026, 3, 5, 8))
    pause = Pause.objects.get(dossier=d)
    assert (pause.working_minutes, d.status, d.paused_minutes, d.paused_at) == (960, Status.PROCESSING, 960, None)
    # Online limit 8 days: Thursday 12 March; 16 paused working hours later is Monday 16 March.
    assert (due_before, d.due_at) == (at(2026, 3, 12, 8), at(2026, 3, 16, 8))
    assert d.documents.filter(is_supplement=True, digitization=1).count() == 1
    event = DossierEvent.objects.get(dossier=d, kind="submit_supplement")
    assert (event.actor, event.from_status, event.to_status, event.payload["documents"]) == (citizen, 5, 4, 1)
    refused("not_allowed", s.submit_supplement, citizen, d, documents=[{"name": "x", "copies": 1}])


def test_withdraw_by_applicant_before_and_after_receipt(world, online, citizen):
    refused("forbidden", s.withdraw_by_applicant, world["counter"], online)
    d = s.withdraw_by_applicant(citizen, online, reason="Nộp nhầm", at=at(2026, 3, 2, 10))
    assert (d.status, d.outcome, d.finished_at) == (Status.WITHDRAWN, None, at(2026, 3, 2, 10))
    assert DossierEvent.objects.get(dossier=d, kind="withdraw_by_applicant").payload["reason"] == "Nộp nhầm"
    refused("not_allowed", s.withdraw_by_applicant, citizen, d)

    second = s.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                             documents=documents_for(world), submitted_at=at(2026, 3, 2, 8))
    second = s.accept_online(world["counter"], second, at=at(2026, 3, 2, 9))
    second = s.withdraw_by_applicant(citizen, second, expected_version=second.version, at=at(2026, 3, 3, 9))
    assert (second.status, second.outcome) == (Status.WITHDRAWN, 1)  # early: well before the due date
    refused("not_allowed", s.withdraw_by_applicant, citizen, second)


def test_withdraw_by_applicant_stale_form(world, online, citizen):
    refused("stale", s.withdraw_by_applicant, citizen, online, expected_version=online.version + 5)
    online.refresh_from_db()
    assert online.status == Status.NEW
