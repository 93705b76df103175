"""The outside probe's nine HTTP 500s on web input, and the API's answer to the same values."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mpp.accounts.tests.helpers import login_staff
from mpp.cases import services as case_services
from mpp.cases.tests.factories import CitizenFactory, officer_for, service_with

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def service():
    return service_with()


@pytest.fixture
def citizen_client(client):
    client.force_login(CitizenFactory(), backend="mpp.accounts.backends.NikOrUsernameBackend")
    return client


@pytest.fixture
def officer_client(client, service):
    login_staff(client, officer_for(service))
    return client


@pytest.mark.parametrize("url", ["/layanan/?agency=%00", "/cari/?agency=%00"])
def test_anonymous_nul_in_query_is_refused_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "karakter kendali" in response.content.decode()


def test_message_in_english(client):
    response = client.get("/cari/?q=a%01b", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_citizen_huge_page_number(citizen_client):
    response = citizen_client.get(f"/permohonan/?page={HUGE}")
    assert response.status_code in {200, 404}


def test_officer_huge_page_number(officer_client):
    response = officer_client.get(f"/kelola/permohonan/?page={HUGE}")
    assert response.status_code in {200, 404}


def test_officer_nul_in_calendar_path_and_query(officer_client):
    assert officer_client.get("/kelola/kalender/%00/2026/").status_code == 400
    assert officer_client.get("/kelola/kalender/?wilayah=%00").status_code == 400


def test_nul_in_application_step_changes_nothing(client, service):
    citizen = CitizenFactory()
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    client.post(reverse("cases:start", args=[service.slug]))
    application = citizen.applications.get()
    response = client.post(
        reverse("cases:step", args=[application.pk, 1]),
        {"nama_lengkap": "Budi\x00", "nik": "2171011508900003"},
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert "nama_lengkap" not in application.data


def test_nul_in_officer_note_changes_nothing(client, service):
    officer = officer_for(service)
    citizen = CitizenFactory()
    application = case_services.start_application(service=service, applicant=citizen)
    login_staff(client, officer)
    response = client.post(
        reverse("cases:staff_note", args=[application.pk]), {"text": "catatan\x00"}
    )
    assert response.status_code == 400
    assert not application.notes.exists()


def test_api_names_the_control_character_not_a_big_number(client):
    response = client.get("/api/v1/services?agency=%00")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert "karakter kendali" in body["detail"]
    assert "terlalu besar" not in response.content.decode()


def test_api_nul_inside_json_body(client):
    response = client.post(
        "/api/v1/citizens",
        data='{"nik": "2171011508900003", "name": "A\\u0000", "birth_date": "1990-08-15", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert "karakter kendali" in body["detail"]
    assert body["errors"] == [
        {"field": "name", "messages": ["Tidak boleh berisi karakter kendali."]}
    ]
