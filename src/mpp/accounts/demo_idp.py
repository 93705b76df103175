"""A DEMO OpenID provider under /demo-idp/ for the two demo citizens, so that the "Masuk dengan
INApas" button of `make demo` works without INApas. Never in production: it answers 404 unless
``MPP_DEMO_IDP`` is on, and production settings refuse to start with it on.

It speaks the same protocol as INApas (discovery, JWKS, authorization code with PKCE, an ID token
signed ES256 with a key generated into ``var/demo-idp-key.pem``, ``client_secret_basic``) and signs
in whoever picks a demo citizen: there is no password, which is exactly why it is demo only. Codes
are signed, short-lived and single-use (the cache remembers a spent one).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from functools import cache as memoize
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from mpp.accounts.demo import CITIZENS
from mpp.accounts.oidc import CALLBACK_PATH

CODE_SALT = "mpp.accounts.demo_idp.code"
CODE_SECONDS = 60
TOKEN_SECONDS = 300


def issuer() -> str:
    return settings.MPP_PUBLIC_BASE_URL.rstrip("/") + "/demo-idp"


def _people() -> dict[str, dict[str, str]]:
    """The demo citizens by subject (a pseudonym, not the NIK)."""
    return {
        f"demo-{nik[-4:]}": {"nik": nik, "name": name, "birthdate": birth_date.isoformat()}
        for nik, name, birth_date in CITIZENS
    }


@memoize
def _key(path: Path) -> ECKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ECKey.generate_key("P-256").as_pem(private=True))
        path.chmod(0o600)
    key = ECKey.import_key(path.read_bytes())
    key.ensure_kid()
    return key


def signing_key() -> ECKey:
    return _key(Path(settings.VAR_DIR) / "demo-idp-key.pem")


def _enabled() -> None:
    if not settings.MPP_DEMO_IDP:
        raise Http404


def discovery(request: HttpRequest) -> JsonResponse:
    _enabled()
    base = issuer()
    return JsonResponse(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize/",
            "token_endpoint": f"{base}/token/",
            "jwks_uri": f"{base}/jwks/",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": ["sub", "name", "birthdate", settings.MPP_OIDC_NIK_CLAIM],
        }
    )


def jwks(request: HttpRequest) -> JsonResponse:
    _enabled()
    return JsonResponse(KeySet([signing_key()]).as_dict(private=False))


def _request_problem(params: Any) -> str | None:
    if params.get("client_id") != settings.MPP_OIDC_CLIENT_ID:
        return "client_id"
    if params.get("redirect_uri") != settings.MPP_PUBLIC_BASE_URL.rstrip("/") + CALLBACK_PATH:
        return "redirect_uri"
    if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
        return "response_type"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "code_challenge"
    return None


def authorize(request: HttpRequest) -> HttpResponse:
    """Pick a demo citizen; the answer goes back to the client's callback with a code."""
    _enabled()
    params = request.POST if request.method == "POST" else request.GET
    problem = _request_problem(params)
    if problem is not None:  # never redirect to an unregistered address
        return render(request, "accounts/demo_idp.html", {"problem": problem}, status=400)
    people = _people()
    if request.method == "POST" and params.get("subject") in people:
        code = signing.dumps(
            {
                "sub": params["subject"],
                "nonce": params.get("nonce", ""),
                "challenge": params["code_challenge"],
                "redirect_uri": params["redirect_uri"],
                "jti": secrets.token_urlsafe(8),
            },
            salt=CODE_SALT,
        )
        answer = {"code": code, "state": params.get("state", ""), "iss": issuer()}
        return HttpResponseRedirect(params["redirect_uri"] + "?" + urlencode(answer))
    carried = {
        name: params.get(name, "")
        for name in (
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
        )
    }
    return render(
        request,
        "accounts/demo_idp.html",
        {"people": sorted(people.items()), "carried": carried.items()},
    )


def _token_error(error: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


def _client_authenticated(request: HttpRequest) -> bool:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        client_id, _, secret = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return False
    return constant_time_compare(client_id, settings.MPP_OIDC_CLIENT_ID) and constant_time_compare(
        secret, settings.MPP_OIDC_CLIENT_SECRET
    )


@csrf_exempt  # called by the client's server with its credentials, not by a browser
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    _enabled()
    if not _client_authenticated(request):
        return _token_error("invalid_client", 401)
    try:
        code = signing.loads(request.POST.get("code", ""), salt=CODE_SALT, max_age=CODE_SECONDS)
    except signing.BadSignature:
        return _token_error("invalid_grant")
    spent = "demo-idp:code:" + hashlib.sha256(code["jti"].encode()).hexdigest()
    verifier = request.POST.get("code_verifier", "")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    if (
        request.POST.get("redirect_uri") != code["redirect_uri"]
        or not constant_time_compare(challenge.decode(), code["challenge"])
        or not cache.add(spent, 1, CODE_SECONDS * 2)
    ):
        return _token_error("invalid_grant")
    person = _people()[code["sub"]]
    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": settings.MPP_OIDC_CLIENT_ID,
        "sub": code["sub"],
        "iat": now,
        "exp": now + TOKEN_SECONDS,
        "nonce": code["nonce"],
        "name": person["name"],
        "birthdate": person["birthdate"],
        settings.MPP_OIDC_NIK_CLAIM: person["nik"],
    }
    key = signing_key()
    id_token = jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key)
    return JsonResponse(
        {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "id_token": id_token,
        }
    )


urlpatterns = [
    path(".well-known/openid-configuration", discovery, name="demo_idp_discovery"),
    path("jwks/", jwks, name="demo_idp_jwks"),
    path("authorize/", authorize, name="demo_idp_authorize"),
    path("token/", token, name="demo_idp_token"),
]
