import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from motcua.catalog import selectors, services

from .conftest import birth_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org, decision):
    birth = birth_registration(org)
    land = services.create_procedure(
        "1.004227.000.00.00.H99",
        "1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        field="dat-dai",
        time_limit=Decimal("10"),
        levels=["tinh", "xa"],
        competent_agencies=["000.00.20.H99"],
        online_level="partial",
        accepts_online=True,
        publish=True,
    )
    draft_only = services.create_procedure(
        "1.000005.000.00.00.H99", "1.000005", name="Đăng ký kết hôn", field="ho-tich", time_limit=5, levels=["xa"]
    )
    abolished = services.create_procedure(
        "1.000006.000.00.00.H99", "1.000006", name="Đăng ký khai tử cũ", field="ho-tich", time_limit=5, publish=True,
        valid_from=datetime.date(2024, 1, 1),
    )
    services.abolish(abolished.procedure, decision)
    return {"birth": birth, "land": land, "draft": draft_only}


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_list_shows_only_procedures_in_force(catalogue):
    response = APIClient().get("/api/v1/procedures/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    # sorted by name: "Đăng ký biến động..." before "Đăng ký khai sinh"
    assert codes(response) == ["1.004227.000.00.00.H99", "1.001193.000.00.00.H99"]
    first = body["results"][1]
    assert first["name"] == "Đăng ký khai sinh"
    assert first["field"] == {"code": "ho-tich", "name": "Hộ tịch", "name_en": ""}
    assert first["name_en"] == "" and first["languages"] == ["vi"]
    assert first["time_limit_text"] == "3 ngày làm việc"
    assert first["version"] == 1


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=dang ky khai sinh", ["1.001193.000.00.00.H99"]),
        ("q=ĐĂNG KÝ", ["1.004227.000.00.00.H99", "1.001193.000.00.00.H99"]),
        ("q=dat dai dang", []),  # the field name is not part of the search text
        ("q=quyen su dung", ["1.004227.000.00.00.H99"]),
        ("q=1.004227", ["1.004227.000.00.00.H99"]),
        ("field=ho-tich", ["1.001193.000.00.00.H99"]),
        ("agency=000.00.20.H99", ["1.004227.000.00.00.H99"]),
        ("agency=000.00.10.H99", ["1.001193.000.00.00.H99"]),
        ("level=xa", ["1.004227.000.00.00.H99"]),
        ("online_level=full", ["1.001193.000.00.00.H99"]),
        ("online_level=none", []),
        ("q=dang ky&level=tinh&online_level=partial", ["1.004227.000.00.00.H99"]),
    ],
)
def test_list_filters(catalogue, query, expected):
    response = APIClient().get(f"/api/v1/procedures/?{query}")
    assert response.status_code == 200
    assert codes(response) == expected


