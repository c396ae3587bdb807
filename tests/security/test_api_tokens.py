"""API tokens expire and can be revoked (issue 17, hardening).

A token works for API_TOKEN_TTL_DAYS (30 by default) from its creation; an expired one, a revoked
one (by its user through DELETE /api/v1/auth/token/, or deleted by an administrator in the admin)
and an unknown one answer 401 with a message that says so, in Vietnamese or English.
"""
import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

CREATED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("api-token-officer", password="x", is_staff=True)


@pytest.fixture
def token(officer):
    with time_machine.travel(CREATED, tick=False):
        return Token.objects.create(user=officer)


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_works_until_its_expiry(token):
    with time_machine.travel(CREATED + datetime.timedelta(days=29, hours=23), tick=False):
        assert with_token(token.key).get("/api/v1/dossiers/").status_code == 200
    with time_machine.travel(CREATED + datetime.timedelta(days=30), tick=False):
        expired = with_token(token.key).get("/api/v1/dossiers/")
        assert expired.status_code == 401
        assert expired.json() == {"detail": "Mã truy cập API này đã hết hạn lúc 01/04/2026 09:00: hãy đề nghị "
                                            "quản trị viên cấp mã mới."}
        english = with_token(token.key).get("/api/v1/dossiers/", HTTP_ACCEPT_LANGUAGE="en")
        assert english.status_code == 401
        assert english.json()["detail"] == "This API token expired on 01/04/2026 09:00: ask your administrator for a new one."


@override_settings(API_TOKEN_TTL_DAYS=7)
def test_the_lifetime_is_a_setting(token):
    with time_machine.travel(CREATED + datetime.timedelta(days=6), tick=False):
        assert with_token(token.key).get("/api/v1/dossiers/").status_code == 200
    with time_machine.travel(CREATED + datetime.timedelta(days=7, seconds=1), tick=False):
        assert with_token(token.key).get("/api/v1/dossiers/").status_code == 401


def test_the_user_revokes_their_token(token):
    with time_machine.travel(CREATED + datetime.timedelta(days=1), tick=False):
        client = with_token(token.key)
        assert client.delete("/api/v1/auth/token/").status_code == 204
        revoked = client.get("/api/v1/dossiers/", HTTP_ACCEPT_LANGUAGE="en")
        assert revoked.status_code == 401
        assert revoked.json()["detail"] == ("This API token is not valid or was revoked: ask your administrator "
                                            "for a new one.")
        assert not Token.objects.filter(user=token.user).exists()


def test_revoking_through_the_session_and_without_a_token(officer, token):
    client = APIClient()
    client.force_login(officer)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    again = client.delete("/api/v1/auth/token/?lang=en")
    assert again.status_code == 404 and again.json()["detail"] == "You have no API token."
    assert APIClient().delete("/api/v1/auth/token/").status_code in (401, 403)


def test_an_administrator_revokes_a_token_in_the_admin(token):
    admin = get_user_model().objects.create_superuser("api-token-admin", password="x")
    client = APIClient()
    client.force_login(admin)
    with override_settings(OFFICER_2FA_ENABLED=False):
        page = client.post(f"/admin/authtoken/tokenproxy/{token.user.pk}/delete/", {"post": "yes"})
    assert page.status_code == 302, page.content[:500]
    assert not Token.objects.filter(key=token.key).exists()
    with time_machine.travel(CREATED + datetime.timedelta(days=1), tick=False):
        assert with_token(token.key).get("/api/v1/dossiers/").status_code == 401


def test_an_unknown_token_is_401(db):
    response = with_token("0" * 40).get("/api/v1/dossiers/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Mã truy cập API này không hợp lệ hoặc đã bị thu hồi")
