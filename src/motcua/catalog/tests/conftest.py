"""A small province for catalogue tests: two levels, three agencies, a centre with a counter."""
import datetime
from decimal import Decimal

import pytest

from motcua.catalog import services
from motcua.catalog.models import Field, PublicationDecision
from motcua.organization.models import AdministrativeLevel, Agency, Counter, ServicePoint


@pytest.fixture
def org(db):
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    commune = AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    justice = Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    land = Agency.objects.create(code="000.00.20.H99", name="Sở Nông nghiệp và Môi trường", level=province)
    ward = Agency.objects.create(
        code="000.01.01.H99", name="UBND phường Trung Tâm", level=commune, kind=Agency.Kind.PEOPLES_COMMITTEE
    )
    centre = ServicePoint.objects.create(
        code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh", kind=ServicePoint.Kind.PROVINCIAL_CENTRE
    )
    counter = Counter.objects.create(service_point=centre, number=3, name="Quầy Tư pháp")
    counter.agencies.add(justice)
    civil = Field.objects.create(code="ho-tich", name="Hộ tịch")
    land_field = Field.objects.create(code="dat-dai", name="Đất đai")
    return {
        "province": province,
        "commune": commune,
        "justice": justice,
        "land": land,
        "ward": ward,
        "centre": centre,
        "counter": counter,
        "civil": civil,
        "land_field": land_field,
    }


@pytest.fixture
def decision(db):
    return PublicationDecision.objects.create(
        number="101/QĐ-UBND",
        title="Công bố danh mục thủ tục hành chính lĩnh vực Hộ tịch",
        issuer="UBND tỉnh",
        signed_on=datetime.date(2025, 7, 1),
        effective_on=datetime.date(2025, 7, 1),
    )


def birth_registration(org, code="1.001193.000.00.00.H99", publish=True, **overrides):
    """Đăng ký khai sinh: two cases, documents, a fee with an exemption, four steps (16 h in all)."""
    content = dict(
        name="Đăng ký khai sinh",
        field=org["civil"],
        time_limit=Decimal("3"),
        time_limit_unit="working_days",
        online_time_limit=Decimal("2"),
        online_level="full",
        accepts_online=True,
        saturday_service="morning",
        legal_basis="Luật Hộ tịch 2014",
        levels=["tinh"],
        competent_agencies=[org["justice"]],
        receiving_agencies=["000.00.10.H99"],
        cases=[
            {"code": "dung-han", "name": "Đăng ký đúng hạn"},
            {"code": "qua-han", "name": "Đăng ký quá hạn", "time_limit": Decimal("5"), "time_limit_unit": "working_days"},
        ],
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "form_name": "Mẫu TP/HT-01", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1, "certified_copies": 0, "copies": 1},
            {"name": "Văn bản cam đoan về việc sinh", "originals": 1, "case": "qua-han"},
        ],
        fees=[
            {
                "name": "Lệ phí đăng ký khai sinh",
                "amount": 8000,
                "exemptions": [{"beneficiary": "Hộ nghèo", "percent": 100, "legal_basis": "TT 85/2019"}],
            }
        ],
        steps=[
            {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "counter_officer", "budget_hours": Decimal("2")},
            {"order": 2, "name": "Thẩm định", "role": "specialist", "unit": "Phòng Hộ tịch", "budget_hours": 10},
            {"order": 3, "name": "Phê duyệt", "role": "leader", "budget_hours": 2},
            {"order": 4, "name": "Xác minh thêm", "role": "specialist", "budget_hours": 16, "case": "qua-han"},
        ],
        publish=publish,
        valid_from=datetime.date(2025, 7, 1),
    )
    content.update(overrides)
    return services.create_procedure(code, code.split(".000.")[0], **content)