@pytest.mark.parametrize(
    "query, param, message",
    [
        ("field=khong-co", "field", "Unknown field code: khong-co"),
        ("agency=000.00.99.H99", "agency", "Unknown agency identifier code: 000.00.99.H99"),
        ("level=huyen", "level", "Unknown level code: huyen"),
        ("online_level=4", "online_level", "Unknown online level: 4 (use full, partial, none)"),
    ],
)
def test_unknown_filter_values_are_400(catalogue, query, param, message):
    response = APIClient().get(f"/api/v1/procedures/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()[param] == [message]


def test_unknown_filter_message_in_vietnamese(catalogue):
    response = APIClient().get("/api/v1/procedures/?field=khong-co")
    assert response.status_code == 400
    assert response.json()["field"] == ["Không có lĩnh vực mã khong-co"]


def test_detail_in_full(catalogue):
    response = APIClient().get("/api/v1/procedures/1.001193.000.00.00.H99/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["time_limit"] == "3.00" and body["time_limit_unit"] == "working_days"
    assert body["online_time_limit"] == "2.00"
    assert body["online_level"] == "full"
    assert body["channels"] == ["counter", "online", "post"]
    assert body["saturday_service"] == "morning"
    assert body["legal_basis"] == "Luật Hộ tịch 2014"
    assert [c["code"] for c in body["cases"]] == ["dung-han", "qua-han"]
    assert body["documents"][0] == {
        "name": "Tờ khai đăng ký khai sinh",
        "name_en": "",
        "form_name": "Mẫu TP/HT-01",
        "originals": 1,
        "certified_copies": 0,
        "copies": 0,
        "is_required": True,
        "reusable_from_store": False,
        "case": None,
    }
    assert body["documents"][2]["case"] == "qua-han"
    assert body["fees"] == [
        {
            "kind": "charge",
            "name": "Lệ phí đăng ký khai sinh",
            "name_en": "",
            "amount": 8000,
            "description": "",
            "description_en": "",
            "case": None,
            "exemptions": [{"beneficiary": "Hộ nghèo", "beneficiary_en": "", "percent": 100,
                            "legal_basis": "TT 85/2019"}],
        }
    ]
    assert [s["budget_hours"] for s in body["steps"]] == ["2.00", "10.00", "2.00", "16.00"]
    where = body["where_to_submit"]
    assert [a["code"] for a in where["receiving_agencies"]] == ["000.00.10.H99"]
    assert where["service_points"] == [
        {
            "code": "trung-tam",
            "name": "Trung tâm Phục vụ hành chính công tỉnh",
            "address": "",
            "phone": "",
            "counters": [{"number": 3, "name": "Quầy Tư pháp"}],
        }
    ]


def test_detail_shows_new_version_after_publish(catalogue):
    draft = services.new_version(catalogue["birth"].procedure)
    services.update_draft(draft, name="Đăng ký khai sinh (mới)")
    import datetime

    services.publish(draft, valid_from=datetime.date(2026, 1, 1))
    body = APIClient().get("/api/v1/procedures/1.001193.000.00.00.H99/").json()
    assert (body["version"], body["name"]) == (2, "Đăng ký khai sinh (mới)")


@pytest.mark.parametrize("code", ["9.999999", "1.000005.000.00.00.H99", "1.000006.000.00.00.H99"])
def test_detail_404_for_unknown_draft_only_or_abolished(catalogue, code):
    assert APIClient().get(f"/api/v1/procedures/{code}/").status_code == 404


def test_schema_renders(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/procedures/{code}/" in response.content


def test_time_limit_text_english():
    from django.utils import translation

    with translation.override("en"):
        assert selectors.time_limit_text(Decimal("1"), "working_days") == "1 working day"
        assert selectors.time_limit_text(Decimal("0.50"), "working_days") == "0.5 working days"
        assert selectors.time_limit_text(Decimal("4"), "working_hours") == "4 working hours"
        assert selectors.time_limit_text(Decimal("15"), "calendar_days") == "15 days"
    with translation.override("vi"):
        assert selectors.time_limit_text(Decimal("0.50"), "working_days") == "0,5 ngày làm việc"


def test_both_languages_in_the_payload_and_english_search(org):
    from motcua.catalog.models import Field

    Field.objects.filter(code="ho-tich").update(name_en="Civil status")
    birth_registration(
        org, name_en="Birth registration", result_description_en="Birth certificate",
        documents=[{"name": "Tờ khai đăng ký khai sinh", "name_en": "Birth registration form", "originals": 1},
                   {"name": "Giấy chứng sinh", "originals": 1}],
        fees=[{"name": "Lệ phí đăng ký khai sinh", "name_en": "Birth registration charge", "amount": 8000,
               "exemptions": [{"beneficiary": "Hộ nghèo", "beneficiary_en": "Poor households"}]}],
    )
    birth_registration(org, code="1.000999.000.00.00.H99", name="Đăng ký kết hôn")
    client = APIClient()
    found = client.get("/api/v1/procedures/", {"q": "birth registration"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["code"] for row in found["results"]] == ["1.001193.000.00.00.H99"]
    row = found["results"][0]
    assert (row["name"], row["name_en"], row["languages"]) == ("Đăng ký khai sinh", "Birth registration", ["vi", "en"])
    assert row["field"] == {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"}
    assert row["time_limit_text"] == "3 working days"  # Accept-Language: en words the generated texts
    other = client.get("/api/v1/procedures/1.000999.000.00.00.H99/").json()
    assert other["name_en"] == "" and other["languages"] == ["vi"]

    detail = client.get("/api/v1/procedures/1.001193.000.00.00.H99/").json()
    assert detail["result_description_en"] == "Birth certificate" and detail["requirements_en"] == ""
    assert [(d["name"], d["name_en"]) for d in detail["documents"]] == [
        ("Tờ khai đăng ký khai sinh", "Birth registration form"), ("Giấy chứng sinh", "")]
    assert detail["fees"][0]["name_en"] == "Birth registration charge"
    assert detail["fees"][0]["exemptions"][0]["beneficiary_en"] == "Poor households"
    assert detail["time_limit_text"] == "3 ngày làm việc"

    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for schema, fields in [("ProcedureDetail", ["name_en", "description_en", "requirements_en",
                                                "result_description_en", "languages"]),
                           ("Document", ["name_en"]), ("Fee", ["name_en", "description_en"]),
                           ("Exemption", ["beneficiary_en"]), ("Step", ["name_en"]), ("Case", ["name_en"]),
                           ("Field", ["name_en"])]:
        assert set(fields) <= set(schemas[schema]["properties"]), schema
