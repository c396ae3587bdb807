"""The dashboard's single pass gives the figures of the per-query functions, and closed periods
are read from snapshots that a legacy import refreshes."""
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.counting import received_q, reported_outcome
from motcua.dossiers.models import Dossier, DossierEvent, Outcome
from motcua.reports import snapshots
from motcua.reports.dashboard import compute_dashboard, dashboard_data, monthly_trend
from motcua.reports.dossier_table import dossier_table, period_bounds
from motcua.reports.figures import (counts_from_pass, dossier_counts, dossier_pass, event_counts, period_figures,
                                    returned_counts)
from motcua.reports.index766 import service_index
from motcua.reports.legacy_import import import_rows
from motcua.reports.models import IndexWeights, ReportSnapshot

from .conftest import at, row

FROM, TO = datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)
BIRTH = {"procedure": "1.001193.000.00.00.H99", "agency": "000.21.20.H99", "service_point": "mot-cua-phuong"}


def load(*rows):
    result = import_rows(list(rows))
    assert result.ok, [str(e) for e in result.errors]


@pytest.fixture
def varied(world):
    """Every kind of dossier the figures tell apart, in and around March 2024, two agencies."""
    load(
        # carried over from February: resolved early in March, still pending at the end, overdue
        row("CARRIED-EARLY", at(2024, 2, 20), status=10, due_at=at(2024, 3, 8), finished_at=at(2024, 3, 4),
            returned_at=at(2024, 3, 9, 9), return_channel="post"),  # returned on Saturday 9 March
        row("CARRIED-PENDING", at(2024, 2, 26), status=4, due_at=at(2024, 4, 20)),
        row("CARRIED-OVERDUE", at(2024, 2, 1), status=4, due_at=at(2024, 3, 1)),
        # finished in February, returned in March (outside the 06a base set)
        row("RETURNED-ONLY", at(2024, 2, 5), status=10, due_at=at(2024, 2, 20), finished_at=at(2024, 2, 28),
            returned_at=at(2024, 3, 1, 10)),
        # received in March: counter, online, post; Saturday; digitised, fees, paid online
        row("ON-TIME", at(2024, 3, 4), status=9, due_at=at(2024, 3, 18), finished_at=at(2024, 3, 18, 15)),
        row("LATE", at(2024, 3, 5), channel=2, status=10, due_at=at(2024, 3, 12), finished_at=at(2024, 3, 14),
            returned_at=at(2024, 3, 15), digitized=1, paid_online=1, fee_amount=50000),
        row("SAME-DAY", at(2024, 3, 6, 8), channel=3, status=9, due_at=at(2024, 3, 20),
            finished_at=at(2024, 3, 6, 16), fee_amount=20000),
        row("SATURDAY", at(2024, 3, 9, 8, 30), status=4, due_at=at(2024, 3, 25), digitized=1),
        row("WITHDRAWN", at(2024, 3, 11), status=7, due_at=at(2024, 3, 25), finished_at=at(2024, 3, 12)),
        row("REFUSED", at(2024, 3, 12), status=3),
        row("PAUSED", at(2024, 3, 13), channel=2, status=5, due_at=at(2024, 3, 27)),
        row("NO-OUTCOME", at(2024, 3, 14), status=9, due_at=at(2024, 3, 20), finished_at=at(2024, 3, 19)),
        row("AFTER", at(2024, 4, 2), status=9, due_at=at(2024, 4, 10), finished_at=at(2024, 4, 5)),
        # the other agency (commune level, other field and service point)
        row("BIRTH-ONLINE", at(2024, 3, 5), channel=2, status=10, due_at=at(2024, 3, 6),
            finished_at=at(2024, 3, 5, 15), returned_at=at(2024, 3, 5, 16), paid_online=1, fee_amount=10000,
            **BIRTH),
        row("BIRTH-PENDING", at(2024, 3, 28), status=4, due_at=at(2024, 3, 29), **BIRTH),
        row("BIRTH-JAN", at(2024, 1, 8), status=9, due_at=at(2024, 1, 9), finished_at=at(2024, 1, 9), **BIRTH),
    )
    Dossier.objects.filter(code="PAUSED").update(paused_at=at(2024, 3, 20))
    Dossier.objects.filter(code="NO-OUTCOME").update(outcome=None, supplement_count=2)  # late by the fallback
    Dossier.objects.filter(code="ON-TIME").update(result_kind="electronic")
    Dossier.objects.get(code="LATE").documents.create(name="Tờ khai", digitization=2)
    Dossier.objects.get(code="SATURDAY").documents.create(name="Kết quả cũ", digitization=3)
    ProcedureVersion.objects.filter(pk=world["birth_version"].pk).update(
        is_on_the_spot=True, online_level="full", accepts_online=True)
    late = Dossier.objects.get(code="LATE")
    DossierEvent.objects.create(dossier=late, kind="apologise", at=at(2024, 3, 14, 9))
    DossierEvent.objects.create(dossier=late, kind="apologise", at=at(2024, 2, 14, 9))  # before the period
    saturday = Dossier.objects.get(code="SATURDAY")
    DossierEvent.objects.create(dossier=saturday, kind="hand_over", at=at(2024, 3, 9, 10))
    DossierEvent.objects.create(dossier=saturday, kind="hand_over", at=at(2024, 3, 10, 10))  # not a second transfer
    return world


