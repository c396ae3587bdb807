"""A small synthetic world for the officer-page tests and the browser journey: one province, two
agencies (A decides civil status, B is another department), a centre with a counter for A, and
the officers of A (counter officer, specialist, leader) plus one officer of B."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from motcua.catalog import services as catalog
from motcua.catalog.models import Field, ProcedureVersion
from motcua.organization.models import (
    AdministrativeLevel,
    Agency,
    Counter,
    CounterAssignment,
    Role,
    RoleAssignment,
    ServicePoint,
    StaffProfile,
)

PASSWORD = "Mat-khau-thu-nghiem-2026"
PROCEDURE_CODE = "1.001193.000.00.00.H99"
PROCEDURE_NAME = "Đăng ký khai sinh"


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    service_point: ServicePoint
    version: ProcedureVersion
    counter_officer: object
    specialist: object
    leader: object
    outsider: object


def make_officer(username, full_name, role, agency, service_point=None, counter=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    StaffProfile.objects.create(user=user, full_name=full_name, home_agency=agency)
    RoleAssignment.objects.create(user=user, role=role, agency=agency)
    if counter is not None:
        CounterAssignment.objects.create(user=user, counter=counter, agency=agency)
    return user


def build_world() -> World:
    province = AdministrativeLevel.objects.create(code="tinh", name="Tỉnh", rank=1)
    agency = Agency.objects.create(code="000.00.01.H99", name="Sở Tư pháp", level=province)
    other = Agency.objects.create(code="000.00.02.H99", name="Sở Xây dựng", level=province)
    centre = ServicePoint.objects.create(
        code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh", kind=ServicePoint.Kind.PROVINCIAL_CENTRE
    )
    counter = Counter.objects.create(service_point=centre, number=1, name="Quầy Tư pháp")
    counter.agencies.add(agency)
    other_counter = Counter.objects.create(service_point=centre, number=2, name="Quầy Xây dựng")
    other_counter.agencies.add(other)
    Field.objects.create(code="ho-tich", name="Hộ tịch")
    version = catalog.create_procedure(
        PROCEDURE_CODE,
        "1.001193",
        name=PROCEDURE_NAME,
        field="ho-tich",
        time_limit=3,
        levels=["tinh"],
        competent_agencies=[agency],
        receiving_agencies=[agency],
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1},
            {"name": "Giấy tờ tùy thân của người đi đăng ký", "copies": 1, "is_required": False},
        ],
        steps=[
            {"order": 1, "name": "Tiếp nhận hồ sơ", "role": Role.COUNTER_OFFICER, "unit": "Bộ phận Một cửa", "budget_hours": 2},
            {"order": 2, "name": "Thẩm định hồ sơ", "role": Role.SPECIALIST, "unit": "Phòng Hộ tịch", "budget_hours": 12},
            {"order": 3, "name": "Phê duyệt", "role": Role.LEADER, "unit": "Lãnh đạo Sở", "budget_hours": 6},
            {"order": 4, "name": "Trả kết quả", "role": Role.COUNTER_OFFICER, "unit": "Bộ phận Một cửa", "budget_hours": 4},
        ],
        publish=True,
    )
    return World(
        agency=agency,
        other_agency=other,
        service_point=centre,
        version=version,
        counter_officer=make_officer("motcua.quay", "Nguyễn Thị Quầy", Role.COUNTER_OFFICER, agency, centre, counter),
        specialist=make_officer("motcua.chuyenvien", "Trần Văn Thẩm", Role.SPECIALIST, agency),
        leader=make_officer("motcua.lanhdao", "Lê Minh Duyệt", Role.LEADER, agency),
        outsider=make_officer("motcua.khac", "Phạm Thị Khác", Role.COUNTER_OFFICER, other, centre, other_counter),
    )
