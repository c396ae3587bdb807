"""Every case of every demo procedure gets its own time limit (issue 10, point 5).

For each procedure of the demo catalogue (demo/procedures.py) and each of its cases (or
the procedure alone when it has none), a dossier received on Tuesday 21 January 2025 at 09:00 (the
week before Tết Ất Tỵ) is due at the receipt plus the limit that case gets, in its unit, by the real
Vietnamese calendar. A case's own limit always wins over the procedure's same-day flag: "Đăng ký khai
sinh quá hạn" (3 working days) is due Friday 24 January 09:00, not the same day.

The expected limit is read from the demo data here, independently of catalog.effective_limit.
"""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.calendar.holiday_data import MAKEUP_WORKING_DAY, vietnam_days
from motcua.calendar.worktime import WorkCalendar
from motcua.catalog.models import ProcedureCase, ProcedureVersion
from motcua.dossiers import deadlines
from motcua.dossiers.models import Channel
from motcua.demo.procedures import PROCEDURES

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime.datetime(2025, 1, 21, 9, 0, tzinfo=TZ)  # a Tuesday, 09:00
_DAYS = vietnam_days(2024, 2026)
CALENDAR = WorkCalendar(
    days_off=[d.date for d in _DAYS if d.kind != MAKEUP_WORKING_DAY],
    extra_working_days=[d.date for d in _DAYS if d.kind == MAKEUP_WORKING_DAY],
    covered_years=range(2024, 2027),
)


def _params():
    for data in PROCEDURES:
        channels = [Channel.COUNTER] + ([Channel.ONLINE] if data["online_level"] != "none" else [])
        for case in data["cases"] or [None]:
            for channel in channels:
                label = f"{data['national_code']}-{case['code'] if case else 'no-case'}-{Channel(channel).name.lower()}"
                yield pytest.param(data, case, channel, id=label)


def expected_limit(data: dict, case: dict | None, channel: int):
    """(amount, unit) the case gets, or "same_day"; read from the demo data."""
    online = channel == Channel.ONLINE
    if case is not None and case["time_limit"] is not None:  # the case's own limit wins
        amount = case["time_limit"]
        if online and case["online_time_limit"] is not None:
            amount = case["online_time_limit"]
        return amount, case["time_limit_unit"]
    if online and case is not None and case["online_time_limit"] is not None and data["online_time_limit"] is None:
        return case["online_time_limit"], data["time_limit_unit"]
    if data["is_same_day"]:
        return "same_day"
    amount = data["online_time_limit"] if online and data["online_time_limit"] is not None else data["time_limit"]
    return amount, data["time_limit_unit"]


def profile_for(data: dict, case: dict | None) -> deadlines.IntakeProfile:
    version = ProcedureVersion(
        name=data["name"], time_limit=data["time_limit"], time_limit_unit=data["time_limit_unit"],
        online_time_limit=data["online_time_limit"], is_same_day=data["is_same_day"],
    )
    case_row = None
    if case is not None:
        case_row = ProcedureCase(
            code=case["code"], name=case["name"], time_limit=case["time_limit"],
            time_limit_unit=case["time_limit_unit"], online_time_limit=case["online_time_limit"],
        )
    return deadlines.IntakeProfile(
        version_id=0, version_status="published", procedure_id=0, field_id=0, name=data["name"],
        accepts=frozenset(), competent_agency_ids=(), competent_level_ids={}, receiving_agency_ids=frozenset(),
        is_boundary_free=False, **deadlines.limits_of(version, case_row),
    )


@pytest.fixture
def real_calendar(monkeypatch):
    monkeypatch.setattr(deadlines, "legal_calendar", lambda: CALENDAR)
    return CALENDAR


@pytest.mark.parametrize("data,case,channel", list(_params()))
def test_every_demo_case_gets_its_own_limit(real_calendar, data, case, channel):
    start, due = deadlines.due_at_receipt(profile_for(data, case), channel, RECEIVED)
    assert start == RECEIVED
    limit = expected_limit(data, case, channel)
    if limit == "same_day":
        assert due == datetime.datetime(2025, 1, 21, 17, 0, tzinfo=TZ)
    else:
        amount, unit = limit
        assert due == real_calendar.add(RECEIVED, Decimal(amount), unit)
        assert due > datetime.datetime(2025, 1, 21, 17, 0, tzinfo=TZ) or unit == "working_hours"


def _demo(national_code):
    return next(data for data in PROCEDURES if data["national_code"] == national_code)


def _case(data, code):
    return next(case for case in data["cases"] if case["code"] == code)


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.ONLINE])
def test_late_birth_registration_gets_three_working_days_not_the_same_day(real_calendar, channel):
    birth = _demo("9.000101")
    assert birth["is_same_day"]
    _, due = deadlines.due_at_receipt(profile_for(birth, _case(birth, "qua-han")), channel, RECEIVED)
    assert due == datetime.datetime(2025, 1, 24, 9, 0, tzinfo=TZ)  # Friday, three working days later
    _, due = deadlines.due_at_receipt(profile_for(birth, _case(birth, "dung-han")), channel, RECEIVED)
    assert due == datetime.datetime(2025, 1, 21, 17, 0, tzinfo=TZ)  # on time: the same day


def test_a_ten_day_limit_runs_over_tet_2025(real_calendar):
    record = _demo("9.000301")  # criminal record certificate, case needing checks: 15 working days
    _, due = deadlines.due_at_receipt(profile_for(record, _case(record, "thong-thuong")), Channel.COUNTER, RECEIVED)
    # 22, 23, 24 January, then Tết (25 January - 2 February), then 3-7 and 10-11 February
    assert due == datetime.datetime(2025, 2, 11, 9, 0, tzinfo=TZ)
    _, due = deadlines.due_at_receipt(profile_for(record, _case(record, "thong-thuong")), Channel.ONLINE, RECEIVED)
    assert due == datetime.datetime(2025, 2, 7, 9, 0, tzinfo=TZ)  # its online limit: 8 working days


@pytest.mark.parametrize("code,due", [
    ("qua-han", datetime.datetime(2026, 3, 6, 9, 0, tzinfo=TZ)),  # 3 working days: Friday 09:00
    ("dung-han", datetime.datetime(2026, 3, 3, 17, 0, tzinfo=TZ)),  # same day
])
def test_through_the_engine_the_case_limit_wins(world, code, due):
    """The demo's birth registration, created in the catalogue and received at the counter."""
    from motcua.catalog import services as catalog
    from motcua.dossiers import services

    from motcua.testing.world import APPLICANT

    birth = _demo("9.000101")
    version = catalog.create_procedure(
        "9.000101.000.00.00.H99", "9.000101", name=birth["name"], field=world["birth"].field,
        time_limit=birth["time_limit"], time_limit_unit=birth["time_limit_unit"], is_same_day=True,
        levels=list(world["birth"].levels.all()), competent_agencies=[world["justice"]], cases=birth["cases"],
        steps=[{"order": 1, "name": "Tiếp nhận và giải quyết", "role": "counter_officer", "budget_hours": 8}],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )
    case = version.cases.get(code=code)
    dossier = services.receive_at_counter(
        world["justice_counter"], procedure_version=version, case=case, applicant=APPLICANT, documents=[],
        service_point=world["centre"], received_at=datetime.datetime(2026, 3, 3, 9, 0, tzinfo=TZ),
    )
    assert dossier.due_at == due
