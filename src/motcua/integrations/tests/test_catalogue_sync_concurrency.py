"""Concurrency on PostgreSQL: two syncs at once leave one draft per procedure; two administrators
publishing the same draft at once: exactly one wins. Skipped on SQLite (it serialises writers)."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from motcua.catalog import national_sync
from motcua.catalog.models import CatalogueSyncItem, ProcedureVersion
from motcua.core.testing import run_in_threads
from motcua.demo.province import load_catalog, load_organization
from motcua.integrations.procedures.simulator import SimulatedNationalCatalogue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and parallel writers"),
]
CODES = ["9.000105", "9.000201", "9.009903", "9.009904"]


@pytest.fixture
def catalogue(settings):
    settings.MOTCUA_PROVINCE_CODE = "H99"
    load_organization()
    load_catalog()


def test_two_syncs_at_once_make_one_draft_each(catalogue):
    results, errors = run_in_threads(2, lambda i: national_sync.sync(
        SimulatedNationalCatalogue(), unit="000.00.00.H99", codes=CODES))
    assert errors == [None, None]
    for code in CODES:
        assert ProcedureVersion.objects.filter(procedure__national_code=code, status="draft").count() == 1, code
        assert CatalogueSyncItem.objects.filter(national_code=code, review="pending").count() == 1, code


def test_two_publishes_at_once_one_wins(catalogue):
    admin = get_user_model().objects.create_user("quantri", password="x")
    item = national_sync.sync(SimulatedNationalCatalogue(), unit="000.00.00.H99", codes=["9.000105"]).items.get()
    results, errors = run_in_threads(2, lambda i: national_sync.publish_item(item.pk, admin))
    assert sorted(type(e).__name__ for e in errors if e) == ["ReviewRefused"]
    assert len([r for r in results if r is not None]) == 1
    assert ProcedureVersion.objects.filter(procedure__national_code="9.000105", status="published").count() == 1
