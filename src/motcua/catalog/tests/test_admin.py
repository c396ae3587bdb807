import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog import import_export
from motcua.catalog.models import Procedure, ProcedureVersion

from .conftest import birth_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("quantri", "quantri@example.test", "mat-khau-dai-123")
    client.force_login(user)
    return client


def test_published_version_page_is_read_only(org, admin_client):
    version = birth_registration(org)
    response = admin_client.get(f"/admin/catalog/procedureversion/{version.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name"' not in html  # no editable input for the name
    assert "Đăng ký khai sinh" in html and "Tờ khai đăng ký khai sinh" in html
    assert 'name="documents-0-name"' not in html
    # a forged POST changes nothing
    admin_client.post(f"/admin/catalog/procedureversion/{version.pk}/change/", {"name": "Đổi tên"})
    assert ProcedureVersion.objects.get(pk=version.pk).name == "Đăng ký khai sinh"


def test_draft_version_page_is_editable(org, admin_client):
    version = birth_registration(org, publish=False)
    html = admin_client.get(f"/admin/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert 'name="name"' in html and 'name="documents-0-name"' in html


def test_actions_new_version_then_publish(org, admin_client):
    version = birth_registration(org)
    response = admin_client.post(
        "/admin/catalog/procedure/",
        {"action": "create_new_version", "_selected_action": [version.procedure.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft = ProcedureVersion.objects.get(procedure=version.procedure, number=2)
    assert draft.status == "draft" and draft.documents.count() == 3
    admin_client.post(
        "/admin/catalog/procedureversion/",
        {"action": "publish_versions", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    version.refresh_from_db()
    assert (draft.status, version.status) == ("published", "superseded")
    assert Procedure.objects.get().current_version == draft
    # both actions are in the admin's audit log
    from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

    assert sorted(LogEntry.objects.filter(object_id=str(draft.pk)).values_list("action_flag", flat=True)) == [
        ADDITION,
        CHANGE,
    ]


def test_procedure_list_and_version_list_render(org, admin_client):
    birth_registration(org)
    assert "Đăng ký khai sinh" in admin_client.get("/admin/catalog/procedure/").content.decode()
    assert admin_client.get("/admin/catalog/procedureversion/?q=dang+ky").status_code == 200
    assert admin_client.get("/admin/catalog/publicationdecision/").status_code == 200
    assert admin_client.get("/admin/catalog/feeexemption/").status_code == 200


def test_admin_export_and_import(org, admin_client):
    birth_registration(org)
    response = admin_client.get("/admin/catalog/procedure/export/json/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    tables = json.loads(response.content)
    assert tables["procedures"][0]["code"] == "1.001193.000.00.00.H99"
    xlsx = admin_client.get("/admin/catalog/procedure/export/xlsx/")
    assert xlsx.content[:2] == b"PK"

    # a bad file: errors listed, nothing imported
    tables["procedures"][0]["code"] = "2.000001.000.00.00.H99"
    tables["procedures"][0]["time_limit"] = "abc"
    upload = SimpleUploadedFile("bad.json", json.dumps(tables).encode())
    page = admin_client.post("/admin/catalog/procedure/transfer/", {"file": upload}).content.decode()
    assert "Trang tính procedures, dòng 1: time_limit: &#x27;abc&#x27; không phải là số." in page
    assert not Procedure.objects.filter(code="2.000001.000.00.00.H99").exists()

    # a good file: new procedure added (cases etc. renamed to the new code)
    tables["procedures"][0]["time_limit"] = "3"
    for name in ("cases", "documents", "fees", "exemptions", "steps"):
        for row in tables[name]:
            row["procedure"] = "2.000001.000.00.00.H99"
    tables["decision_items"] = []
    upload = SimpleUploadedFile("good.json", json.dumps(tables).encode())
    page = admin_client.post("/admin/catalog/procedure/transfer/", {"file": upload}).content.decode()
    assert 'id="import-counts"' in page
    assert Procedure.objects.get(code="2.000001.000.00.00.H99").current_version.documents.count() == 3
    assert import_export.export_tables()["procedures"][1]["code"] == "2.000001.000.00.00.H99"


def test_add_version_in_admin_numbers_it_and_refuses_a_second_draft(org, admin_client):
    version = birth_registration(org)
    form = {
        "procedure": version.procedure.pk,
        "name": "Đăng ký khai sinh (dự thảo)",
        "field": org["civil"].pk,
        "levels": [org["province"].pk],
        "competent_agencies": [org["justice"].pk],
        "applicant_kinds": "citizen",
        "time_limit": "3",
        "time_limit_unit": "working_days",
        "online_level": "none",
        "saturday_service": "none",
        "online_fee_discount_percent": "0",
        "fee_payable_at": "intake",
        "accepts_counter": "on",
    }
    for prefix in ("cases", "documents", "fees", "steps"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post("/admin/catalog/procedureversion/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = ProcedureVersion.objects.get(procedure=version.procedure, status="draft")
    assert draft.number == 2
    again = admin_client.post("/admin/catalog/procedureversion/add/", form)
    assert again.status_code == 200
    assert "đã có phiên bản nháp" in again.content.decode()
    assert ProcedureVersion.objects.filter(procedure=version.procedure).count() == 2
