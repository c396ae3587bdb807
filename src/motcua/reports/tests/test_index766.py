"""The service index of Decision 766/QĐ-TTg on hand-built figures."""
import datetime
from decimal import Decimal

import pytest

from motcua.reports.index766 import DEFAULT_INDICATORS, GROUPS, service_index, weights_on
from motcua.reports.legacy_import import import_rows
from motcua.reports.models import IndexWeights

from .conftest import at, row

FROM, TO = datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)


def land_dossiers():
    """Ten dossiers of the land agency, all resolved in March: 6 early, 3 on time, 1 late; 3 online;
    8 digitised; 4 with a fee of which 2 paid online."""
    rows = []
    for i in range(10):
        finished = at(2024, 3, 10) if i < 6 else at(2024, 3, 15, 16) if i < 9 else at(2024, 3, 20)
        rows.append(row(
            f"LAND-{i}", at(2024, 3, 4), status=9, due_at=at(2024, 3, 15, 17), finished_at=finished,
            channel=2 if i < 3 else 1, digitized=1 if i < 8 else 0, fee_amount=50000 if i < 4 else 0,
            paid_online=1 if i < 2 else 0,
        ))
    result = import_rows(rows)
    assert result.ok, [str(e) for e in result.errors]


def indicator(scope, code):
    return next(i for g in scope["groups"] for i in g["indicators"] if i["code"] == code)


def group(scope, code):
    return next(g for g in scope["groups"] if g["code"] == code)


@pytest.mark.django_db
def test_migration_seeds_the_default_weights_of_decision_766():
    weights = IndexWeights.objects.get(effective_from=datetime.date(2022, 6, 23))
    stored = {w.code: (int(w.points), int(w.threshold)) for w in weights.indicators.all()}
    assert stored == DEFAULT_INDICATORS
    # The groups' maxima are those of the decision.
    groups = {}
    from motcua.reports.index766 import INDICATORS
    for code, (points, _t) in stored.items():
        groups[INDICATORS[code][0]] = groups.get(INDICATORS[code][0], 0) + points
    assert groups == {"transparency": 18, "progress": 20, "online": 12, "payment": 10, "satisfaction": 18,
                      "digitisation": 22}
    assert [code for code, _name in GROUPS] == list(groups)


@pytest.mark.django_db
def test_indicator_rates_points_and_group_scores(world):
    land_dossiers()
    index = service_index(FROM, TO)
    [agency] = index["agencies"]
    assert agency["code"] == "000.00.20.H99"
    # Progress: (6 early + 3 on time + 0 pending within) / 10 = 90% of 14 points.
    assert (indicator(agency, "on_time")["rate"], indicator(agency, "on_time")["points"]) == (90.0, Decimal("12.60"))
    # Online share 30%, full at 50%: 30 x 4 / 50 = 2.4.
    assert (indicator(agency, "online_share")["rate"], indicator(agency, "online_share")["points"]) == (
        30.0, Decimal("2.40"))
    # Digitised 80%, full at 80%: all 8 points; re-use 0%: 0 points.
    assert indicator(agency, "digitised")["points"] == Decimal("8.00")
    assert (indicator(agency, "reuse")["rate"], indicator(agency, "reuse")["points"]) == (0.0, Decimal("0.00"))
    # Paid online 2 of 4 fee dossiers = 50%, full at 80%: 50 x 5 / 80 = 3.125 -> 3.13.
    assert indicator(agency, "paid_online")["points"] == Decimal("3.13")
    assert indicator(agency, "payment_procedures")["rate"] == 100.0
    # Satisfaction = 100% - (late 10% + complaints or dissatisfied 0%) = 90%: full 12 points.
    assert (indicator(agency, "satisfaction")["rate"], indicator(agency, "satisfaction")["points"]) == (
        90.0, Decimal("12.00"))
    # No data: synchronisation to the national portal, feedback (none received): full by default.
    sync = indicator(agency, "portal_sync")
    assert (sync["no_data"], sync["rate"], sync["points"]) == (True, None, Decimal("10"))
    assert indicator(agency, "feedback_in_time")["no_data"] is True
    # The procedure is not offered online: 0 of 1 = 0 points; "used online" has no base: no data.
    assert indicator(agency, "offered_online")["points"] == Decimal("0.00")
    assert indicator(agency, "used_online")["no_data"] is True
    assert group(agency, "progress")["score"] == Decimal("12.60") + Decimal("6")  # average time: no data, full
    assert group(agency, "payment")["score"] == Decimal("8.13")
    assert agency["score"] == sum(g["score"] for g in agency["groups"])
    # One agency: its level and the province have the same score.
    assert index["province"]["score"] == agency["score"]
    assert [level["code"] for level in index["levels"]] == ["tinh"]
    assert index["levels"][0]["score"] == agency["score"]


@pytest.mark.django_db
def test_weights_are_data_with_an_effective_date(world):
    land_dossiers()
    newer = IndexWeights.objects.create(effective_from=datetime.date(2024, 3, 15), name="Thử nghiệm",
                                        no_data_rule=IndexWeights.NoDataRule.ZERO)
    newer.indicators.create(code="online_share", points=10, threshold=30)
    newer.indicators.create(code="portal_sync", points=10, threshold=100)
    assert weights_on(datetime.date(2024, 3, 14))["name"] == "Quyết định 766/QĐ-TTg"
    index = service_index(FROM, TO)
    [agency] = index["agencies"]
    assert indicator(agency, "online_share")["points"] == Decimal("10.00")  # 30% meets the new threshold
    assert indicator(agency, "portal_sync")["points"] == Decimal("0")  # no data counts zero now
    assert agency["score"] == Decimal("10.00")
