"""Fee quotes: lines, exemptions with their reason, the online discount, with figures."""
import datetime
from decimal import Decimal

import pytest

from motcua.catalog import services as catalog
from motcua.catalog.models import Field
from motcua.organization.models import AdministrativeLevel, Agency
from motcua.payments.fees import ExemptionRule, FeeError, FeeLineInput, compute_fee, quote

APPRAISAL = FeeLineInput(1, "fee", "Phí thẩm định", 100_000)
REGISTRATION = FeeLineInput(2, "charge", "Lệ phí đăng ký", 50_000)
POOR = ExemptionRule(10, 2, "Hộ nghèo", 100, "Thông tư 85/2019/TT-BTC")
ELDERLY = ExemptionRule(11, 1, "Người cao tuổi", 50)
VETERAN = ExemptionRule(12, 1, "Người có công", 30)


def test_counter_quote_is_the_sum_of_lines():
    q = quote([APPRAISAL, REGISTRATION], online=False, discount_percent=50)
    assert (q.gross, q.subtotal, q.discount_percent, q.discount, q.total) == (150_000, 150_000, 0, 0, 150_000)
    assert [ln.kind for ln in q.lines] == ["fee", "charge"]


def test_online_discount_halves_the_quang_ngai_way():
    q = quote([APPRAISAL, REGISTRATION], online=True, discount_percent=50)
    assert (q.subtotal, q.discount, q.total) == (150_000, 75_000, 75_000)


def test_exemption_waives_its_line_and_records_the_reason():
    q = quote([APPRAISAL, REGISTRATION], [POOR], online=False)
    assert [(ln.amount, ln.waived, ln.net) for ln in q.lines] == [(100_000, 0, 100_000), (50_000, 50_000, 0)]
    assert q.total == 100_000 and q.waived == 50_000
    assert q.reasons() == ["Hộ nghèo (-100%, Thông tư 85/2019/TT-BTC)"]
    assert q.lines[1].exemption == POOR


def test_exemption_then_online_discount():
    q = quote([APPRAISAL, REGISTRATION], [POOR, ELDERLY], online=True, discount_percent=50)
    # 100,000 - 50% = 50,000; registration waived; online: 50,000 x 50% = 25,000
    assert (q.subtotal, q.discount, q.total) == (50_000, 25_000, 25_000)


def test_several_exemptions_on_one_line_do_not_add_up():
    q = quote([APPRAISAL], [VETERAN, ELDERLY], online=False)
    assert (q.lines[0].waived, q.total, q.reasons()) == (50_000, 50_000, ["Người cao tuổi (-50%)"])


def test_rounding_is_down_to_the_dong():
    q = quote([FeeLineInput(1, "charge", "Lệ phí", 33_333)], [ExemptionRule(1, 1, "X", 33)], online=True,
              discount_percent=50)
    # waived 33,333 x 33% = 10,999.89 -> 10,999; net 22,334; online 50% -> 11,167
    assert (q.lines[0].waived, q.subtotal, q.total, q.discount) == (10_999, 22_334, 11_167, 11_167)


def test_exemption_of_another_procedure_is_refused():
    with pytest.raises(FeeError):
        quote([APPRAISAL], [POOR], online=False)
    with pytest.raises(FeeError):
        quote([APPRAISAL], online=True, discount_percent=120)


@pytest.fixture
def version(db):
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    agency = Agency.objects.create(code="000.00.40.H99", name="Sở Xây dựng", level=province)
    field = Field.objects.create(code="xay-dung", name="Xây dựng")
    return catalog.create_procedure(
        "1.009999.000.00.00.H99", "1.009999", name="Cấp giấy phép xây dựng", field=field, time_limit=Decimal("15"),
        levels=[province], competent_agencies=[agency], accepts_online=True, online_level="full",
        cases=[{"code": "nha-o", "name": "Nhà ở riêng lẻ"}, {"code": "cong-trinh", "name": "Công trình khác"}],
        fees=[
            {"name": "Lệ phí cấp phép", "kind": "charge", "amount": 75_000,
             "exemptions": [{"beneficiary": "Hộ nghèo", "percent": 100, "legal_basis": "NQ 12/2020"}]},
            {"name": "Phí thẩm định nhà ở", "kind": "fee", "amount": 500_000, "case": "nha-o"},
            {"name": "Phí thẩm định công trình", "kind": "fee", "amount": 2_000_000, "case": "cong-trinh"},
        ],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )


def test_compute_fee_takes_the_case_lines_and_the_global_default(version, settings):
    house = version.cases.get(code="nha-o")
    assert compute_fee(version, online=False).total == 75_000  # no case: only the common line
    assert compute_fee(version, house, online=False).total == 575_000
    assert compute_fee(version, house, online=True).total == 575_000  # version sets no discount, default 0
    settings.PAYMENT_ONLINE_DISCOUNT_PERCENT = 20
    q = compute_fee(version, house, online=True)
    assert (q.discount_percent, q.discount, q.total) == (20, 115_000, 460_000)


def test_compute_fee_applies_a_chosen_exemption(version):
    house = version.cases.get(code="nha-o")
    poor = version.fees.get(name="Lệ phí cấp phép").exemptions.get()
    q = compute_fee(version, house, online=False, exemption_ids=[poor.pk])
    assert (q.total, q.reasons()) == (500_000, ["Hộ nghèo (-100%, NQ 12/2020)"])
    with pytest.raises(FeeError):
        compute_fee(version, house, online=False, exemption_ids=[poor.pk + 999])


def test_compute_fee_matches_the_dossier_engine_online(world):
    # The land procedure: 50,000 đ, 50% online discount; the engine stores 25,000 for online dossiers.
    assert compute_fee(world["version"], online=True).total == 25_000
    assert compute_fee(world["version"], online=False).total == 50_000


def test_fee_quote_api(version, client):
    house = version.cases.get(code="nha-o")
    response = client.get(f"/api/v1/payments/fee-quote/{version.pk}/?case={house.pk}&online=1")
    assert response.status_code == 200
    assert (response.json()["total"], response.json()["gross"]) == (575_000, 575_000)
    bad = client.get(f"/api/v1/payments/fee-quote/{version.pk}/?exemptions=abc")
    assert bad.status_code == 400
    other_case = client.get(f"/api/v1/payments/fee-quote/{version.pk}/?case=999999")
    assert other_case.status_code == 400
    unknown = client.get(f"/api/v1/payments/fee-quote/{version.pk}/?exemptions=999999")
    assert unknown.status_code == 400
