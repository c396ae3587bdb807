"""The one table of feedback (PAKN) actions: from which state, to which state, and who may act.

Pure data and pure functions, no database, like `dossiers/transitions.py`. Every command in
`services.py` takes the states it accepts and the state it leaves from here, and checks the actor
the table names; the officer pages ask `is_allowed()` which forms to show. An action's name is the
`kind` of the `FeedbackEvent` its command appends.

`moves` maps each state an action is possible from to the state it leads to (`NONE`: the action
creates the feedback). A state missing from `moves` is refused with `not_allowed`.
"""
from dataclasses import dataclass
from types import MappingProxyType

from .models import OPEN_STATES, State

S = State
NONE = ""  # no feedback yet: the action creates it (its event's from_state is blank)
OPEN = OPEN_STATES  # received, needs_info, in_progress

# Who may act; `services._authorise` checks the first two, the others have no user to check.
HANDLER = "handler"  # an officer of the responsible agency, or a province administrator
OFFICER = "officer"  # any officer (staff assignment or superuser)
SENDER = "sender"  # whoever holds the feedback's code (the tracking page); no account needed
ANYONE = "anyone"  # the portal form, with or without an account (throttled per address)
SYSTEM = "system"  # the scheduled task or management command


@dataclass(frozen=True)
class Transition:
    action: str
    moves: MappingProxyType  # state before -> state after (plain strings)
    actor: str


def _transition(action: str, moves: dict, actor: str) -> Transition:
    plain = {str(before): str(after) for before, after in moves.items()}
    return Transition(action, MappingProxyType(plain), actor)


def _to(after, *befores) -> dict:
    return {before: after for before in befores}


def _unchanged(*states) -> dict:
    return {state: state for state in states}


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _transition("submit", {NONE: S.RECEIVED}, ANYONE),
        _transition("log", {NONE: S.RECEIVED}, OFFICER),
        # Routing takes received feedback up; feedback waiting for the sender's answer keeps waiting.
        _transition("route", {S.RECEIVED: S.IN_PROGRESS, S.IN_PROGRESS: S.IN_PROGRESS, S.NEEDS_INFO: S.NEEDS_INFO},
                    HANDLER),
        _transition("accept", {S.RECEIVED: S.IN_PROGRESS}, HANDLER),
        _transition("refuse", _to(S.REFUSED, *OPEN), HANDLER),
        _transition("request_info", _to(S.NEEDS_INFO, S.RECEIVED, S.IN_PROGRESS), HANDLER),
        _transition("provide_info", {S.NEEDS_INFO: S.IN_PROGRESS}, SENDER),
        _transition("answer", _to(S.ANSWERED, *OPEN), HANDLER),
        _transition("publish", {S.ANSWERED: S.PUBLISHED}, HANDLER),
        _transition("rate_answer", _unchanged(S.ANSWERED, S.PUBLISHED), SENDER),
        # Past the resolution deadline: only the flag changes.
        _transition("overdue", _unchanged(*OPEN), SYSTEM),
    ]
}


def transition_for(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise KeyError(f"unknown feedback action {action!r}") from None


def from_states(action: str) -> frozenset[str]:
    """The states `action` is possible from (`NONE` for the creating actions)."""
    return frozenset(transition_for(action).moves)


def is_allowed(action: str, state: str) -> bool:
    return str(state) in transition_for(action).moves


def target_state(action: str, state: str) -> str:
    """The state after `action` from `state`; a state the action is not possible from is a KeyError
    (the commands check `is_allowed` first and refuse with a message)."""
    return transition_for(action).moves[str(state)]
