"""Local-day conditions: the fixed-offset arithmetic (PostgreSQL's date_bin) and the plain time-zone
conversion pick exactly the dossiers that Python's zoneinfo puts on a Saturday / on one day,
midnight edges included."""
import datetime
import random
import zoneinfo

import pytest
from django.test import override_settings

from motcua.dossiers.models import Dossier
from motcua.reports import local_time
from motcua.reports.dossier_table import period_bounds
from motcua.reports.legacy_import import import_rows
from motcua.reports.local_time import fixed_offset, on_saturday, same_local_day

from .conftest import TZ, row

START, END = period_bounds(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
EDGES = [  # local moments around the midnights of Friday 8 / Saturday 9 / Sunday 10 March 2024
    datetime.datetime(2024, 3, 8, 23, 59, 59, tzinfo=TZ), datetime.datetime(2024, 3, 9, 0, 0, tzinfo=TZ),
    datetime.datetime(2024, 3, 9, 23, 59, 59, tzinfo=TZ), datetime.datetime(2024, 3, 10, 0, 0, tzinfo=TZ),
    datetime.datetime(2024, 3, 9, 6, 59, tzinfo=TZ), datetime.datetime(2024, 3, 9, 7, 0, tzinfo=TZ),  # 00:00 UTC
]


@pytest.fixture
def moments(world):
    rng = random.Random(6)
    received = list(EDGES) + [START + datetime.timedelta(seconds=rng.randrange(0, 365 * 86400)) for _ in range(150)]
    rows = []
    for i, moment in enumerate(received):
        lived = rng.choice([datetime.timedelta(0), datetime.timedelta(seconds=1), datetime.timedelta(hours=3),
                            datetime.timedelta(hours=rng.randrange(1, 40)), datetime.timedelta(days=2)])
        rows.append(row(f"T-{i}", moment, status=9, due_at=moment + datetime.timedelta(days=5),
                        finished_at=moment + lived))
    assert import_rows(rows).ok
    return {d.code: d for d in Dossier.objects.all()}


def local(moment):
    return moment.astimezone(TZ)


@pytest.mark.django_db
@pytest.mark.parametrize("binned", [True, False])
def test_saturdays_and_same_days_match_python(moments, monkeypatch, binned):
    if not binned:
        monkeypatch.setattr(local_time, "_binned_offset", lambda start, end: None)
    saturdays = set(Dossier.objects.filter(on_saturday("received_at", START, END)).values_list("code", flat=True))
    assert saturdays == {c for c, d in moments.items() if local(d.received_at).isoweekday() == 6}
    assert {"T-1", "T-2", "T-4", "T-5"} <= saturdays and not {"T-0", "T-3"} & saturdays
    same = set(Dossier.objects.filter(same_local_day("finished_at", "received_at", START, END))
               .values_list("code", flat=True))
    assert same == {c for c, d in moments.items() if local(d.received_at).date() == local(d.finished_at).date()}
    assert 0 < len(same) < len(moments)


def test_fixed_offset_of_the_zone_or_none_across_a_change():
    assert fixed_offset(START, END) == datetime.timedelta(hours=7)
    with override_settings(TIME_ZONE="Europe/Berlin"):
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        winter = (datetime.datetime(2024, 1, 1, tzinfo=berlin), datetime.datetime(2024, 2, 1, tzinfo=berlin))
        assert fixed_offset(*winter) == datetime.timedelta(hours=1)
        spring = (datetime.datetime(2024, 3, 1, tzinfo=berlin), datetime.datetime(2024, 4, 1, tzinfo=berlin))
        assert fixed_offset(*spring) is None  # summer time from 31 March


@pytest.mark.django_db
def test_a_zone_that_changes_offset_gets_the_plain_conversion(moments):
    """Across a summer-time change the binned arithmetic would be wrong by an hour: it is not used."""
    with override_settings(TIME_ZONE="Europe/Berlin"):
        condition = on_saturday("received_at", START, END)
    assert "received_at__iso_week_day" in str(condition)
