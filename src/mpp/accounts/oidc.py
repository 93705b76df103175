"""Sign-in with an OpenID provider (INApas/IKD, or any standards-conforming one): the protocol side.

The authorization code flow with PKCE (S256), ``state`` and ``nonce``; the provider's endpoints
from its discovery document; the code exchanged by authlib's OAuth2 client with ``private_key_jwt``
(an EC key, as INApas registers clients) or ``client_secret_basic``; the ID token checked by joserfc
against the provider's JWKS, fetched again once when a token names a key it does not hold (the
provider rotated its keys). Nothing here writes to the database: ``services.account_for_identity``
decides which account an :class:`Identity` signs in to.

Every failure is an :class:`OidcFailure` of one :class:`Failure` kind with a message for the person;
the kind is the only thing about a failure that is ever logged (no token, no claim, no NIK).
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from dataclasses import dataclass
from enum import StrEnum
from functools import cache as memoize
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey, KeySet

from mpp.accounts.nik import normalize_nik, parse_nik
from mpp.errors import ServiceError

with warnings.catch_warnings():
    # authlib 1.9 would rather drive the httpx2 fork; the project's one HTTP client is httpx.
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import OAuth2Client

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/akun/masuk/oidc/callback/"
DEFAULT_LABEL = "Masuk dengan INApas"
FLOW_SECONDS = 10 * 60  # a sign-in started longer ago than this is not finished
METADATA_SECONDS = 60 * 60  # discovery document and JWKS kept this long in the cache
JWKS_REFETCH_SECONDS = 60  # an unknown key id fetches the JWKS again at most this often
NONCE_SECONDS = 24 * 60 * 60  # a nonce once used is refused for this long (ID tokens live less)
LEEWAY_SECONDS = 60  # clock skew allowed on exp/iat
# Asymmetric signatures only: never "none", never an HMAC keyed with the client secret.
# Tests route the provider's endpoints to a fake provider (httpx.MockTransport); None: the network.
TRANSPORT: httpx.BaseTransport | None = None
SIGNING_ALGORITHMS = (
    "ES256",
    "ES384",
    "ES512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "EdDSA",
)


class Failure(StrEnum):
    """Why a sign-in with the provider was refused (the one thing logged about it)."""

    NOT_CONFIGURED = "not_configured"
    UNAVAILABLE = "unavailable"  # provider down, slow, or answering garbage
    STATE = "state"  # the answer belongs to no sign-in started in this browser
    DENIED = "denied"  # the person cancelled, or the provider refused the request or the code
    SIGNATURE = "signature"  # ID token not signed by the provider's keys, or not a token at all
    CLAIMS = "claims"  # ID token for another client or from another issuer
    EXPIRED = "expired"
    NONCE = "nonce"  # ID token minted for another sign-in
    REPLAY = "replay"  # ID token's nonce already used for a sign-in
    NO_NIK = "no_nik"  # no valid NIK in the claims
    NIK_CHANGED = "nik_changed"  # the linked account holds another NIK: never changed by a login
    ALREADY_LINKED = "already_linked"  # the account is linked to another identity at this provider
    INACTIVE = "inactive"  # the account is disabled


def failure_message(kind: Failure) -> str:
    messages = {
        Failure.NOT_CONFIGURED: _("Masuk dengan penyedia identitas tidak tersedia di sini."),
        Failure.UNAVAILABLE: _(
            "Penyedia identitas sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi, atau "
            "masuk dengan NIK dan kata sandi."
        ),
        Failure.STATE: _(
            "Permintaan masuk ini tidak dimulai dari peramban ini atau sudah kedaluwarsa. Untuk "
            "keamanan Anda, kami tidak melanjutkannya. Silakan mulai masuk sekali lagi."
        ),
        Failure.DENIED: _(
            "Masuk dengan penyedia identitas dibatalkan atau ditolak. Silakan coba lagi bila Anda "
            "ingin masuk."
        ),
        Failure.SIGNATURE: _(
            "Tanda masuk dari penyedia identitas tidak dapat dipastikan keasliannya, jadi kami "
            "menolaknya. Silakan mulai masuk sekali lagi."
        ),
        Failure.CLAIMS: _(
            "Tanda masuk dari penyedia identitas bukan untuk layanan ini, jadi kami menolaknya. "
            "Silakan mulai masuk sekali lagi."
        ),
        Failure.EXPIRED: _(
            "Tanda masuk dari penyedia identitas sudah kedaluwarsa. Silakan mulai masuk sekali "
            "lagi."
        ),
        Failure.NONCE: _(
            "Tanda masuk dari penyedia identitas tidak cocok dengan permintaan masuk Anda, jadi "
            "kami menolaknya. Silakan mulai masuk sekali lagi."
        ),
        Failure.REPLAY: _(
            "Tanda masuk ini sudah pernah dipakai, jadi kami menolaknya. Silakan mulai masuk "
            "sekali lagi."
        ),
        Failure.NO_NIK: _(
            "Penyedia identitas tidak mengirimkan NIK yang sah, sehingga akun Anda tidak dapat "
            "ditemukan. Masuk dengan NIK dan kata sandi, atau hubungi petugas MPP."
        ),
        Failure.NIK_CHANGED: _(
            "NIK dari penyedia identitas berbeda dengan NIK akun yang tertaut. NIK akun tidak "
            "diubah lewat masuk; hubungi petugas MPP."
        ),
        Failure.ALREADY_LINKED: _(
            "Akun ini sudah tertaut dengan identitas lain pada penyedia identitas ini. Hubungi "
            "petugas MPP."
        ),
        Failure.INACTIVE: _("Akun ini tidak aktif. Hubungi petugas MPP."),
    }
    return messages[kind]


class OidcFailure(ServiceError):
    """A refused sign-in with the provider: ``kind`` for the log, the message for the person."""

    def __init__(self, kind: Failure) -> None:
        self.kind = kind
        super().__init__(failure_message(kind))


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    private_key_file: str
    scopes: str
    nik_claim: str

    @property
    def redirect_uri(self) -> str:
        return settings.MPP_PUBLIC_BASE_URL.rstrip("/") + CALLBACK_PATH


def config() -> Config | None:
    """The provider this deployment signs citizens in with, or None (no button)."""
    if not settings.MPP_OIDC_ISSUER:
        return None
    return Config(
        issuer=settings.MPP_OIDC_ISSUER,
        client_id=settings.MPP_OIDC_CLIENT_ID,
        client_secret=settings.MPP_OIDC_CLIENT_SECRET,
        private_key_file=settings.MPP_OIDC_PRIVATE_KEY_FILE,
        scopes=settings.MPP_OIDC_SCOPES,
        nik_claim=settings.MPP_OIDC_NIK_CLAIM,
    )


def button_label() -> str:
    """The sign-in button's text: the default in the person's language, a deployment's own as set."""
    label = settings.MPP_OIDC_LABEL
    return _("Masuk dengan INApas") if label == DEFAULT_LABEL else label


