"""The transition table drives every command: each action, taken from each status the table allows
it from, leaves the dossier in the status `transitions.target_status` gives (fixed, unchanged, or
the status saved when the clock stopped), and its event records both statuses."""
import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent, Pause, Status
from motcua.dossiers.transitions import (APPROVE, ASSIGN, EXAMINE, OWNER, RECEIVE, TRANSITIONS, target_status,
                                         transition_for)

from motcua.testing.world import APPLICANT, at, documents_for

# The dossier is built in early March 2026; a late resolution on 4 May (due 12 March); the action
# under test on 1 June, when the dossier is late (so that an apology is possible).
ACTION_AT = at(2026, 6, 1, 9)
ACTOR_BY_PERMISSION = {RECEIVE: "counter", EXAMINE: "specialist", APPROVE: "leader", ASSIGN: "leader", OWNER: "citizen"}

ACTION_PAIRS = [
    (action, status) for action, t in TRANSITIONS.items() for status in sorted(t.from_statuses)
]


@pytest.fixture
def people(world):
    return {**world, "citizen": get_user_model().objects.create_user(username="citizen", password="x")}


def dossier_in(status, people):
    """An online dossier of the citizen's account, brought to `status` through the commands."""
    counter, leader = people["counter"], people["leader"]
    d = s.submit_online(people["citizen"], procedure_version=people["version"], applicant=APPLICANT,
                        documents=documents_for(people), submitted_at=at(2026, 3, 2, 8))
    if status == Status.NEW:
        return d
    d = s.accept_online(counter, d, at=at(2026, 3, 2, 9))
    d = s.record_payment(counter, d, amount=s.fee_owed(d), method="cash", at=at(2026, 3, 2, 9, 30))
    if status == Status.RECEIVED:
        return d
    if status == Status.WAITING_SUPPLEMENT:
        return s.request_supplement(counter, d, items=["Trích lục bản đồ"], reason="Thiếu", at=at(2026, 3, 3, 8))
    d = s.start_processing(counter, d, at=at(2026, 3, 3, 8))
    if status == Status.PROCESSING:
        return d
    if status == Status.WAITING_PAYMENT:
        return s.request_payment(counter, d, amount=s.fee_owed(d) + 10000, at=at(2026, 3, 3, 9))
    d = s.resolve(leader, d, at=at(2026, 5, 4, 8))
    if status == Status.RESOLVED:
        return d
    assert status == Status.RETURNED, status
    return s.return_result(counter, d, at=at(2026, 5, 4, 9))


def arguments(action, dossier, people):
    return {
        "refuse_intake": {"reason": "Không đúng thẩm quyền"},
        "request_supplement": {"items": ["Trích lục bản đồ"], "reason": "Thiếu"},
        "request_payment": {"amount": 10000},
        "record_payment": {"amount": 1000, "method": "cash"},
        "assign": {"officer": people["specialist"]},
        "stop": {"reason": "Dừng theo đề nghị"},
        "withdraw": {"reason": "Rút theo đề nghị"},
        "apologise": {"new_appointment": at(2026, 6, 10, 8).date(), "reason": "Chậm thẩm định"},
        "digitise_document": {"document": dossier.documents.order_by("pk").first(), "file": "scan.pdf"},
        "submit_supplement": {"documents": [{"name": "Trích lục bản đồ", "digitization": 1, "file": "a.pdf"}]},
    }.get(action, {})


@pytest.mark.parametrize(("action", "from_status"), ACTION_PAIRS, ids=[f"{a}-from-{s}" for a, s in ACTION_PAIRS])
def test_every_action_leaves_the_status_the_table_gives(people, action, from_status):
    transition = transition_for(action)
    dossier = dossier_in(from_status, people)
    assert dossier.status == from_status
    pause = Pause.objects.filter(dossier=dossier, ended_at__isnull=True).first()
    actor = people[ACTOR_BY_PERMISSION[transition.permissions[0]]]
    command = getattr(s, action)

    after = command(actor, dossier, **arguments(action, dossier, people), at=ACTION_AT)

    expected = target_status(action, from_status, pause.resume_status if pause else None)
    assert after.status == expected
    after.refresh_from_db()
    assert after.status == expected
    event = DossierEvent.objects.filter(dossier=after).latest("pk")
    assert (event.kind, event.from_status, event.to_status) == (action, from_status, expected)


def test_the_resumed_status_is_the_one_before_the_pause(people):
    """confirm_payment's RESUME: from 2 it goes back to 2, from 4 back to 4."""
    received = dossier_in(Status.RECEIVED, people)
    waiting = s.request_payment(people["counter"], received, amount=s.fee_owed(received) + 5000, at=ACTION_AT)
    assert s.confirm_payment(people["counter"], waiting, at=at(2026, 6, 2, 9)).status == Status.RECEIVED
    processing_then_waiting = dossier_in(Status.WAITING_PAYMENT, people)
    assert s.confirm_payment(people["counter"], processing_then_waiting, at=ACTION_AT).status == Status.PROCESSING


@pytest.mark.parametrize("action", [a for a, t in TRANSITIONS.items() if not t.from_statuses])
def test_every_creating_action_gives_the_tables_first_status(people, action):
    kwargs = {"procedure_version": people["version"], "applicant": APPLICANT, "documents": documents_for(people),
              "service_point": people["centre"]}
    actor = people["counter"] if TRANSITIONS[action].permissions else people["citizen"]
    if action == "submit_online":
        dossier = s.submit_online(actor, submitted_at=at(2026, 3, 2, 8), **kwargs)
    else:
        dossier = getattr(s, action)(actor, received_at=at(2026, 3, 2, 8), **kwargs)
    assert dossier.status == TRANSITIONS[action].to_status
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.kind, event.from_status, event.to_status) == (action, None, dossier.status)


def test_every_action_of_the_table_is_one_command_of_the_package():
    missing = [action for action in TRANSITIONS if not callable(getattr(s, action, None))]
    assert missing == []


def test_the_citizens_actions_take_the_officers_lock_path_with_the_owner_scope(people):
    """Someone else's account, an officer and a system are refused as `forbidden` before the
    status is looked at; the owner with a stale form is refused as `stale`."""
    dossier = dossier_in(Status.WAITING_SUPPLEMENT, people)
    stranger = get_user_model().objects.create_user(username="stranger", password="x")
    documents = [{"name": "Trích lục bản đồ", "copies": 1}]
    for actor in (stranger, people["counter"], s.SystemActor("payment_gateway")):
        with pytest.raises(s.DossierActionError) as info:
            s.submit_supplement(actor, dossier, documents=documents, at=ACTION_AT)
        assert info.value.code == "forbidden"
        assert not s.citizen_can(actor, dossier, "submit_supplement")
    with pytest.raises(s.DossierActionError) as info:
        s.submit_supplement(people["citizen"], dossier, documents=documents, expected_version=dossier.version - 1,
                            at=ACTION_AT)
    assert info.value.code == "stale"
    assert s.citizen_can(people["citizen"], dossier, "submit_supplement")
    # The same rule answers which buttons to show: the owner sees their actions, nobody else does.
    assert "submit_supplement" in s.actions_for(people["citizen"], dossier)
    superuser = get_user_model().objects.create_superuser(username="root", password="x")
    assert "submit_supplement" not in s.actions_for(superuser, dossier)
