"""While the database is away: 503 for pages and problem documents, never a 500 page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        yield


def test_api_answers_503_problem(client, database_down):
    response = client.get("/api/v1/services")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503
    assert response["Retry-After"]


def test_api_with_a_token_answers_503_problem(client, database_down):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mpp_x")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


def test_page_answers_503(client, database_down):
    response = client.get("/layanan/")
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in response.content.decode()


def test_healthz_answers_503(client, database_down):
    assert client.get("/healthz").status_code == 503


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/layanan/").status_code == 301


def test_signed_in_page_answers_503_when_the_session_cannot_be_loaded(django_user_model):
    # The session and the user are loaded by middlewares, before any view: Django turns their
    # error into a 500 itself, which must still say "unavailable, try again".
    from django.test import Client

    user = django_user_model.objects.create_user(username="warga-outage", password="x" * 12)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        page = client.get("/akun/")
        api = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mpp_x")
    assert page.status_code == 503
    assert "Layanan sedang tidak tersedia" in page.content.decode()
    assert page["Retry-After"]
    assert api.status_code == 503


def test_other_server_errors_stay_500(rf):
    from mpp.web.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/akun/"))
    assert response.status_code == 500
