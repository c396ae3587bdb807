"""Decree 118/2025: names and levels follow the date (explicit dates, never today)."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.organization.models import AdministrativeLevel, AdministrativeUnit, Agency, ServicePointName

from . import factories as f

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)
BEFORE = datetime.date(2025, 6, 30)
OLD = "Bộ phận Một cửa xã Mẫu"
NEW = "Trung tâm Phục vụ hành chính công xã Mẫu"


def renamed_point():
    point = f.service_point(kind="commune")
    point.name = NEW
    point.save()
    ServicePointName.objects.create(service_point=point, name=OLD, valid_to=BEFORE)
    return point


def test_service_point_name_follows_the_date():
    point = renamed_point()
    assert point.name_on(BEFORE) == OLD
    assert point.name_on(REFORM) == NEW
    assert point.name_on(datetime.date(2019, 1, 1)) == OLD
    assert point.name_on(None) == NEW  # no date: the current name
    aware = datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    assert point.name_on(aware) == OLD


def test_a_name_period_needs_dates_and_may_not_overlap_another():
    point = renamed_point()
    with pytest.raises(ValidationError):
        ServicePointName(service_point=point, name="Tên khác").full_clean()
    with pytest.raises(ValidationError) as excinfo:
        ServicePointName(service_point=point, name="Tên khác", valid_from=datetime.date(2025, 1, 1),
                         valid_to=datetime.date(2025, 3, 31)).full_clean()
    assert "trùng" in str(excinfo.value) or "overlaps" in str(excinfo.value)


def test_agency_name_follows_the_date():
    agency = f.agency(name="Ủy ban nhân dân xã Mới")
    agency.names.create(name="Ủy ban nhân dân xã Cũ", valid_to=BEFORE)
    assert agency.name_on(BEFORE) == "Ủy ban nhân dân xã Cũ"
    assert agency.name_on(REFORM) == "Ủy ban nhân dân xã Mới"


def test_no_district_level_for_units_starting_after_the_reform():
    province = f.level("tinh", 1)
    district = AdministrativeLevel.objects.create(code="huyen", name="Cấp huyện", rank=2, valid_to=BEFORE)
    parent = f.unit(lvl=province)
    new_district = AdministrativeUnit(code="X1", name="Huyện Mới", level=district, parent=parent, valid_from=REFORM)
    with pytest.raises(ValidationError) as excinfo:
        new_district.full_clean()
    assert "level" in excinfo.value.message_dict
    # Before the reform the district level was in force.
    AdministrativeUnit(code="X2", name="Huyện Cũ", level=district, parent=parent,
                       valid_from=datetime.date(2020, 1, 1), valid_to=BEFORE).full_clean()
    agency = Agency(code="000.00.41.H99", name="UBND huyện Mới", level=district, valid_from=REFORM)
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert "level" in excinfo.value.message_dict


def test_admin_offers_only_levels_in_force_for_a_new_unit(client, admin_user, time_machine):
    f.level("tinh", 1)
    AdministrativeLevel.objects.create(code="huyen", name="Cấp huyện cũ", rank=2, valid_to=BEFORE)
    time_machine.move_to(datetime.datetime(2025, 8, 1, 9, tzinfo=datetime.timezone.utc))
    client.force_login(admin_user)
    page = client.get("/admin/organization/administrativeunit/add/").content.decode()
    assert "Cấp tinh" in page and "Cấp huyện cũ" not in page
    time_machine.move_to(datetime.datetime(2025, 6, 2, 9, tzinfo=datetime.timezone.utc))
    assert "Cấp huyện cũ" in client.get("/admin/organization/administrativeunit/add/").content.decode()
