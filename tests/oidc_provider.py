"""A local OpenID Connect identity provider for the tests: a real HTTP server on 127.0.0.1.

It plays VNeID's part with one synthetic person: /authorize approves at once and sends the browser
back with a code; /token checks the code, the client secret (HTTP Basic or form) and the PKCE
verifier, and returns an RS256 ID token signed with a key made at start-up; /jwks publishes that
key; /userinfo answers the bearer of the access token.

Knobs for rejection tests (set on the provider before the flow): `id_token_claims` (claims that
override or add to the next ID tokens, e.g. {"nonce": "x"} or {"aud": "other"}),
`ttl_seconds` (negative = already expired), `sign_with_foreign_key` (a key not in the JWKS).
"""
import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

SYNTHETIC_PERSON = {
    "sub": "vneid-synthetic-0001",
    "citizen_id": "079190123456",
    "name": "Trần Thị Thu Hà",
    "birthdate": "1990-05-17",
}


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TestIdentityProvider:
    __test__ = False  # not a test class, despite the name

    def __init__(self, client_id="motcua-test", client_secret="s3cret-test", person=None):
        self.client_id, self.client_secret = client_id, client_secret
        self.person = dict(person or SYNTHETIC_PERSON)
        self.key, self.kid = _new_key(), secrets.token_hex(4)
        self.foreign_key = _new_key()
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.id_token_claims: dict = {}
        self.ttl_seconds = 300
        self.sign_with_foreign_key = False
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict:
        """The Django settings that point motcua at this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.client_id, "OIDC_CLIENT_SECRET": self.client_secret,
                "OIDC_SCOPES": "openid profile", "OIDC_AUTHORIZATION_ENDPOINT": "", "OIDC_TOKEN_ENDPOINT": "",
                "OIDC_JWKS_URI": "", "OIDC_USERINFO_ENDPOINT": ""}

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + self.ttl_seconds,
                  "nonce": nonce, **self.person, **self.id_token_claims}
        if self.ttl_seconds < 0:
            claims["iat"] = now + self.ttl_seconds - 60
        key = self.foreign_key if self.sign_with_foreign_key else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    # The HTTP side -------------------------------------------------------------------------------
    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def _json(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if url.path == "/jwks":
                    return self._json(200, provider.jwks())
                if url.path == "/authorize":
                    return self._authorize(query)
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.access_tokens.get(token)
                    return self._json(200, claims) if claims else self._json(401, {"error": "invalid_token"})
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query):
                redirect_uri = query.get("redirect_uri", "")
                if (query.get("client_id") != provider.client_id or query.get("response_type") != "code"
                        or query.get("code_challenge_method") != "S256" or not query.get("code_challenge")
                        or "openid" not in query.get("scope", "").split() or not redirect_uri):
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(24)
                provider.codes[code] = {"redirect_uri": redirect_uri, "nonce": query.get("nonce", ""),
                                        "challenge": query["code_challenge"]}
                target = redirect_uri + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                if urllib.parse.urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.token_requests.append(form)
                client_id, secret = form.get("client_id"), form.get("client_secret")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    decoded = base64.b64decode(auth[6:]).decode()
                    client_id, secret = (urllib.parse.unquote(part) for part in decoded.split(":", 1))
                if client_id != provider.client_id or secret != provider.client_secret:
                    return self._json(401, {"error": "invalid_client"})
                grant = provider.codes.pop(form.get("code", ""), None)  # a code is good once
                if grant is None or form.get("grant_type") != "authorization_code" \
                        or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                access_token = secrets.token_urlsafe(24)
                provider.access_tokens[access_token] = dict(provider.person)
                return self._json(200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                                        "id_token": provider.id_token(grant["nonce"])},
                                  {"Cache-Control": "no-store"})

        return Handler


@pytest.fixture
def oidc_provider(settings):
    """A running test identity provider, with motcua's OIDC settings pointing at it."""
    provider = TestIdentityProvider().start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    yield provider
    provider.stop()
