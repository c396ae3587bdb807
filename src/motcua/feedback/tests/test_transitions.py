"""Every feedback command against the table of `transitions.py`: possible exactly from the table's
states, leaving the table's state, by the table's actor; and no command checks a state itself."""
import datetime
import inspect
import itertools

import pytest
from django.contrib.auth import get_user_model

from motcua.feedback import officer_views, services, transitions
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import Feedback, FeedbackEvent, State

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 3, 9)
SENDER = {"sender_name": "Trần Thị Bảng", "sender_phone": "0912000111", "sender_email": "bang.tran@example.vn"}

# Each action of the table with its command, called by a province administrator with valid input.
COMMANDS = {
    "route": lambda admin, world, fb: services.route(admin, fb, agency=world["land"], at=LATER),
    "accept": lambda admin, world, fb: services.accept(admin, fb, at=LATER),
    "refuse": lambda admin, world, fb: services.refuse(admin, fb, reason="Không thuộc phạm vi", at=LATER),
    "request_info": lambda admin, world, fb: services.request_info(admin, fb, request="Ghi rõ địa điểm", at=LATER),
    "provide_info": lambda admin, world, fb: services.provide_info(fb, text="Tại quầy số 3", at=LATER),
    "answer": lambda admin, world, fb: services.answer(admin, fb, text="Đã chấn chỉnh.", at=LATER),
    "publish": lambda admin, world, fb: services.publish(admin, fb, at=LATER),
    "rate_answer": lambda admin, world, fb: services.rate_answer(fb, level="satisfied", at=LATER),
}
ADDRESSES = itertools.count(1)  # one client address per feedback: the portal throttles per address


def portal_feedback() -> Feedback:
    return services.submit_from_portal(subject_kind="rule", content="Đề nghị mở cửa thứ Bảy.",
                                       client_ip=f"203.0.113.{next(ADDRESSES) % 250}", at=MONDAY, **SENDER)


CREATING = {
    "submit": lambda world: portal_feedback(),
    "log": lambda world: services.log_by_officer(world["leader"], channel="letter", subject_kind="rule",
                                                 content="Thư góp ý về giờ làm việc.", received_at=MONDAY, **SENDER),
}


def feedback_in(world, state) -> Feedback:
    """Feedback routed to the land agency, with a contact, put straight into `state`."""
    feedback = portal_feedback()
    Feedback.objects.filter(pk=feedback.pk).update(state=state, agency=world["land"])
    return Feedback.objects.get(pk=feedback.pk)


def test_every_action_of_the_table_has_one_command_and_a_known_actor():
    assert set(COMMANDS) | set(CREATING) | {"overdue"} == set(transitions.TRANSITIONS)
    actors = {transitions.HANDLER, transitions.OFFICER, transitions.SENDER, transitions.ANYONE, transitions.SYSTEM}
    for transition in transitions.TRANSITIONS.values():
        assert transition.actor in actors, transition
        assert set(transition.moves) <= set(State.values) | {transitions.NONE}, transition
        assert set(transition.moves.values()) <= set(State.values), transition
    # The officer pages offer only the handlers' actions, and ask the table when.
    assert {transitions.transition_for(a).actor for a in officer_views.ACTIONS} == {transitions.HANDLER}


def test_the_table_is_the_documented_one():
    """docs/feedback.md, "States and commands": a change of the table changes this test and the doc."""
    table = {t.action: (dict(t.moves), t.actor) for t in transitions.TRANSITIONS.values()}
    opened = {"received": "", "needs_info": "", "in_progress": ""}
    assert table == {
        "submit": ({"": "received"}, "anyone"),
        "log": ({"": "received"}, "officer"),
        "route": ({"received": "in_progress", "in_progress": "in_progress", "needs_info": "needs_info"}, "handler"),
        "accept": ({"received": "in_progress"}, "handler"),
        "refuse": (dict.fromkeys(opened, "refused"), "handler"),
        "request_info": ({"received": "needs_info", "in_progress": "needs_info"}, "handler"),
        "provide_info": ({"needs_info": "in_progress"}, "sender"),
        "answer": (dict.fromkeys(opened, "answered"), "handler"),
        "publish": ({"answered": "published"}, "handler"),
        "rate_answer": ({"answered": "answered", "published": "published"}, "sender"),
        "overdue": ({s: s for s in opened}, "system"),
    }


