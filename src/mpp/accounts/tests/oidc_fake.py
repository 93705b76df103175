"""A fake OpenID provider for the unit tests: discovery, JWKS, token and UserInfo endpoints answered
through httpx's MockTransport, ID tokens signed with a local EC key (joserfc).

The browser tests use a real, independent provider instead (tests/oidc_provider, node's
oidc-provider); this one lets a test tamper with a token, expire it or rotate the keys.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, Key, KeySet

ISSUER = "https://idp.contoh.go.id"
CLIENT_ID = "mpp-digital"
CLIENT_SECRET = "rahasia-klien-uji"


def new_key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid, "alg": "ES256", "use": "sig"})


class FakeProvider:
    def __init__(self, client_key: ECKey | None = None) -> None:
        self.key = new_key("kunci-1")
        self.published: list[Key] = [self.key]
        self.client_key = client_key  # private_key_jwt: the client's public key, as registered
        self.claims: dict[str, Any] = {}
        self.flows: dict[str, dict[str, str]] = {}  # code → the authorization request
        self.tamper = False
        self.down = False
        self.requests: list[str] = []
        self.client_auth: list[str] = []

    # --- The browser's side: what the authorization endpoint does

    def authorize(self, location: str, **claims: Any) -> dict[str, str]:
        """Read the authorization request the RP redirected to; return the callback's query."""
        query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
        code = f"kode-{len(self.flows) + 1}"
        self.flows[code] = query
        self.claims = claims
        return {"code": code, "state": query["state"]}

    def rotate(self) -> None:
        self.key = new_key(f"kunci-{len(self.published) + 1}")
        self.published = [self.key]

    def id_token(self, nonce: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "subjek-budi",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.claims,
            **overrides,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        token = jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key)
        if self.tamper:  # another NIK spliced into the payload, the signature left as it was
            header, payload, signature = token.split(".")
            body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            body = body.replace(b"2171011508900003", b"2171055204950001")
            payload = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
            token = f"{header}.{payload}.{signature}"
        return token

    # --- The server's side

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if self.down:
            raise httpx.ConnectError("provider down", request=request)
        path = request.url.path
        if path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/auth",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                    "userinfo_endpoint": f"{ISSUER}/me",
                    "id_token_signing_alg_values_supported": ["ES256"],
                    "code_challenge_methods_supported": ["S256"],
                },
            )
        if path == "/jwks":
            return httpx.Response(200, json=KeySet(list(self.published)).as_dict(private=False))
        if path == "/token":
            return self.token(request)
        if path == "/me":
            return httpx.Response(200, json={"sub": "subjek-budi", **self.claims})
        return httpx.Response(404)

    def token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        flow = self.flows.pop(form.get("code", ""), None)
        if flow is None or not self._client_authenticated(request, form):
            return httpx.Response(400, json={"error": "invalid_grant"})
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != flow["code_challenge"] or form["redirect_uri"] != flow["redirect_uri"]:
            return httpx.Response(400, json={"error": "invalid_grant"})
        return httpx.Response(
            200,
            json={
                "access_token": "akses",
                "token_type": "Bearer",
                "id_token": self.id_token(flow["nonce"]),
            },
        )

    def _client_authenticated(self, request: httpx.Request, form: dict[str, str]) -> bool:
        if self.client_key is not None:
            assertion = form.get("client_assertion", "")
            token = jwt.decode(assertion, self.client_key)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": CLIENT_ID},
                sub={"essential": True, "value": CLIENT_ID},
                aud={"essential": True, "value": f"{ISSUER}/token"},
                exp={"essential": True},
            ).validate(token.claims)
            self.client_auth.append("private_key_jwt")
            return True
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") == f"Basic {expected}":
            self.client_auth.append("client_secret_basic")
            return True
        return False
