"""The demo's OpenID provider (/demo-idp/): the sign-in button of `make demo` works end to end, and
the provider does not exist unless it is switched on."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

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
    monkeypatch.setattr(
        oidc, "TRANSPORT", httpx.WSGITransport(app=_in_process(get_wsgi_application()))
    )


def _in_process(app: Any) -> Any:
    """The WSGI application called inside a test request. As Django's test client does, the inner
    request must not close the test's database connection when it starts and ends (on PostgreSQL
    that ends the test's transaction, and the outer request fails)."""

    def call(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return call


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