def test_the_table_in_figures():
    assert transitions.target_state("route", State.RECEIVED) == "in_progress"
    assert transitions.target_state("route", State.NEEDS_INFO) == "needs_info"
    assert transitions.from_states("answer") == {"received", "needs_info", "in_progress"}
    assert transitions.from_states("publish") == {"answered"}
    assert transitions.from_states("submit") == {transitions.NONE}
    assert not transitions.is_allowed("publish", State.PUBLISHED)
    with pytest.raises(KeyError):
        transitions.target_state("publish", State.REFUSED)
    with pytest.raises(KeyError, match="unknown feedback action"):
        transitions.transition_for("delete")


@pytest.mark.parametrize("action", sorted(COMMANDS))
def test_each_command_is_possible_exactly_from_the_table_states(action, world, province_admin):
    for state in State.values:
        feedback = feedback_in(world, state)
        events_before = FeedbackEvent.objects.filter(feedback=feedback).count()
        if transitions.is_allowed(action, state):
            row = COMMANDS[action](province_admin, world, feedback)
            expected = transitions.target_state(action, state)
            assert row.state == expected, (action, state)
            assert Feedback.objects.get(pk=feedback.pk).state == expected
            event = FeedbackEvent.objects.filter(feedback=feedback).last()
            assert (event.kind, event.from_state, event.to_state) == (action, state, expected)
        else:
            with pytest.raises(FeedbackError) as refused:
                COMMANDS[action](province_admin, world, feedback)
            assert refused.value.code == "not_allowed", (action, state)
            assert Feedback.objects.get(pk=feedback.pk).state == state
            assert FeedbackEvent.objects.filter(feedback=feedback).count() == events_before


@pytest.mark.parametrize("action", sorted(CREATING))
def test_creating_commands_leave_the_table_state(action, world):
    feedback = CREATING[action](world)
    assert feedback.state == transitions.target_state(action, transitions.NONE) == "received"
    event = FeedbackEvent.objects.get(feedback=feedback)
    assert (event.kind, event.from_state, event.to_state) == (action, "", "received")


def test_overdue_flags_exactly_the_table_states(world):
    rows = {state: feedback_in(world, state) for state in State.values}
    flagged = services.mark_overdue(now=MONDAY + datetime.timedelta(days=60))
    assert flagged == len(transitions.from_states("overdue")) == 3
    for state, feedback in rows.items():
        feedback.refresh_from_db()
        assert feedback.state == state
        assert feedback.is_overdue == transitions.is_allowed("overdue", state), state
    kinds = FeedbackEvent.objects.filter(kind="overdue").values_list("from_state", "to_state")
    assert sorted(kinds) == sorted((s, s) for s in transitions.from_states("overdue"))


@pytest.mark.parametrize("action", sorted(a for a in COMMANDS if transitions.transition_for(a).actor == "handler"))
def test_handler_actions_refuse_an_officer_of_another_agency(action, world):
    state = sorted(transitions.from_states(action))[0]
    feedback = feedback_in(world, state)
    with pytest.raises(FeedbackError) as refused:
        COMMANDS[action](world["justice_leader"], world, feedback)
    assert refused.value.code == "forbidden"
    assert Feedback.objects.get(pk=feedback.pk).state == state


def test_logging_refuses_someone_without_an_officer_assignment(world):
    citizen = get_user_model().objects.create_user(username="citizen_tt", password="x-Long-Enough-1")
    with pytest.raises(FeedbackError) as refused:
        services.log_by_officer(citizen, channel="letter", subject_kind="rule", content="Thư", received_at=MONDAY)
    assert refused.value.code == "forbidden"
    assert not Feedback.objects.exists()


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if inspect.iscode(const):
            yield from _code_objects(const)


def test_no_command_checks_a_state_itself():
    """The states appear only in the table: no function of services.py names a state, a state
    value or a tuple of states (State(...).label for the refusal message is fine)."""
    state_members = {member.name for member in State} | {"OPEN_STATES", "HANDLED_STATES", "OPEN"}
    state_values = set(State.values)
    functions = [f for _n, f in inspect.getmembers(services, inspect.isfunction) if f.__module__ == services.__name__]
    assert len(functions) > 20
    for function in functions:
        for code in _code_objects(function.__code__):
            assert not state_members & set(code.co_names), function.__name__
            assert not state_values & {c for c in code.co_consts if isinstance(c, str)}, function.__name__
