"""The payment API is in the OpenAPI schema with its query parameters (drf-spectacular could not
guess them from the function views, so the fuzzer never sent them)."""
import pytest

pytestmark = pytest.mark.django_db


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}


def test_fee_quote_and_online_totals_declare_their_parameters(client):
    schema = client.get("/api/schema/?format=json").json()
    assert set(parameters(schema, "/api/v1/payments/fee-quote/{version_id}/")) == {"case", "online", "exemptions"}
    totals = parameters(schema, "/api/v1/payments/online-totals/")
    assert totals["from"]["required"] and totals["to"]["required"]
    assert totals["from"]["schema"] == {"type": "string", "format": "date"}


def test_online_totals_with_an_impossible_date_is_a_400_not_a_500(client, django_user_model):
    from motcua.organization.models import Role, RoleAssignment

    officer = django_user_model.objects.create_user("quantri", password="x", is_staff=True)
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_ADMIN)
    client.force_login(officer)
    response = client.get("/api/v1/payments/online-totals/", {"from": "2026-02-30", "to": "2026-03-01"})
    assert response.status_code == 400
    assert response.json() == {
        "from": ["Nhập khoảng thời gian: từ ngày và đến ngày theo dạng YYYY-MM-DD, từ ngày trước đến ngày."]}
