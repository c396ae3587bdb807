"""A generic OpenID Connect client (authorization code flow with state, nonce and PKCE S256).

Configured by settings (see docs/accounts.md): OIDC_ISSUER (its discovery document gives the
endpoints) or explicit OIDC_*_ENDPOINT / OIDC_JWKS_URI, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
OIDC_SCOPES and the claim names. The ID token is verified here: RS256 signature against the
provider's JWKS, issuer, audience, expiry and nonce.
"""
import base64
import dataclasses
import datetime
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import jwt
from django.conf import settings

DISCOVERY_TTL = 3600
LEEWAY_SECONDS = 60
_discovery_cache: dict[str, tuple[float, dict]] = {}
_jwks_cache: dict[str, tuple[float, dict]] = {}


class OIDCError(Exception):
    """The flow failed; `code` says why (for the log and the message shown)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclasses.dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    token_auth_method: str
    claim_citizen_id: str
    claim_name: str
    claim_birth_date: str
    timeout: float


def _setting(name: str, default=""):
    return getattr(settings, name, default) or default


def is_configured() -> bool:
    # The issuer is needed even with explicit endpoints: the ID token's "iss" is checked against it.
    return bool(_setting("OIDC_CLIENT_ID") and _setting("OIDC_ISSUER"))


def _fetch_json(url: str, timeout: float, data: bytes | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise OIDCError("provider_http_error", f"{url}: HTTP {error.code}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise OIDCError("provider_unreachable", f"{url}: {error}") from error


def discover(issuer: str, timeout: float) -> dict:
    cached = _discovery_cache.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    document = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout)
    if document.get("issuer") != issuer:
        raise OIDCError("discovery_issuer_mismatch", str(document.get("issuer")))
    _discovery_cache[issuer] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def load_config() -> Config:
    if not is_configured():
        raise OIDCError("not_configured")
    issuer = _setting("OIDC_ISSUER")
    timeout = float(_setting("OIDC_TIMEOUT", 10))
    endpoints = {
        "authorization_endpoint": _setting("OIDC_AUTHORIZATION_ENDPOINT"),
        "token_endpoint": _setting("OIDC_TOKEN_ENDPOINT"),
        "jwks_uri": _setting("OIDC_JWKS_URI"),
        "userinfo_endpoint": _setting("OIDC_USERINFO_ENDPOINT"),
    }
    if not all(endpoints[key] for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
        document = discover(issuer, timeout)
        endpoints = {key: value or document.get(key, "") for key, value in endpoints.items()}
    return Config(
        issuer=issuer,
        client_id=_setting("OIDC_CLIENT_ID"),
        client_secret=_setting("OIDC_CLIENT_SECRET"),
        scopes=_setting("OIDC_SCOPES", "openid profile"),
        token_auth_method=_setting("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"),
        claim_citizen_id=_setting("OIDC_CLAIM_CITIZEN_ID", "citizen_id"),
        claim_name=_setting("OIDC_CLAIM_NAME", "name"),
        claim_birth_date=_setting("OIDC_CLAIM_BIRTH_DATE", "birthdate"),
        timeout=timeout,
        **endpoints,
    )


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def new_flow() -> dict:
    """The secrets of one login attempt, kept in the session until the provider sends the person back."""
    return {"state": secrets.token_urlsafe(32), "nonce": secrets.token_urlsafe(32),
            "verifier": secrets.token_urlsafe(64), "started": int(time.time())}


def authorization_url(config: Config, flow: dict, redirect_uri: str) -> str:
    scopes = config.scopes if "openid" in config.scopes.split() else f"openid {config.scopes}"
    query = urllib.parse.urlencode({
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
        "scope": scopes,
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": pkce_challenge(flow["verifier"]),
        "code_challenge_method": "S256",
    })
    separator = "&" if "?" in config.authorization_endpoint else "?"
    return f"{config.authorization_endpoint}{separator}{query}"


def exchange_code(config: Config, code: str, redirect_uri: str, verifier: str) -> dict:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if config.token_auth_method == "client_secret_post":
        form.update(client_id=config.client_id, client_secret=config.client_secret)
    else:
        credentials = f"{urllib.parse.quote(config.client_id, safe='')}:{urllib.parse.quote(config.client_secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    tokens = _fetch_json(config.token_endpoint, config.timeout, urllib.parse.urlencode(form).encode(), headers)
    if not tokens.get("id_token"):
        raise OIDCError("no_id_token")
    return tokens


def _signing_key(config: Config, kid: str | None):
    for attempt in range(2):
        cached = _jwks_cache.get(config.jwks_uri)
        if attempt or not cached or cached[0] <= time.monotonic():
            cached = (time.monotonic() + DISCOVERY_TTL, _fetch_json(config.jwks_uri, config.timeout))
            _jwks_cache[config.jwks_uri] = cached
        try:
            keys = jwt.PyJWKSet.from_dict(cached[1]).keys
        except jwt.PyJWTError as error:
            raise OIDCError("bad_jwks", str(error)) from error
        for key in keys:
            if (kid is None or key.key_id == kid) and key.public_key_use in (None, "sig"):
                return key
        # Unknown kid: the provider may have rotated its keys; fetch them once more.
    raise OIDCError("unknown_key", str(kid))


def verify_id_token(config: Config, id_token: str, nonce: str) -> dict:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise OIDCError("bad_id_token", str(error)) from error
    if header.get("alg") != "RS256":
        raise OIDCError("bad_algorithm", str(header.get("alg")))
    key = _signing_key(config, header.get("kid"))
    try:
        claims = jwt.decode(
            id_token, key=key.key, algorithms=["RS256"], audience=config.client_id, issuer=config.issuer,
            leeway=LEEWAY_SECONDS, options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise OIDCError("expired", str(error)) from error
    except jwt.InvalidAudienceError as error:
        raise OIDCError("wrong_audience", str(error)) from error
    except jwt.InvalidIssuerError as error:
        raise OIDCError("wrong_issuer", str(error)) from error
    except jwt.InvalidSignatureError as error:
        raise OIDCError("bad_signature", str(error)) from error
    except jwt.PyJWTError as error:
        raise OIDCError("bad_id_token", str(error)) from error
    # Several audiences: we must be the authorised party.
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != config.client_id:
        raise OIDCError("wrong_audience", "azp")
    if not nonce or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OIDCError("wrong_nonce")
    return claims


def userinfo(config: Config, access_token: str, subject: str) -> dict:
    if not config.userinfo_endpoint or not access_token:
        return {}
    claims = _fetch_json(config.userinfo_endpoint, config.timeout, headers={"Authorization": f"Bearer {access_token}"})
    if claims.get("sub") != subject:
        raise OIDCError("userinfo_subject_mismatch")
    return claims


@dataclasses.dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    citizen_id: str
    full_name: str
    birth_date: datetime.date | None


def _parse_birth_date(value) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(str(value), pattern).date()
        except ValueError:
            continue
    return None


def complete(config: Config, flow: dict, returned_state: str, code: str, redirect_uri: str) -> Identity:
    """The callback's work: check state, redeem the code, verify the ID token, map the claims."""
    if not flow or not returned_state or not secrets.compare_digest(returned_state, flow.get("state", "")):
        raise OIDCError("wrong_state")
    if not code:
        raise OIDCError("no_code")
    tokens = exchange_code(config, code, redirect_uri, flow["verifier"])
    claims = verify_id_token(config, tokens["id_token"], flow["nonce"])
    claims = {**userinfo(config, tokens.get("access_token", ""), claims["sub"]), **claims}
    citizen_id = str(claims.get(config.claim_citizen_id) or "").strip()
    if not citizen_id:
        raise OIDCError("no_citizen_id")
    return Identity(
        issuer=config.issuer,
        subject=str(claims["sub"]),
        citizen_id=citizen_id,
        full_name=str(claims.get(config.claim_name) or "").strip(),
        birth_date=_parse_birth_date(claims.get(config.claim_birth_date)) if claims.get(config.claim_birth_date) else None,
    )