def form_action_origins(cfg: Config) -> list[str]:
    """Where the sign-in button's form may lead (the page's CSP ``form-action``): browsers check
    the redirect to the provider's authorization endpoint against it."""
    origins = {_origin(cfg.issuer)}
    found = cache.get(_cache_key("discovery", cfg.issuer))
    if isinstance(found, dict) and isinstance(found.get("authorization_endpoint"), str):
        origins.add(_origin(found["authorization_endpoint"]))
    return sorted(origins)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in: its issuer and subject, and the claims kept."""

    issuer: str
    subject: str
    nik: str
    name: str
    birthdate: str  # as the provider sent it (``YYYY-MM-DD``), or empty


# --- The provider's metadata -------------------------------------------------------------------


def _cache_key(kind: str, issuer: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(issuer.encode()).hexdigest()[:32]}"


def _http() -> httpx.Client:
    return httpx.Client(transport=TRANSPORT, timeout=settings.MPP_OIDC_TIMEOUT_SECONDS)


def _get_json(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        with _http() as http:
            response = http.get(url, headers=headers)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError):
        raise OidcFailure(Failure.UNAVAILABLE) from None
    if not isinstance(body, dict):
        raise OidcFailure(Failure.UNAVAILABLE)
    return body


def metadata(cfg: Config) -> dict[str, Any]:
    """The provider's discovery document (OpenID Connect Discovery 1.0), cached."""
    key = _cache_key("discovery", cfg.issuer)
    found = cache.get(key)
    if isinstance(found, dict):
        return found
    document = _get_json(cfg.issuer.rstrip("/") + "/.well-known/openid-configuration")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    # The document must name the issuer exactly as configured (Discovery 1.0, section 4.3).
    if document.get("issuer") != cfg.issuer or not all(
        isinstance(document.get(name), str) for name in needed
    ):
        raise OidcFailure(Failure.UNAVAILABLE)
    cache.set(key, document, METADATA_SECONDS)
    return document