def per_query_trend(date_to, agency_ids=None, months=12):
    """The trend as the dashboard computed it before: two grouped queries."""
    first = datetime.date(date_to.year, date_to.month, 1)
    for _i in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    start, end = period_bounds(first, date_to)
    tz = timezone.get_default_timezone()
    qs = Dossier.objects.all() if agency_ids is None else Dossier.objects.filter(competent_agency_id__in=agency_ids)

    def month_of(value):
        return value.date().replace(day=1) if isinstance(value, datetime.datetime) else value

    received = {month_of(m): n for m, n in qs.filter(received_at__gte=start, received_at__lt=end).order_by()
                .annotate(m=TruncMonth("received_at", tzinfo=tz)).values("m").annotate(n=Count("pk"))
                .values_list("m", "n")}
    # Resolved and in time as in the 06a table: received, finished in the month; early or on time
    # (counting.reported_outcome, in Python).
    finished: dict = {}
    for d in qs.filter(received_q(), finished_at__gte=start, finished_at__lt=end):
        f = finished.setdefault(timezone.localdate(d.finished_at).replace(day=1), {"resolved": 0, "in_time": 0})
        f["resolved"] += 1
        f["in_time"] += reported_outcome(d.outcome, d.finished_at, d.due_at, d.supplement_count) in (
            Outcome.EARLY, Outcome.ON_TIME)
    rows, month = [], first
    while month <= date_to:
        f = finished.get(month, {"resolved": 0, "in_time": 0})
        rate = round(100.0 * f["in_time"] / f["resolved"], 2) if f["resolved"] else 0.0
        rows.append({"month": month, "label": f"{month:%m/%Y}", "received": received.get(month, 0),
                     "resolved": f["resolved"], "on_time_rate": rate})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


def per_query_ranking(agency_ids=None):
    by_agency = dossier_table(FROM, TO, group_by="agency", agency_ids=agency_ids)["rows"]
    scores = {a["key"]: a["score"] for a in service_index(FROM, TO, agency_ids=agency_ids)["agencies"]}
    return sorted(({"name": r["name"], "resolved": r["resolved"],
                    "on_time_rate": round(r["early_rate"] + r["on_time_rate"], 3) if r["resolved"] else 0.0,
                    "score": scores.get(r["key"])} for r in by_agency), key=lambda r: (-r["on_time_rate"], r["name"]))


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", ["field", "agency", "level", "service_point"])
def test_single_pass_table_equals_the_per_query_table(varied, group_by):
    data = compute_dashboard(FROM, TO, group_by)
    assert data["table"] == dossier_table(FROM, TO, group_by=group_by)
    # The data set does reach every column.
    total = data["table"]["total"]
    assert (total["carried_over"], total["new_online"], total["new_counter"], total["new_postal"]) == (3, 3, 5, 1)
    assert (total["early"], total["on_time"], total["late"]) == (4, 1, 2)  # withdrawn counts, by date
    assert (total["pending_within"], total["pending_overdue"]) == (2, 3)  # PAUSED is within


@pytest.mark.django_db
@pytest.mark.parametrize("scoped", [False, True])
def test_single_pass_figures_index_ranking_and_trend_equal_the_per_query_ones(varied, scoped):
    agency_ids = [varied["land"].pk] if scoped else None
    data = compute_dashboard(FROM, TO, "field", agency_ids)
    assert data["table"] == dossier_table(FROM, TO, group_by="field", agency_ids=agency_ids)
    assert data["figures"] == period_figures(FROM, TO, agency_ids=agency_ids)
    assert data["index"] == service_index(FROM, TO, agency_ids=agency_ids)
    assert data["ranking"] == per_query_ranking(agency_ids)
    assert data["trend"] == per_query_trend(TO, agency_ids)
    figures = data["figures"]
    if not scoped:
        assert figures["postal"] == {"transfers": 1, "intakes": 1, "home_deliveries": 1, "total": 3}
        assert figures["saturday"] == {"receipts": 1, "returns": 1}
        assert figures["on_the_spot"] == 2  # SAME-DAY and the on-the-spot birth procedure
        assert figures["apologies"] == 1
        assert (figures["digitisation"]["reused_dossiers"], figures["digitisation"]["reused_documents"]) == (2, 1)
        assert figures["dossiers"]["returned"] == 4  # RETURNED-ONLY was finished in February
        assert figures["procedures"]["with_online_dossiers"] == 2


@pytest.mark.django_db
def test_pass_counts_by_agency_equal_dossier_counts(varied):
    rows = dossier_pass(FROM, TO, group_column="field_id")
    single = counts_from_pass(rows, returned_counts(FROM, TO), event_counts(FROM, TO))
    per_query = {k: v for k, v in dossier_counts(FROM, TO, "agency").items()
                 if any(v[n] for n in ("received", "resolved", "returned", "apologies", "transfers"))}
    assert single == per_query
    assert set(single) == {varied["land"].pk, varied["ward"].pk}


