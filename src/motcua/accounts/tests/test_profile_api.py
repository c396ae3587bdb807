"""Profile editing, prefill from the population register, and /api/v1/me/."""
import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from motcua.accounts.models import AccountEvent, IdentitySource
from motcua.integrations.population import simulator

from .helpers import make_account

pytestmark = pytest.mark.django_db
BACKEND = "motcua.accounts.backends.PhoneOrEmailBackend"


def profile_data(account, **overrides):
    data = {"full_name": account.full_name, "citizen_id": account.citizen_id or "",
            "birth_date": account.birth_date.isoformat() if account.birth_date else "", "phone": account.phone or "",
            "email": account.email or "", "address": account.address}
    data.update(overrides)
    return data


@pytest.fixture
def person():
    return simulator.people()[3]  # Lê Hữu Dũng, 056068585428


@pytest.fixture
def signed_in(client, person):
    account = make_account(citizen_id=person.citizen_id, full_name="Le Huu Dung", birth_date=None)
    client.force_login(account.user, backend=BACKEND)
    return account


def test_profile_needs_a_citizen_account(client):
    assert client.get("/tai-khoan/")["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"
    officer = get_user_model().objects.create_user("officer2", password="x", is_staff=True)
    client.force_login(officer)
    assert client.get("/tai-khoan/").status_code == 302


def test_edit_profile(client, signed_in):
    response = client.post("/tai-khoan/", profile_data(signed_in, address="Số 9, đường Nguyễn Trãi",
                                                       phone="0987 654 321"))
    assert response.status_code == 302
    signed_in.refresh_from_db()
    assert signed_in.address == "Số 9, đường Nguyễn Trãi" and signed_in.phone == "0987654321"
    event = signed_in.events.first()
    assert event.action == AccountEvent.Action.PROFILE_UPDATED and sorted(event.changed_fields) == ["address", "phone"]


def test_edit_profile_refuses_a_taken_email(client, signed_in):
    make_account(phone="0977000111", email="other@example.test", citizen_id="001090000001")
    response = client.post("/tai-khoan/", profile_data(signed_in, email="Other@example.test"))
    assert response.status_code == 400
    assert "Không thể dùng số điện thoại, địa chỉ thư điện tử hoặc số định danh cá nhân này" in response.content.decode()
    signed_in.refresh_from_db()
    assert signed_in.email == "an.nguyen@example.test"


def test_prefill_from_the_register_then_save_marks_the_match(client, signed_in, person):
    response = client.post("/tai-khoan/", profile_data(signed_in, prefill="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lấy thông tin từ Cơ sở dữ liệu quốc gia về dân cư" in page
    assert 'value="Lê Hữu Dũng"' in page and 'value="1968-04-06"' in page
    assert person.permanent_address in page
    signed_in.refresh_from_db()
    assert signed_in.full_name == "Le Huu Dung"  # nothing saved before "Save"
    form = response.context["form"]
    save = {name: form[name].value() for name in ["full_name", "citizen_id", "birth_date", "phone", "email", "address"]}
    assert client.post("/tai-khoan/", save).status_code == 302
    signed_in.refresh_from_db()
    assert (signed_in.full_name, signed_in.birth_date.isoformat(), signed_in.address) == (
        "Lê Hữu Dũng", "1968-04-06", person.permanent_address)
    assert signed_in.identity_source == IdentitySource.POPULATION_REGISTER
    assert signed_in.events.first().action == AccountEvent.Action.REGISTER_MATCHED
    # Editing the name by hand afterwards drops the match.
    client.post("/tai-khoan/", dict(save, full_name="Lê Hữu Dũng Nam"))
    signed_in.refresh_from_db()
    assert signed_in.identity_source == IdentitySource.PASSWORD


def test_prefill_not_found(client, signed_in):
    # A citizen looks up only the ID saved on their account (integrations.population.lookups).
    signed_in.citizen_id = "001090000000"
    signed_in.save()
    response = client.post("/tai-khoan/", profile_data(signed_in, citizen_id="001090000000", prefill="1"))
    assert "Cơ sở dữ liệu quốc gia về dân cư không có công dân mang số định danh này." in response.content.decode()
    assert 'value="Le Huu Dung"' in response.content.decode()


def test_prefill_when_the_register_is_down(client, signed_in, settings):
    settings.POPULATION_SIMULATOR_MODE = "unavailable"
    response = client.post("/tai-khoan/", profile_data(signed_in, prefill="1"))
    assert response.status_code == 200
    assert "Hiện không kết nối được Cơ sở dữ liệu quốc gia về dân cư" in response.content.decode()
    signed_in.refresh_from_db()
    assert signed_in.identity_source == IdentitySource.PASSWORD


def test_oidc_verified_identity_is_not_editable(client, signed_in):
    signed_in.identity_source = IdentitySource.OIDC
    signed_in.save()
    client.post("/tai-khoan/", profile_data(signed_in, full_name="Someone Else", address="Số 1"))
    signed_in.refresh_from_db()
    assert signed_in.full_name == "Le Huu Dung" and signed_in.address == "Số 1"


def test_api_me(client, signed_in):
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "kind": "person", "full_name": "Le Huu Dung", "citizen_id": "056068585428", "birth_date": None,
        "phone": "0912345678", "email": "an.nguyen@example.test", "address": "", "business_name": "",
        "tax_code": "", "identity_source": "password", "identity_verified_at": None,
        "created_at": response.json()["created_at"],
    }


def test_api_me_with_a_token_and_refusals(client):
    account = make_account()
    token = Token.objects.create(user=account.user)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").json()["phone"] == "0912345678"
    assert client.get("/api/v1/me/").status_code in (401, 403)
    officer = get_user_model().objects.create_user("officer3", password="x", is_staff=True)
    client.force_login(officer)
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 403
    assert response.json()["detail"] == "Đây không phải tài khoản công dân hoặc doanh nghiệp."


def test_api_me_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/"]["get"]
    assert operation["operationId"] == "me_retrieve"
    assert set(operation["responses"]) == {"200", "401", "403"}
