"""What counts as received, finished and classified: one definition for the engine, the reports
(06a, form 06 / tracking book, dashboard, 766 index) and the legacy import. docs/reports.md,
"Definitions", explains it for the reader of a report.

- **Received**: the dossier has a receipt moment (`received_at`) and was not refused at intake.
  A dossier refused at intake (status 3: an online submission never accepted, or a dossier taken
  at the counter and refused there) was never received: it is counted as received, new,
  resolved or pending nowhere, whatever moments its row carries (the engine keeps the moment an
  officer took it at the counter), and it gets no outcome.
- **Finished**: received, with `finished_at`: resolved (9), result returned (10; finished when
  resolved), withdrawn (7), stopped (8). Each is classified early / on time / late
  (`deadlines.classify`) when it finishes, and stored (`outcome`).
- **Counted as early / on time / late** in a report (`reported_outcome`, and its query form
  `outcome_conditions`): the stored outcome; without one (no due moment, or a row written
  before outcomes were stored), `deadlines.classify` of its dates, on time when it has no due
  moment (no legal time limit: it cannot be late).
- **Resolved** has two uses, kept apart by name: the 06a table's `resolved` column is every
  dossier *finished* in the period (withdrawn and stopped ones too: early + on time + late);
  the other figures' `resolved` (and the 766 index's) is a dossier finished *with a result*
  (`RESULT_STATUSES`: 9, or 10 once returned).
- **A refusal after the dossier was received and examined** is a negative result, not a refusal
  at intake: the leader resolves the dossier (9) with the refusal letter as its result (its
  description, or the signed letter as the electronic result), and it counts as resolved on
  its date like any other result.

Status 3 is final, so leaving it out by status gives a past period the same figures every day.
"""
from __future__ import annotations

import datetime

from django.db.models import Q

from .deadlines import classify, classify_q
from .models import Outcome, Status

# Statuses of dossiers that were never received (1: waiting for an officer, 3: refused at intake).
NEVER_RECEIVED_STATUSES = frozenset({Status.NEW, Status.NOT_RECEIVED})
# Statuses of finished dossiers, each classified early / on time / late when it finished.
FINISHED_STATUSES = frozenset({Status.WITHDRAWN, Status.STOPPED, Status.RESOLVED, Status.RETURNED})
# Statuses of dossiers finished with a result (a refusal letter after examination included).
RESULT_STATUSES = (Status.RESOLVED, Status.RETURNED)


def counts_as_received(status: int, received_at: datetime.datetime | None) -> bool:
    """Whether a dossier in `status` with that receipt moment counts as received."""
    return received_at is not None and int(status) not in NEVER_RECEIVED_STATUSES


def is_classified(status: int) -> bool:
    """Whether a dossier ending in `status` gets an outcome (early / on time / late)."""
    return int(status) in FINISHED_STATUSES


def received_q(prefix: str = "") -> Q:
    """The dossiers that count as received (through `prefix`, e.g. "dossier__", from a related
    row). Every count of received, new, resolved or pending dossiers starts from it."""
    return Q(**{f"{prefix}received_at__isnull": False}) & ~Q(**{f"{prefix}status": Status.NOT_RECEIVED})


def received_between_q(start: datetime.datetime, end: datetime.datetime, prefix: str = "") -> Q:
    """Received in [start, end)."""
    return received_q(prefix) & Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end})


def reported_outcome(outcome: int | None, finished_at: datetime.datetime, due_at: datetime.datetime | None,
                     supplement_count: int = 0) -> int:
    """What a report counts a finished dossier as: its stored outcome, else `classify` of its
    dates, on time when it has no due moment."""
    if outcome is not None:
        return outcome
    classified = classify(finished_at, due_at, supplement_count)
    return Outcome.ON_TIME if classified is None else classified


# The reports' names of the outcomes (columns of the 06a table).
OUTCOME_NAMES = {Outcome.EARLY: "early", Outcome.ON_TIME: "on_time", Outcome.LATE: "late"}


def outcome_conditions() -> dict[str, Q]:
    """`reported_outcome` as conditions on a finished dossier: {"early" | "on_time" | "late": Q},
    built from `deadlines.classify_q`, the query form of `classify`."""
    unset = Q(outcome__isnull=True)
    by_date = classify_q()
    computed = {
        Outcome.EARLY: by_date[Outcome.EARLY],
        Outcome.ON_TIME: by_date[Outcome.ON_TIME] | by_date[None],
        Outcome.LATE: by_date[Outcome.LATE],
    }
    return {name: Q(outcome=value) | (unset & computed[value]) for value, name in OUTCOME_NAMES.items()}


def in_time_q() -> Q:
    """Finished early or on time (`outcome_conditions`): the dashboard's on-time rate."""
    conditions = outcome_conditions()
    return conditions["early"] | conditions["on_time"]