@pytest.mark.django_db
def test_closed_period_is_read_from_its_snapshot_and_refreshed_after_an_import(varied):
    first = dashboard_data(FROM, TO, "field")
    assert ReportSnapshot.objects.filter(kind="dashboard", date_from=FROM, date_to=TO).count() == 1
    with CaptureQueriesContext(connection) as queries:
        again = dashboard_data(FROM, TO, "field")
    assert again == first
    assert not [q for q in queries.captured_queries if "dossiers_dossier" in q["sql"]]

    # An import of a dossier received in March deletes the snapshot: the next view counts it.
    load(row("LATE-IMPORT", at(2024, 3, 20), status=4, due_at=at(2024, 4, 3)))
    assert not ReportSnapshot.objects.filter(kind="dashboard", date_to=TO).exists()
    refreshed = dashboard_data(FROM, TO, "field")
    assert refreshed["table"]["total"]["new_total"] == first["table"]["total"]["new_total"] + 1
    assert refreshed == compute_dashboard(FROM, TO, "field")


@pytest.mark.django_db
def test_an_import_after_the_period_keeps_its_snapshot(varied):
    dashboard_data(FROM, TO, "field")
    load(row("MAY", at(2024, 5, 6), status=4, due_at=at(2024, 5, 20)))
    assert ReportSnapshot.objects.filter(kind="dashboard", date_to=TO).exists()
    # and an import reaching back before the period's end deletes it (a carried-over dossier)
    load(row("OLD-PENDING", at(2023, 12, 4), status=4, due_at=at(2023, 12, 20)))
    assert not ReportSnapshot.objects.filter(kind="dashboard", date_to=TO).exists()
    assert dashboard_data(FROM, TO, "field")["table"]["total"]["carried_over"] == 4


@pytest.mark.django_db
def test_open_period_is_always_computed(varied):
    today = timezone.localdate()
    start = today.replace(day=1)
    before = dashboard_data(start, today, "field")
    assert not ReportSnapshot.objects.filter(kind="dashboard").exists()
    load(row("TODAY", timezone.localtime().replace(hour=0, minute=5), status=4,
             due_at=timezone.localtime() + datetime.timedelta(days=10)))
    after = dashboard_data(start, today, "field")
    assert after["table"]["total"]["new_total"] == before["table"]["total"]["new_total"] + 1
    # The second time the pass counted only the current month of the trend (the others stored).
    assert after["trend"] == per_query_trend(today)
    # The trend's months already over are stored; the current one is not.
    stored = set(ReportSnapshot.objects.filter(kind="trend-month").values_list("date_from", flat=True))
    assert len(stored) == 11 and start not in stored
    assert monthly_trend(today) == per_query_trend(today)


@pytest.mark.django_db
def test_new_weights_delete_the_dashboard_snapshots(varied):
    before = dashboard_data(FROM, TO, "field")
    weights = IndexWeights.objects.create(effective_from=datetime.date(2024, 1, 1), name="Thử", no_data_rule="zero")
    assert not ReportSnapshot.objects.filter(kind="dashboard").exists()
    after = dashboard_data(FROM, TO, "field")
    assert after["index"]["weights"]["name"] == "Thử"
    assert after["index"]["province"]["score"] != before["index"]["province"]["score"]
    weights.delete()


@pytest.mark.django_db
def test_snapshot_payload_round_trips_decimals_dates_and_sets():
    value = {"score": Decimal("81.25"), "day": datetime.date(2024, 3, 1), "ids": {3, 1},
             "at": datetime.datetime(2024, 3, 1, 8, tzinfo=datetime.timezone.utc), "rows": [{"key": None}]}
    assert snapshots.loads(snapshots.dumps(value)) == value


@pytest.mark.django_db
def test_pass_counts_the_trend_months_not_stored_within_a_longer_period(varied):
    monthly_trend(datetime.date(2024, 2, 29))  # stores March 2023 to February 2024
    since_december = datetime.date(2023, 12, 1)
    data = compute_dashboard(since_december, TO, "field")  # only March 2024 left to count
    assert data["trend"] == per_query_trend(TO)
    assert data["table"] == dossier_table(since_december, TO, group_by="field")
    assert data["figures"] == period_figures(since_december, TO)
    assert [m["received"] for m in data["trend"]][-3:] == [1, 4, 9]


@pytest.mark.django_db
def test_report_snapshots_command_stores_the_closed_periods_of_a_year(varied):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("report_snapshots", "--year", "2024", stdout=out)
    assert "19" in out.getvalue()
    # year, 2 halves, 4 quarters, 12 months; the page of March is then read back
    assert ReportSnapshot.objects.filter(kind="dashboard").count() == 19
    with CaptureQueriesContext(connection) as queries:
        march = dashboard_data(FROM, TO, "field")
    assert not [q for q in queries.captured_queries if "dossiers_dossier" in q["sql"]]
    assert march["table"] == dossier_table(FROM, TO, group_by="field")