def _fetch_key_set(cfg: Config, meta: dict[str, Any]) -> KeySet:
    try:
        key_set = KeySet.import_key_set(_get_json(meta["jwks_uri"]))  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise OidcFailure(Failure.UNAVAILABLE) from None
    cache.set(_cache_key("jwks", cfg.issuer), key_set.as_dict(), METADATA_SECONDS)
    return key_set


def _key_set(cfg: Config, meta: dict[str, Any]) -> KeySet:
    found = cache.get(_cache_key("jwks", cfg.issuer))
    if isinstance(found, dict):
        try:
            return KeySet.import_key_set(found)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError):
            pass  # a cached set that no longer imports is fetched again below
    return _fetch_key_set(cfg, meta)


def _key_resolver(cfg: Config, meta: dict[str, Any]) -> Any:
    """joserfc's key callback: the provider's key set, fetched again when the token's ``kid`` is
    not in it (rotation), at most once a minute whatever tokens arrive."""

    def resolve(obj: Any) -> KeySet:
        key_set = _key_set(cfg, meta)
        kid = obj.headers().get("kid")
        known = {key.kid for key in key_set.keys}
        if kid and kid not in known and cache.add(_cache_key("jwks-refetch", cfg.issuer), 1, 60):
            key_set = _fetch_key_set(cfg, meta)
        return key_set

    return resolve


# --- The client ------------------------------------------------------------------------------


@memoize
def _private_key(path: str) -> ECKey:
    return ECKey.import_key(Path(path).read_bytes())


def _client(cfg: Config, meta: dict[str, Any]) -> OAuth2Client:
    if cfg.private_key_file:
        key = _private_key(cfg.private_key_file)
        alg = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}.get(
            str(key.as_dict().get("crv")), "ES256"
        )
        client = OAuth2Client(
            cfg.client_id,
            key,
            token_endpoint_auth_method="private_key_jwt",  # noqa: S106 (a method name)
            timeout=settings.MPP_OIDC_TIMEOUT_SECONDS,
            transport=TRANSPORT,
        )
        # The assertion's audience is the token endpoint (RFC 7523); a provider that wants its
        # issuer accepts the token endpoint too (OpenID Connect Core 9).
        client.register_client_auth_method(PrivateKeyJWT(meta["token_endpoint"], alg=alg))
        return client
    return OAuth2Client(
        cfg.client_id,
        cfg.client_secret,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 (a method name)
        timeout=settings.MPP_OIDC_TIMEOUT_SECONDS,
        transport=TRANSPORT,
    )


def begin(cfg: Config) -> tuple[str, dict[str, Any]]:
    """The provider's authorization URL to send the browser to, and what the session keeps until
    the answer comes back (state, nonce, PKCE verifier, when)."""
    meta = metadata(cfg)
    flow = {
        "state": generate_token(32),
        "nonce": generate_token(32),
        "verifier": generate_token(64),
        "started": int(time.time()),
    }
    client = OAuth2Client(
        cfg.client_id, scope=cfg.scopes, redirect_uri=cfg.redirect_uri, code_challenge_method="S256"
    )
    url, _state = client.create_authorization_url(
        meta["authorization_endpoint"],
        state=flow["state"],
        code_verifier=flow["verifier"],
        nonce=flow["nonce"],
    )
    return url, flow


