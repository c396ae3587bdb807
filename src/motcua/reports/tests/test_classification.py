"""Issue 18, point 1: early / on time / late is one rule. `deadlines.classify` (the engine, the
import) and its query form `deadlines.classify_q`, and `counting.reported_outcome` and its query
form `counting.outcome_conditions` (the 06a table), agree cell by cell on random dossiers, on
whichever database the suite runs (SQLite by default, PostgreSQL with DATABASE_URL); and the
legacy import stores the outcome the engine's rule gives.

The moments are drawn around the edges the rule is sensitive to: local midnight (the rule compares
local dates) and 07:00 local (midnight UTC, where a database truncating in the wrong zone errs)."""
import datetime
import itertools

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.counting import OUTCOME_NAMES, outcome_conditions, reported_outcome
from motcua.dossiers.deadlines import classify, classify_q
from motcua.dossiers.models import Dossier, Outcome
from motcua.reports.dossier_table import dossier_table, dossier_table_cell
from motcua.reports.legacy_import import import_rows

from .conftest import TZ, row

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2022, 3, 1)  # every dossier is received on it and finished in March 2022
EDGE_MINUTES = (0, 1, 6 * 60 + 59, 7 * 60, 7 * 60 + 1, 12 * 60, 23 * 60 + 59)
minutes = st.one_of(st.sampled_from(EDGE_MINUTES), st.integers(min_value=0, max_value=24 * 60 - 1))


@st.composite
def moments(draw, max_days=6):
    day = FIRST_DAY + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=max_days)))
    minute = draw(minutes)
    return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=TZ)


@st.composite
def dossiers(draw):
    """(finished_at, due_at or None, supplement_count, stored outcome or None, status)."""
    return (
        draw(moments()),
        draw(st.one_of(st.none(), moments())),
        draw(st.integers(min_value=0, max_value=3)),
        draw(st.sampled_from((None, Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE))),
        draw(st.sampled_from((7, 8, 9))),  # withdrawn, stopped, resolved: each finished and classified
    )


RECEIVED = datetime.datetime.combine(FIRST_DAY, datetime.time.min, tzinfo=TZ)
counter = itertools.count()


def load(drawn) -> dict:
    """Import the drawn dossiers (received at the period's first moment), then give each its drawn
    supplement count and stored outcome. {code: (finished_at, due_at, supplements, outcome, status)}."""
    batch = next(counter)
    rows, by_code = [], {}
    for i, (finished_at, due_at, supplements, outcome, status) in enumerate(drawn):
        code = f"H99.{batch}.{i}"
        rows.append(row(code, RECEIVED, status=status, due_at=due_at, finished_at=finished_at))
        by_code[code] = (finished_at, due_at, supplements, outcome, status)
    result = import_rows(rows)
    assert result.ok, result.errors
    return by_code


def matching(condition) -> set:
    return set(Dossier.objects.filter(condition).values_list("code", flat=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(dossiers(), min_size=1, max_size=12))
def test_python_sql_and_import_classify_alike(world, drawn):
    with transaction.atomic():
        by_code = load(drawn)

        # The import stores what the engine's rule gives (it has no supplement count: 0).
        stored = dict(Dossier.objects.filter(code__in=by_code).values_list("code", "outcome"))
        for code, (finished_at, due_at, _supplements, _outcome, _status) in by_code.items():
            assert stored[code] == classify(finished_at, due_at), code

        # classify_q against classify, each result's set of dossiers (stored outcomes left aside).
        for code, (_f, _d, supplements, _o, _s) in by_code.items():
            Dossier.objects.filter(code=code).update(supplement_count=supplements)
        for result, condition in classify_q().items():
            expected = {code for code, (f, d, s, _o, _st) in by_code.items() if classify(f, d, s) == result}
            assert matching(condition) == expected, result

        # outcome_conditions against reported_outcome, with the drawn stored outcomes (None: none).
        for code, (_f, _d, _s, outcome, _st) in by_code.items():
            Dossier.objects.filter(code=code).update(outcome=outcome)
        reported = {code: reported_outcome(o, f, d, s) for code, (f, d, s, o, _st) in by_code.items()}
        conditions = outcome_conditions()
        for value, name in OUTCOME_NAMES.items():
            expected = {code for code, result in reported.items() if result == value}
            assert matching(conditions[name]) == expected, name
            # ... and the 06a table's cells, their lists and their figures.
            assert set(dossier_table_cell(FIRST_DAY, datetime.date(2022, 3, 31), name)
                       .values_list("code", flat=True)) == expected, name
        total = dossier_table(FIRST_DAY, datetime.date(2022, 3, 31))["total"]
        assert [total[name] for name in OUTCOME_NAMES.values()] == [
            sum(1 for result in reported.values() if result == value) for value in OUTCOME_NAMES
        ]
        transaction.set_rollback(True)


def test_the_reported_outcome_of_a_dossier_without_a_due_moment_is_on_time():
    finished = datetime.datetime(2022, 3, 2, 10, tzinfo=TZ)
    assert classify(finished, None) is None
    assert reported_outcome(None, finished, None) == Outcome.ON_TIME
    assert reported_outcome(None, finished, None, supplement_count=2) == Outcome.LATE
    assert reported_outcome(Outcome.EARLY, finished, None, supplement_count=2) == Outcome.EARLY


def test_a_dossier_refused_at_intake_has_nothing_returned_so_every_returned_dossier_was_received(world):
    """The returned figures count no status (their index holds none): the import keeps a dossier
    refused at intake (3, never received) from having a return moment."""
    refused = row("H99.REFUSED", RECEIVED, status=3, finished_at=RECEIVED + datetime.timedelta(hours=2),
                  returned_at=RECEIVED + datetime.timedelta(hours=3))
    with translation.override("vi"):
        result = import_rows([refused])
    assert result.imported == 0 and not Dossier.objects.exists()
    assert [(e.line, e.message) for e in result.errors] == [
        (2, "trạng thái 3 (từ chối tiếp nhận) không có kết quả để trả: để trống returned_at.")]
    with translation.override("en"):
        assert import_rows([refused]).errors[0].message == (
            "status 3 (refused at intake) has no result to return: leave returned_at empty.")
