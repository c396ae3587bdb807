"""A small province for report tests: two fields, two agencies at two levels, the provincial
centre open Monday to Saturday, and the days off of the seed 002 period (so its 134 days hold)."""
import datetime
from decimal import Decimal

import pytest

from motcua.calendar import services as calendar_services
from motcua.calendar.models import CalendarDay
from motcua.catalog import services as catalog
from motcua.catalog.models import Field
from motcua.organization.models import AdministrativeLevel, Agency, OpeningHours, ServicePoint
from motcua.testing.world import TZ, at  # noqa: F401  (the report tests import them from here)



# Days off between 1 Nov 2021 and 15 Apr 2022 that fall on a day the centre opens (Mon-Sat):
# New Year (Sat 1 Jan), Tết (Sat 29 Jan - Sat 5 Feb: 7 open days), Hùng Kings (Mon 11 Apr in lieu).
SEED_002_DAYS_OFF = [datetime.date(2022, 1, 1), datetime.date(2022, 4, 11)] + [
    datetime.date(2022, 1, 29) + datetime.timedelta(days=i) for i in range(9)
]


@pytest.fixture
def world(db):
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    commune = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    land = Agency.objects.create(code="000.00.20.H99", name="Sở Nông nghiệp và Môi trường", level=province)
    ward = Agency.objects.create(code="000.21.20.H99", name="UBND phường Trung Tâm", level=commune)
    centre = ServicePoint.objects.create(
        code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh", kind=ServicePoint.Kind.PROVINCIAL_CENTRE
    )
    ward_point = ServicePoint.objects.create(
        code="mot-cua-phuong", name="Bộ phận Một cửa phường Trung Tâm", kind=ServicePoint.Kind.COMMUNE_UNIT
    )
    for weekday in range(6):  # Monday to Saturday
        OpeningHours.objects.create(
            service_point=centre, weekday=weekday, opens=datetime.time(7), closes=datetime.time(17)
        )
    for day in SEED_002_DAYS_OFF:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.PUBLIC_HOLIDAY, name="Nghỉ lễ")
    calendar_services.invalidate()
    land_field = Field.objects.create(code="dat-dai", name="Đất đai")
    civil = Field.objects.create(code="ho-tich", name="Hộ tịch")
    land_version = catalog.create_procedure(
        "1.004227.000.00.00.H99", "1.004227", name="Đăng ký biến động quyền sử dụng đất", field=land_field,
        time_limit=Decimal("10"), time_limit_unit="working_days", levels=[province], competent_agencies=[land],
        publish=True, valid_from=datetime.date(2020, 1, 1),
    )
    birth_version = catalog.create_procedure(
        "1.001193.000.00.00.H99", "1.001193", name="Đăng ký khai sinh", field=civil,
        time_limit=Decimal("1"), time_limit_unit="working_days", levels=[commune], competent_agencies=[ward],
        publish=True, valid_from=datetime.date(2020, 1, 1),
    )
    return {
        "province": province, "commune": commune, "land": land, "ward": ward, "centre": centre,
        "ward_point": ward_point, "land_field": land_field, "civil": civil,
        "land_version": land_version, "birth_version": birth_version,
    }


def row(code, received_at, *, status=9, channel=1, due_at=None, finished_at=None, returned_at=None,
        procedure="1.004227.000.00.00.H99", agency="000.00.20.H99", service_point="trung-tam", **extra):
    """One import row (the legacy file's columns) with moments given as datetimes."""
    values = {
        "code": code, "procedure_code": procedure, "agency_code": agency, "service_point_code": service_point,
        "channel": str(channel), "received_at": received_at, "due_at": due_at or "",
        "finished_at": finished_at or "", "returned_at": returned_at or "", "status": str(status),
        "return_channel": "", "digitized": "0", "paid_online": "0", "fee_amount": "0",
    }
    values.update({k: str(v) for k, v in extra.items()})
    return values