def finish(cfg: Config, flow: dict[str, Any] | None, params: dict[str, str]) -> Identity:
    """Check the provider's answer (``params``: the callback's query) against the session's
    ``flow``, exchange the code and check the ID token; the person who signed in, or OidcFailure."""
    if not isinstance(flow, dict) or not constant_time_compare(
        str(params.get("state", "")), str(flow.get("state", ""))
    ):
        raise OidcFailure(Failure.STATE)
    if int(flow.get("started", 0)) + FLOW_SECONDS < time.time():
        raise OidcFailure(Failure.STATE)
    # RFC 9207: a provider that names itself in the answer must be the one asked (mix-up attacks).
    if params.get("iss") and params["iss"] != cfg.issuer:
        raise OidcFailure(Failure.CLAIMS)
    code = params.get("code", "")
    if params.get("error") or not code:
        raise OidcFailure(Failure.DENIED)
    meta = metadata(cfg)
    client = _client(cfg, meta)
    try:
        token = client.fetch_token(
            meta["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            redirect_uri=cfg.redirect_uri,
            code_verifier=flow["verifier"],
        )
    except AuthlibBaseError:  # the provider's error answer (invalid_grant, invalid_client…)
        raise OidcFailure(Failure.DENIED) from None
    except (httpx.HTTPError, ValueError):
        raise OidcFailure(Failure.UNAVAILABLE) from None
    finally:
        client.close()
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcFailure(Failure.SIGNATURE)
    claims = check_id_token(cfg, meta, id_token, nonce=str(flow["nonce"]))
    if cfg.nik_claim not in claims and isinstance(meta.get("userinfo_endpoint"), str):
        claims = {**_userinfo(meta, token, subject=claims["sub"]), **claims}
    return Identity(
        issuer=cfg.issuer,
        subject=claims["sub"],
        nik=_nik_from(claims.get(cfg.nik_claim)),
        name=str(claims.get("name") or "")[:150],
        birthdate=str(claims.get("birthdate") or "")[:10],
    )


def now() -> int:
    """The clock ID tokens are checked against, in seconds (the browser tests move it)."""
    return int(time.time())


def check_id_token(
    cfg: Config, meta: dict[str, Any], id_token: str, *, nonce: str
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, times and nonce are right
    (OpenID Connect Core 3.1.3.7); the nonce is then spent."""
    allowed = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in SIGNING_ALGORITHMS if alg in allowed]
    try:
        token = jwt.decode(id_token, _key_resolver(cfg, meta), algorithms=algorithms)
    except JoseError:
        raise OidcFailure(Failure.SIGNATURE) from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": cfg.issuer},
        aud={"essential": True, "value": cfg.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise OidcFailure(Failure.EXPIRED) from None
    except JoseError:
        raise OidcFailure(Failure.CLAIMS) from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != cfg.client_id:
        raise OidcFailure(Failure.CLAIMS)
    spent_key = (
        "oidc:nonce-spent:" + hashlib.sha256(str(claims.get("nonce", "")).encode()).hexdigest()
    )
    if not constant_time_compare(str(claims.get("nonce", "")), nonce):
        raise OidcFailure(Failure.REPLAY if cache.get(spent_key) else Failure.NONCE)
    if not cache.add(spent_key, 1, NONCE_SECONDS):
        raise OidcFailure(Failure.REPLAY)
    return dict(claims)


def _userinfo(meta: dict[str, Any], token: dict[str, Any], *, subject: str) -> dict[str, Any]:
    """The UserInfo claims, for a provider that sends the NIK there rather than in the ID token;
    its ``sub`` must be the ID token's (OpenID Connect Core 5.3.2)."""
    access_token = token.get("access_token")
    if not isinstance(access_token, str):
        return {}
    body = _get_json(meta["userinfo_endpoint"], {"Authorization": f"Bearer {access_token}"})
    if body.get("sub") != subject:
        raise OidcFailure(Failure.CLAIMS)
    body.pop("sub")
    return body


def _nik_from(value: object) -> str:
    nik = normalize_nik(value) if isinstance(value, str | int) else ""
    try:
        parse_nik(nik)
    except ValidationError:
        raise OidcFailure(Failure.NO_NIK) from None
    return nik


def log_refusal(kind: Failure) -> None:
    logger.warning("oidc sign-in refused: %s", kind.value)
