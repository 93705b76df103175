"""Sign-in with an OpenID provider (INApas/IKD), against a fake provider with a local signing key.

The browser test (tests/e2e/test_oidc.py) signs in against node's oidc-provider; these cover what a
real provider will not do on request: tampered, expired and replayed tokens, key rotation, a
provider that is down.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc.jwk import ECKey

from mpp.accounts import oidc
from mpp.accounts.models import OidcIdentity, User
from mpp.audit.models import AuditAction, AuditEvent

from .factories import CITIZEN_NIK, PASSWORD, CitizenFactory
from .oidc_fake import CLIENT_ID, CLIENT_SECRET, ISSUER, FakeProvider

pytestmark = pytest.mark.django_db

BUDI = {"nik": CITIZEN_NIK, "name": "Budi Santoso", "birthdate": "1990-08-15"}


@pytest.fixture
def provider(settings, monkeypatch):
    fake = FakeProvider()
    settings.MPP_OIDC_ISSUER = ISSUER
    settings.MPP_OIDC_CLIENT_ID = CLIENT_ID
    settings.MPP_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.MPP_OIDC_PRIVATE_KEY_FILE = ""
    settings.MPP_PUBLIC_BASE_URL = "http://testserver"
    monkeypatch.setattr(oidc, "TRANSPORT", fake.transport())
    return fake


def start(client) -> str:
    response = client.post("/akun/masuk/oidc/")
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, provider, **claims):
    """Start, let the provider answer for a person with ``claims``, and follow the callback."""
    query = provider.authorize(start(client), **(claims or BUDI))
    return client.get("/akun/masuk/oidc/callback/", query)


def refused_with(client, response, text: str) -> None:
    assert response.status_code == 302 and response["Location"] == "/akun/masuk/"
    page = client.get("/akun/masuk/")
    assert text in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated


def test_no_button_and_no_route_without_an_issuer(client, settings):
    settings.MPP_OIDC_ISSUER = ""
    assert "Masuk dengan INApas" not in client.get("/akun/masuk/").content.decode()
    assert client.post("/akun/masuk/oidc/").status_code == 404
    assert client.get("/akun/masuk/oidc/callback/?code=x&state=y").status_code == 404


def test_button_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(client, provider):
    page = client.get("/akun/masuk/").content.decode()
    assert "Masuk dengan INApas" in page
    location = start(client)
    assert location.startswith(f"{ISSUER}/auth?")
    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["scope"] == "openid profile"
    assert query["redirect_uri"] == "http://testserver/akun/masuk/oidc/callback/"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert CITIZEN_NIK not in location


def test_first_sign_in_creates_a_verified_account_after_consent(client, provider):
    response = sign_in(client, provider)
    assert response["Location"] == "/akun/masuk/oidc/lanjut/"
    page = client.get("/akun/masuk/oidc/lanjut/")
    assert "Buat akun dengan identitas digital" in page.content.decode()
    refused = client.post("/akun/masuk/oidc/lanjut/", {})
    assert "Setujui pemberitahuan privasi" in refused.content.decode()
    assert not User.objects.exists()

    response = client.post("/akun/masuk/oidc/lanjut/", {"consent": "on"})
    assert response["Location"] == "/permohonan/"
    user = User.objects.get(nik=CITIZEN_NIK)
    assert user.name == "Budi Santoso" and str(user.birth_date) == "1990-08-15"
    assert not user.has_usable_password()
    assert OidcIdentity.objects.get(user=user).created_account
    profile = client.get("/akun/profil/").content.decode()
    assert "identitas terverifikasi (INApas)" in profile
    assert provider.client_auth == ["client_secret_basic"]

    client.post("/akun/keluar/")
    assert not client.get("/akun/profil/").wsgi_request.user.is_authenticated
    response = sign_in(client, provider)  # the next time: straight in
    assert response["Location"] == "/permohonan/"
    assert response.wsgi_request.user == user


def test_existing_account_is_linked_only_after_its_password(client, provider):
    owner = CitizenFactory(name="Budi S.")
    sign_in(client, provider)
    page = client.get("/akun/masuk/oidc/lanjut/").content.decode()
    assert "2171********0003" in page and CITIZEN_NIK not in page

    wrong = client.post("/akun/masuk/oidc/lanjut/", {"password": "bukan-sandinya"})
    assert "Kata sandi salah" in wrong.content.decode()
    assert not OidcIdentity.objects.exists()
    assert not wrong.wsgi_request.user.is_authenticated

    response = client.post("/akun/masuk/oidc/lanjut/", {"password": PASSWORD})
    assert response["Location"] == "/permohonan/"
    assert response.wsgi_request.user == owner
    link = OidcIdentity.objects.get(user=owner)
    assert (link.issuer, link.subject, link.created_account) == (ISSUER, "subjek-budi", False)
    assert AuditEvent.objects.filter(action=AuditAction.IDENTITY_LINKED, actor=owner).exists()
    owner.refresh_from_db()
    assert owner.name == "Budi S."  # the account's own data stays as it was


def test_a_login_never_changes_the_account_nik(client, provider):
    owner = CitizenFactory()
    OidcIdentity.objects.create(user=owner, issuer=ISSUER, subject="subjek-budi")
    response = sign_in(client, provider, nik="2171055204950001", name="Siti")
    refused_with(client, response, "NIK akun tidak diubah lewat masuk")
    owner.refresh_from_db()
    assert owner.nik == CITIZEN_NIK


def test_tampered_id_token_is_refused_and_only_the_kind_is_logged(client, provider, caplog):
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=ISSUER, subject="subjek-budi")
    provider.tamper = True
    with caplog.at_level(logging.INFO):
        response = sign_in(client, provider)
    refused_with(client, response, "tidak dapat dipastikan keasliannya")
    assert "oidc sign-in refused: signature" in caplog.text
    assert CITIZEN_NIK not in caplog.text and "2171055204950001" not in caplog.text


def test_expired_id_token_is_refused(client, provider):
    query = provider.authorize(start(client), **BUDI)
    nonce = provider.flows[query["code"]]["nonce"]
    provider.id_token = lambda _nonce, _real=provider.id_token: _real(
        nonce, exp=1_700_000_000, iat=1_699_999_000
    )
    response = client.get("/akun/masuk/oidc/callback/", query)
    refused_with(client, response, "sudah kedaluwarsa")


def test_token_for_another_client_is_refused(client, provider):
    query = provider.authorize(start(client), **BUDI, aud="aplikasi-lain")
    response = client.get("/akun/masuk/oidc/callback/", query)
    refused_with(client, response, "bukan untuk layanan ini")


def test_wrong_state_is_refused_before_the_code_is_used(client, provider):
    query = provider.authorize(start(client), **BUDI)
    response = client.get("/akun/masuk/oidc/callback/", {**query, "state": "state-orang-lain"})
    refused_with(client, response, "tidak dimulai dari peramban ini")
    assert "/token" not in provider.requests
    # The answer is taken once: the right state afterwards finds no sign-in under way.
    response = client.get("/akun/masuk/oidc/callback/", query)
    refused_with(client, response, "tidak dimulai dari peramban ini")


def test_replayed_nonce_is_refused(client, provider):
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=ISSUER, subject="subjek-budi")
    first = provider.authorize(start(client), **BUDI)
    used_nonce = provider.flows[first["code"]]["nonce"]
    assert client.get("/akun/masuk/oidc/callback/", first)["Location"] == "/permohonan/"
    client.post("/akun/keluar/")
    # A second sign-in answered with the ID token minted for the first.
    second = provider.authorize(start(client), **BUDI)
    provider.flows[second["code"]]["nonce"] = used_nonce
    response = client.get("/akun/masuk/oidc/callback/", second)
    refused_with(client, response, "sudah pernah dipakai")


def test_nonce_of_another_sign_in_is_refused(client, provider):
    query = provider.authorize(start(client), **BUDI)
    provider.flows[query["code"]]["nonce"] = "nonce-lain"
    response = client.get("/akun/masuk/oidc/callback/", query)
    refused_with(client, response, "tidak cocok dengan permintaan masuk Anda")


def test_provider_down_is_a_message_not_an_error_page(client, provider):
    provider.down = True
    response = client.post("/akun/masuk/oidc/")
    refused_with(client, response, "sedang tidak dapat dihubungi")


def test_cancelled_at_the_provider(client, provider):
    location = start(client)
    state = parse_qs(urlparse(location).query)["state"][0]
    response = client.get("/akun/masuk/oidc/callback/", {"error": "access_denied", "state": state})
    refused_with(client, response, "dibatalkan atau ditolak")


def test_rotated_provider_keys_are_fetched_again(client, provider):
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=ISSUER, subject="subjek-budi")
    assert sign_in(client, provider)["Location"] == "/permohonan/"
    client.post("/akun/keluar/")
    provider.rotate()  # a kid the cached key set does not hold
    response = sign_in(client, provider)
    assert response["Location"] == "/permohonan/"
    assert provider.requests.count("/jwks") == 2


def test_nik_from_userinfo_when_the_id_token_carries_none(client, provider):
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=ISSUER, subject="subjek-budi")
    query = provider.authorize(start(client), **BUDI)
    real = provider.id_token
    provider.id_token = lambda nonce: real(nonce, nik=None)
    response = client.get("/akun/masuk/oidc/callback/", query)
    assert response["Location"] == "/permohonan/"
    assert "/me" in provider.requests


def test_invalid_nik_claim_is_refused(client, provider):
    response = sign_in(client, provider, nik="1234", name="X")
    refused_with(client, response, "tidak mengirimkan NIK yang sah")


def test_private_key_jwt_client_authentication(client, provider, settings, tmp_path):
    key = ECKey.generate_key("P-256")
    pem = tmp_path / "klien.pem"
    pem.write_bytes(key.as_pem(private=True))
    settings.MPP_OIDC_PRIVATE_KEY_FILE = str(pem)
    settings.MPP_OIDC_CLIENT_SECRET = ""
    provider.client_key = ECKey.import_key(key.as_dict(private=False))
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=ISSUER, subject="subjek-budi")
    assert sign_in(client, provider)["Location"] == "/permohonan/"
    assert provider.client_auth == ["private_key_jwt"]


def test_refused_sign_ins_count_toward_the_sign_in_rate_limit(client, provider, settings):
    settings.MPP_RATE_LIMITS = {"login": {"address": "2/10m"}}
    for _ in range(2):
        query = provider.authorize(start(client), **BUDI)
        client.get("/akun/masuk/oidc/callback/", {**query, "state": "palsu"})
    response = client.post("/akun/masuk/oidc/")
    assert response.status_code == 429
    assert "percobaan masuk yang gagal" in response.content.decode()
    assert not str(response.get("Location", "")).startswith(ISSUER)


def test_the_data_export_shows_the_linked_identity(client, provider):
    owner = CitizenFactory()
    OidcIdentity.objects.create(user=owner, issuer=ISSUER, subject="subjek-budi")
    client.force_login(owner, backend="mpp.accounts.backends.NikOrUsernameBackend")
    body = client.get("/akun/data-saya.json").json()
    (item,) = body["identities"]["items"]
    assert item["title"] == ISSUER
    assert item["values"]["Subjek"] == "subjek-budi"
    assert item["values"]["Akun dibuat saat masuk"] == "Tidak"
