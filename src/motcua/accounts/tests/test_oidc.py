"""OpenID Connect sign-in against the local test identity provider, over real HTTP."""
import urllib.error
import urllib.parse
import urllib.request

import pytest

from motcua.accounts.models import AccountEvent, CitizenAccount, IdentitySource
from tests.oidc_provider import SYNTHETIC_PERSON, oidc_provider  # noqa: F401  (fixture)

from .helpers import PASSWORD, make_account

pytestmark = pytest.mark.django_db


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def visit_provider(url: str) -> str:
    """What the browser does at the provider: returns where the provider sends it back."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(url, timeout=5)
    assert answer.value.code == 302
    return answer.value.headers["Location"]


def start(client, provider):
    response = client.get("/tai-khoan/vneid/?next=/thu-tuc/")
    assert response.status_code == 302
    assert response["Location"].startswith(provider.issuer + "/authorize?")
    return response["Location"]


def callback(client, url, **tamper):
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query), **tamper)
    assert parts.path == "/tai-khoan/vneid/callback/"
    return client.get(parts.path, query)


def signed_in_account(client):
    user_id = client.session.get("_auth_user_id")
    return CitizenAccount.objects.filter(user_id=user_id).first() if user_id else None


def test_authorization_request_carries_state_nonce_and_pkce(client, oidc_provider):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client, oidc_provider)).query))
    assert query["response_type"] == "code"
    assert query["client_id"] == "motcua-test"
    assert query["redirect_uri"] == "http://testserver/tai-khoan/vneid/callback/"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 40 and len(query["nonce"]) >= 40
    assert query["scope"].split() == ["openid", "profile"]
    assert query["code_challenge"] != client.session["accounts_oidc_flow"]["verifier"]


def test_first_sign_in_creates_a_verified_account(client, oidc_provider):
    response = callback(client, visit_provider(start(client, oidc_provider)))
    assert response.status_code == 302 and response["Location"] == "/thu-tuc/"
    account = signed_in_account(client)
    assert account.citizen_id == "079190123456"
    assert account.full_name == "Trần Thị Thu Hà"
    assert account.birth_date.isoformat() == "1990-05-17"
    assert account.identity_source == IdentitySource.OIDC
    assert (account.oidc_issuer, account.oidc_subject) == (oidc_provider.issuer, "vneid-synthetic-0001")
    assert not account.user.is_staff and not account.user.has_usable_password()
    assert list(account.events.values_list("action", flat=True)) == [AccountEvent.Action.OIDC_CREATED]
    # The code was redeemed with the PKCE verifier kept in the session.
    (token_request,) = oidc_provider.token_requests
    assert token_request["grant_type"] == "authorization_code" and len(token_request["code_verifier"]) >= 43
    # A second sign-in finds the same account.
    client.logout()
    callback(client, visit_provider(start(client, oidc_provider)))
    assert signed_in_account(client).pk == account.pk
    assert CitizenAccount.objects.count() == 1


def test_never_inherits_a_password_account_with_the_same_citizen_id(client, oidc_provider):
    # Issue 17.2: the password account only declared the ID; VNeID creates the verified account and
    # the declared claim is detached (tests/security/test_identity.py covers linking).
    existing = make_account(citizen_id=SYNTHETIC_PERSON["citizen_id"], full_name="Tran Thi Thu Ha",
                            birth_date=None)
    callback(client, visit_provider(start(client, oidc_provider)))
    account = signed_in_account(client)
    assert account.pk != existing.pk
    assert account.identity_source == IdentitySource.OIDC and account.citizen_id == SYNTHETIC_PERSON["citizen_id"]
    assert not account.user.has_usable_password()
    existing.refresh_from_db()
    assert existing.citizen_id is None and existing.oidc_subject == ""
    assert existing.user.check_password(PASSWORD)  # its own password, untouched
    assert existing.events.first().action == AccountEvent.Action.CITIZEN_ID_DETACHED


def test_client_secret_post_is_supported(client, oidc_provider, settings):
    settings.OIDC_TOKEN_AUTH_METHOD = "client_secret_post"
    callback(client, visit_provider(start(client, oidc_provider)))
    assert oidc_provider.token_requests[0]["client_secret"] == "s3cret-test"
    assert signed_in_account(client) is not None


def _refused(response, code):
    assert response.status_code == 400
    assert response.context["code"] == code
    assert "_auth_user_id" not in response.wsgi_request.session
    assert CitizenAccount.objects.count() == 0


def test_wrong_state_is_refused_before_the_code_is_redeemed(client, oidc_provider):
    response = callback(client, visit_provider(start(client, oidc_provider)), state="forged-state")
    _refused(response, "wrong_state")
    assert "đăng nhập không hợp lệ" in response.content.decode()
    assert oidc_provider.token_requests == []


def test_callback_cannot_be_replayed(client, oidc_provider):
    url = visit_provider(start(client, oidc_provider))
    assert callback(client, url).status_code == 302
    client.logout()
    _refused_after_logout = callback(client, url)
    assert _refused_after_logout.status_code == 400
    assert _refused_after_logout.context["code"] == "wrong_state"


def test_wrong_nonce_is_refused(client, oidc_provider):
    oidc_provider.id_token_claims = {"nonce": "another-nonce"}
    _refused(callback(client, visit_provider(start(client, oidc_provider))), "wrong_nonce")


def test_token_signed_by_another_key_is_refused(client, oidc_provider):
    oidc_provider.sign_with_foreign_key = True
    _refused(callback(client, visit_provider(start(client, oidc_provider))), "bad_signature")


def test_expired_token_is_refused(client, oidc_provider):
    oidc_provider.ttl_seconds = -3600
    response = callback(client, visit_provider(start(client, oidc_provider)))
    _refused(response, "expired")


def test_wrong_audience_is_refused(client, oidc_provider):
    oidc_provider.id_token_claims = {"aud": "another-client"}
    _refused(callback(client, visit_provider(start(client, oidc_provider))), "wrong_audience")


def test_wrong_issuer_is_refused(client, oidc_provider):
    oidc_provider.id_token_claims = {"iss": "https://impostor.example"}
    _refused(callback(client, visit_provider(start(client, oidc_provider))), "wrong_issuer")


def test_malformed_citizen_id_claim_is_refused(client, oidc_provider):
    oidc_provider.person["citizen_id"] = "12345"
    _refused(callback(client, visit_provider(start(client, oidc_provider))), "no_citizen_id")


def test_denied_at_the_provider(client, oidc_provider):
    start(client, oidc_provider)
    response = client.get("/tai-khoan/vneid/callback/", {"error": "access_denied", "state": "x"})
    _refused(response, "denied")


def test_login_page_offers_vneid_only_when_configured(client, settings):
    settings.OIDC_ISSUER = ""
    assert "Đăng nhập bằng VNeID" not in client.get("/tai-khoan/dang-nhap/").content.decode()
    assert client.get("/tai-khoan/vneid/").status_code == 404
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "https://id.example.test", "motcua"
    assert "Đăng nhập bằng VNeID" in client.get("/tai-khoan/dang-nhap/").content.decode()
