"""Concurrency on PostgreSQL: unique consecutive codes under parallel receipts, and exactly one
winner when two officers act on one dossier at once. SQLite serialises writers, so these threads
tests are skipped there (the stale-version refusal itself is tested in test_services)."""
import threading

import pytest
from django.db import connection, connections

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.core.testing import run_in_threads

from motcua.testing.world import APPLICANT, MONDAY, at, documents_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real row locks and parallel writers (PostgreSQL)"),
]



def test_parallel_receipts_get_unique_consecutive_codes(world):
    n = 8
    version, counter, docs = world["version"], world["counter"], documents_for(world)

    def receipt(i):
        codes = []
        for _ in range(5):
            d = s.receive_at_counter(counter, procedure_version=version, applicant=APPLICANT, documents=docs,
                                     received_at=MONDAY)
            codes.append(d.code)
        return codes

    results, errors = run_in_threads(n, receipt)
    assert errors == [None] * n
    codes = sorted(code for batch in results for code in batch)
    assert codes == [f"000.00.20.H99-260302-{i:04d}" for i in range(1, n * 5 + 1)]


def test_two_officers_at_once_exactly_one_wins(receive, world):
    d = receive()
    s.hand_over(world["counter"], d, at=at(2026, 3, 2, 9))
    d.refresh_from_db()
    seen_version = d.version

    def act(i):
        if i == 0:
            return s.request_supplement(world["specialist"], d, items=["Bản đồ"], reason="Thiếu",
                                        expected_version=seen_version, at=at(2026, 3, 3, 9))
        return s.hand_over(world["specialist"], d, expected_version=seen_version, at=at(2026, 3, 3, 9))

    results, errors = run_in_threads(2, act)
    winners = [r for r in results if r is not None]
    losers = [e for e in errors if e is not None]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], s.DossierActionError) and losers[0].code == "stale"
    row = Dossier.objects.get(pk=d.pk)
    assert row.version == seen_version + 1
    assert row.status in (Status.WAITING_SUPPLEMENT, Status.PROCESSING)
    assert DossierEvent.objects.filter(dossier=d).count() == 3


def test_without_expected_version_the_loser_gets_not_allowed(receive, world):
    d = receive()

    def act(i):
        return s.resolve(world["leader"], d, at=at(2026, 3, 3, 9))

    results, errors = run_in_threads(2, act)
    assert sum(r is not None for r in results) == 1
    loser = next(e for e in errors if e is not None)
    assert isinstance(loser, s.DossierActionError) and loser.code == "not_allowed"
    assert DossierEvent.objects.filter(dossier=d, kind="resolve").count() == 1

