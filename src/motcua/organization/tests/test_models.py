import datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.organization.models import (
    AdministrativeUnit,
    Agency,
    CounterAssignment,
    OpeningHours,
    Role,
    RoleAssignment,
)

from . import factories as f

pytestmark = pytest.mark.django_db


def messages(excinfo):
    return excinfo.value.message_dict


def test_end_date_before_start_date_is_rejected():
    lvl = f.level()
    lvl.valid_from, lvl.valid_to = datetime.date(2025, 7, 1), datetime.date(2025, 6, 30)
    with pytest.raises(ValidationError) as excinfo:
        lvl.full_clean()
    assert "valid_to" in messages(excinfo)


def test_valid_on_keeps_rows_in_force_that_day():
    district = f.level("huyen", 2, valid_to=datetime.date(2025, 6, 30))
    commune = f.level("xa", 3)
    from motcua.organization.models import AdministrativeLevel

    assert set(AdministrativeLevel.objects.valid_on(datetime.date(2025, 6, 30))) == {district, commune}
    assert set(AdministrativeLevel.objects.valid_on(datetime.date(2025, 7, 1))) == {commune}


def test_merged_unit_needs_an_end_date_and_cannot_succeed_itself():
    new = f.unit(name="Xã Mới")
    old = f.unit(name="Xã Cũ", successor=new)
    with pytest.raises(ValidationError) as excinfo:
        old.full_clean()
    assert "valid_to" in messages(excinfo)

    old.valid_to = datetime.date(2025, 6, 30)
    old.full_clean()  # now fine
    old.successor = old
    with pytest.raises(ValidationError) as excinfo:
        old.full_clean()
    assert "successor" in messages(excinfo)


def test_current_follows_successors_to_the_unit_in_force():
    newest = f.unit(name="Xã C")
    middle = f.unit(name="Xã B", successor=newest, valid_to=datetime.date(2025, 6, 30))
    oldest = f.unit(name="Xã A", successor=middle, valid_to=datetime.date(2020, 1, 1))
    assert oldest.current() == newest
    assert newest.current() == newest
    assert list(newest.predecessors.all()) == [middle]
    assert AdministrativeUnit.objects.get(pk=oldest.pk).current().name == "Xã C"


@pytest.mark.parametrize("code", ["000.00.00.H99", "000.01.23.H56", "123.45.67.Z00"])
def test_agency_code_format_accepted(code):
    f.agency(code=code).full_clean()


@pytest.mark.parametrize("code", ["000.00.00.h99", "00.00.00.H99", "000.00.00.H9", "000-00-00-H99", "000.00.00.HH9", ""])
def test_agency_code_format_rejected(code):
    agency = Agency(code=code, name="Sở X", level=f.level())
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert "code" in messages(excinfo)


def test_opening_hours_must_not_overlap_on_the_same_day():
    point = f.service_point()
    OpeningHours.objects.create(service_point=point, weekday=0, opens=datetime.time(7), closes=datetime.time(11, 30))

    overlapping = OpeningHours(service_point=point, weekday=0, opens=datetime.time(11), closes=datetime.time(12))
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    # Touching the end is not an overlap; another weekday is independent.
    OpeningHours(service_point=point, weekday=0, opens=datetime.time(11, 30), closes=datetime.time(12)).full_clean()
    OpeningHours(service_point=point, weekday=1, opens=datetime.time(8), closes=datetime.time(9)).full_clean()


def test_opening_hours_must_close_after_opening():
    hours = OpeningHours(service_point=f.service_point(), weekday=5, opens=datetime.time(11), closes=datetime.time(7))
    with pytest.raises(ValidationError) as excinfo:
        hours.full_clean()
    assert "closes" in messages(excinfo)


@pytest.mark.parametrize("role", [Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER])
def test_agency_roles_need_an_agency(role):
    assignment = RoleAssignment(user=f.user(), role=role)
    with pytest.raises(ValidationError) as excinfo:
        assignment.full_clean()
    assert "agency" in messages(excinfo)
    assignment.agency = f.agency()
    assignment.full_clean()


def test_centre_manager_needs_a_service_point_and_province_admin_needs_nothing():
    manager = RoleAssignment(user=f.user(), role=Role.CENTRE_MANAGER)
    with pytest.raises(ValidationError) as excinfo:
        manager.full_clean()
    assert "service_point" in messages(excinfo)
    RoleAssignment(user=f.user(), role=Role.PROVINCE_ADMIN).full_clean()


def test_counter_assignment_must_match_the_counters_agencies():
    justice, police = f.agency(), f.agency()
    counter = f.counter(agencies=[justice])
    officer = f.user()
    CounterAssignment(user=officer, counter=counter, agency=justice, kind="backup").full_clean()
    with pytest.raises(ValidationError) as excinfo:
        CounterAssignment(user=officer, counter=counter, agency=police).full_clean()
    assert "agency" in messages(excinfo)


def test_validation_messages_are_vietnamese_by_default():
    from django.utils import translation

    with translation.override("vi"):
        with pytest.raises(ValidationError) as excinfo:
            Agency(code="bad", name="X", level=f.level()).full_clean()
    assert "không phải là mã định danh" in messages(excinfo)["code"][0]
