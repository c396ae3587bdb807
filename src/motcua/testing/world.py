"""The shared test world: a small province for dossier tests, a land department and a justice
department, their officers, and a published land procedure with four steps (64 working hours of a
10-day limit).

A pytest plugin loaded for the whole suite by the root conftest.py (`pytest_plugins`): the fixtures
`world`, `receive`, `media_root` and `_fresh_caches` need no import; the constants and helpers
(`APPLICANT`, `MONDAY`, `at`, `make_officer`, `documents_for`, `refused`, `client_for`) are imported
from `motcua.testing.world`."""
import datetime
import shutil
import tempfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.calendar import services as calendar_services
from motcua.catalog import services as catalog
from motcua.catalog.models import Field
from motcua.core.errors import DomainError
from motcua.dossiers import deadlines, services
from motcua.organization.models import AdministrativeLevel, Agency, Role, RoleAssignment, ServicePoint

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=8, mm=0):
    """A local moment (Asia/Ho_Chi_Minh)."""
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


# Monday 2 March 2026, 08:00: a plain working day (the test calendar has no holidays).
MONDAY = at(2026, 3, 2)

APPLICANT = {
    "kind": "person",
    "name": "Trần Thị Mẫu",
    "id_number": "038190012345",  # Thanh Hóa, female, born 1990
    "birth_date": datetime.date(1990, 5, 17),
    "phone": "0912345678",
    "email": "mau.tran@example.vn",
    "address": "Số 1 đường Thử Nghiệm, phường Trung Tâm",
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    deadlines.clear_cache()
    calendar_services.invalidate()
    yield
    deadlines.clear_cache()
    calendar_services.invalidate()


def make_officer(username, role, agency):
    user = get_user_model().objects.create_user(username=username, password="x")
    RoleAssignment.objects.create(user=user, role=role, agency=agency)
    return user


@pytest.fixture
def world(db):
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    land = Agency.objects.create(code="000.00.20.H99", name="Sở Nông nghiệp và Môi trường", level=province)
    justice = Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    tax = Agency.objects.create(code="000.00.30.H99", name="Thuế tỉnh", level=province)
    centre = ServicePoint.objects.create(
        code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh", kind=ServicePoint.Kind.PROVINCIAL_CENTRE
    )
    field = Field.objects.create(code="dat-dai", name="Đất đai")
    justice_field = Field.objects.create(code="ho-tich", name="Hộ tịch")
    version = catalog.create_procedure(
        "1.004227.000.00.00.H99", "1.004227",
        name="Đăng ký biến động quyền sử dụng đất", field=field, time_limit=Decimal("10"),
        time_limit_unit="working_days", online_time_limit=Decimal("8"), online_level="full",
        accepts_online=True, online_fee_discount_percent=50,
        levels=[province], competent_agencies=[land],
        documents=[
            {"name": "Đơn đăng ký biến động", "originals": 1},
            {"name": "Giấy chứng nhận quyền sử dụng đất", "originals": 1},
            {"name": "Giấy ủy quyền", "copies": 1, "is_required": False},
        ],
        fees=[{"name": "Lệ phí đăng ký", "amount": 50000}],
        steps=[
            {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "counter_officer", "unit": "Bộ phận Một cửa",
             "budget_hours": 4},
            {"order": 2, "name": "Thẩm định hồ sơ", "role": "specialist", "unit": "Phòng Đăng ký đất đai",
             "budget_hours": 40},
            {"order": 3, "name": "Phê duyệt", "role": "leader", "unit": "Lãnh đạo Sở", "budget_hours": 16},
            {"order": 4, "name": "Trả kết quả", "role": "counter_officer", "unit": "Bộ phận Một cửa",
             "budget_hours": 4},
        ],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )
    birth = catalog.create_procedure(
        "1.001193.000.00.00.H99", "1.001193", name="Đăng ký khai sinh", field=justice_field,
        time_limit=Decimal("1"), time_limit_unit="working_days", levels=[province], competent_agencies=[justice],
        documents=[{"name": "Tờ khai đăng ký khai sinh", "originals": 1}],
        steps=[{"order": 1, "name": "Tiếp nhận và giải quyết", "role": "counter_officer", "budget_hours": 8}],
        publish=True, valid_from=datetime.date(2025, 1, 1),
    )
    docs = list(version.documents.order_by("order"))
    return {
        "land": land, "justice": justice, "tax": tax, "centre": centre, "version": version, "birth": birth,
        "docs": docs,
        "counter": make_officer("counter", Role.COUNTER_OFFICER, land),
        "specialist": make_officer("specialist", Role.SPECIALIST, land),
        "leader": make_officer("leader", Role.LEADER, land),
        "justice_counter": make_officer("justice_counter", Role.COUNTER_OFFICER, justice),
        "justice_leader": make_officer("justice_leader", Role.LEADER, justice),
        "tax_specialist": make_officer("tax_specialist", Role.SPECIALIST, tax),
    }


def documents_for(world, *, skip=()):
    return [
        {"required_document": d.pk, "originals": 1, "copies": d.copies, "digitization": 1}
        for i, d in enumerate(world["docs"]) if i not in skip
    ]


@pytest.fixture
def receive(world):
    """Receive a land dossier at the counter at `when` (default Monday 08:00)."""

    def _receive(when=MONDAY, **overrides):
        kwargs = dict(
            procedure_version=world["version"], applicant=APPLICANT, documents=documents_for(world),
            service_point=world["centre"], received_at=when,
        )
        kwargs.update(overrides)
        return services.receive_at_counter(world["counter"], **kwargs)

    return _receive


def refused(code, fn, *args, error=DomainError, **kwargs):
    """Call `fn` and expect a refusal (`error`, by default any DomainError) with this code."""
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.messages
    return info.value


def client_for(user) -> APIClient:
    """An API client signed in with the user's token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def media_root(settings):
    """Stored files go to a fresh folder, removed after the test (ask for it, or make it autouse)."""
    settings.MEDIA_ROOT = root = tempfile.mkdtemp(prefix="motcua-media-")
    yield root
    shutil.rmtree(root, ignore_errors=True)
