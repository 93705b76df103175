"""The demo's OpenID provider (/demo-idp/): the sign-in button of `make demo` works end to end, and
the provider does not exist unless it is switched on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.core.wsgi import get_wsgi_application

from mpp.accounts import oidc
from mpp.accounts.demo import DEMO_CITIZEN_PASSWORD
from mpp.accounts.models import OidcIdentity

from .factories import CITIZEN_NIK, CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_idp(settings, monkeypatch, tmp_path):
    settings.MPP_DEMO_IDP = True
    settings.VAR_DIR = tmp_path
    settings.MPP_PUBLIC_BASE_URL = "http://testserver"
    settings.MPP_OIDC_ISSUER = "http://testserver/demo-idp"
    settings.MPP_OIDC_CLIENT_ID = "mpp-demo"
    settings.MPP_OIDC_CLIENT_SECRET = "demo-rahasia"
    settings.MPP_OIDC_PRIVATE_KEY_FILE = ""
    # The client's server calls the provider through the same Django application, in process.
    monkeypatch.setattr(oidc, "TRANSPORT", httpx.WSGITransport(app=get_wsgi_application()))


def test_demo_citizen_signs_in_through_the_demo_provider(client, demo_idp):
    owner = CitizenFactory(password=DEMO_CITIZEN_PASSWORD)
    location = client.post("/akun/masuk/oidc/")["Location"]
    assert location.startswith("http://testserver/demo-idp/authorize/?")
    page = client.get(location)
    assert "Penyedia identitas DEMO (bukan INApas)" in page.content.decode()
    assert "Budi Santoso" in page.content.decode()

    query = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    answer = client.post("/demo-idp/authorize/", {**query, "subject": "demo-0003"})
    callback = answer["Location"]
    assert callback.startswith("http://testserver/akun/masuk/oidc/callback/?")
    assert client.get(callback)["Location"] == "/akun/masuk/oidc/lanjut/"
    response = client.post("/akun/masuk/oidc/lanjut/", {"password": DEMO_CITIZEN_PASSWORD})
    assert response["Location"] == "/permohonan/"
    assert response.wsgi_request.user == owner
    assert OidcIdentity.objects.get(user=owner).subject == "demo-0003"
    assert owner.nik == CITIZEN_NIK


def test_demo_provider_refuses_an_unregistered_redirect(client, demo_idp):
    response = client.get(
        "/demo-idp/authorize/",
        {
            "client_id": "mpp-demo",
            "redirect_uri": "https://penipu.example/",
            "response_type": "code",
        },
    )
    assert response.status_code == 400


def test_demo_provider_is_absent_unless_switched_on(client, settings):
    settings.MPP_DEMO_IDP = False
    assert client.get("/demo-idp/.well-known/openid-configuration").status_code == 404
    assert client.post("/demo-idp/token/", {"code": "x"}).status_code == 404
