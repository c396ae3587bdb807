"""The base set read in parts (`base_parts`) gives exactly the figures of one query over the
whole base set: the parts are disjoint, cover it, and leaving out the counts known to be zero
in a part changes nothing. Checked on random dossiers, many of them long-lived (finished more
than LONG_LIVED after receipt) or still open, over periods of a day to a year."""
import datetime
import random

import pytest

from motcua.dossiers.models import Dossier
from motcua.reports import dashboard, dossier_table, figures
from motcua.reports.dossier_table import LONG_LIVED, _base, base_parts, dossier_table as table, period_bounds
from motcua.reports.legacy_import import import_rows

from .conftest import at, row

BIRTH = {"procedure": "1.001193.000.00.00.H99", "agency": "000.21.20.H99", "service_point": "mot-cua-phuong"}
PERIODS = [
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    (datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)),
    (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
    (datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)),
    (datetime.date(2023, 11, 1), datetime.date(2024, 2, 15)),
]


def random_rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        received = at(2023, 9, 1) + datetime.timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
        due = received + datetime.timedelta(days=rng.choice([1, 5, 15, 30, 90]))
        kind = rng.random()
        lived = datetime.timedelta(days=rng.choice([0, 0.3, 3, 20, 59, 61, 90, 200, 400]), hours=rng.random())
        finished = received + lived
        extra = BIRTH if rng.random() < 0.4 else {}
        if kind < 0.15 or finished > at(2025, 6, 1):  # still being handled
            rows.append(row(f"R-{i}", received, status=rng.choice([2, 4, 5]), due_at=due,
                            channel=rng.choice([1, 2, 3]), **extra))
        else:
            status = rng.choice([7, 8, 9, 9, 9])
            rows.append(row(f"R-{i}", received, status=status, due_at=due, finished_at=finished,
                            channel=rng.choice([1, 2, 3]), **extra))
    return rows


def whole(start, end, service_point=None, agency_ids=None):
    """The reference: the base set as one part, every count counted."""
    return [("whole", _base(start, end, service_point, agency_ids))]


@pytest.fixture
def random_dossiers(world):
    rng = random.Random(766)
    result = import_rows(random_rows(rng, 400))
    assert result.ok, [str(e) for e in result.errors[:3]]
    long_lived = [d for d in Dossier.objects.exclude(finished_at=None) if d.finished_at - d.received_at > LONG_LIVED]
    assert len(long_lived) > 50  # the test means something only with many of them
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("date_from, date_to", PERIODS)
def test_parts_are_disjoint_and_cover_the_base_set(random_dossiers, date_from, date_to):
    start, end = period_bounds(date_from, date_to)
    ids = [pk for _kind, qs in base_parts(start, end) for pk in qs.values_list("pk", flat=True)]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(_base(start, end).values_list("pk", flat=True))
    assert ids  # every period holds dossiers


@pytest.mark.django_db
@pytest.mark.parametrize("date_from, date_to", PERIODS)
@pytest.mark.parametrize("group_by", [None, "field", "agency"])
def test_table_from_parts_equals_one_query(random_dossiers, monkeypatch, date_from, date_to, group_by):
    parted = table(date_from, date_to, group_by)
    monkeypatch.setattr(dossier_table, "base_parts", whole)
    assert parted == table(date_from, date_to, group_by)
    assert parted["total"]["pending"] > 0 and (parted["total"]["resolved"] > 0 or date_from == date_to)


@pytest.mark.django_db
@pytest.mark.parametrize("date_from, date_to", PERIODS[:3])
def test_dashboard_from_parts_equals_one_query(random_dossiers, monkeypatch, date_from, date_to):
    parted = dashboard.compute_dashboard(date_from, date_to, "field")
    monkeypatch.setattr(figures, "base_parts", whole)
    assert parted == dashboard.compute_dashboard(date_from, date_to, "field")


@pytest.mark.django_db
def test_postgresql_can_read_the_long_lived_part_from_its_partial_index(random_dossiers):
    """The long-lived part's condition must imply the predicate of migration 0006's partial index,
    or PostgreSQL could never use it (it would read every dossier finished since the horizon)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the partial index is PostgreSQL's")
    start, end = period_bounds(datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    _kind, long_lived = base_parts(start, end)[3]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # the tiny test table would be read whole
        try:
            plan = long_lived.explain()
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "reports_dossier_long_lived" in plan
