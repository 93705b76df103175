"""Anonymous POSTs are limited per client address and per identifier, web and API alike."""

from __future__ import annotations

import pytest
from django.core import mail

from mpp.accounts.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_password_reset_emails_to_one_address_are_limited(client):
    CitizenFactory(email="budi@contoh.id")
    answers = [
        client.post("/akun/sandi/lupa/", {"email": "budi@contoh.id"}).status_code for _ in range(20)
    ]
    assert answers[:3] == [302, 302, 302]
    assert set(answers[3:]) == {429}
    assert len(mail.outbox) == 3


def test_api_registration_is_limited_per_address_but_a_family_gets_through(client):
    answers = []
    for serial in range(1, 13):
        body = {
            "nik": f"217101150890{serial:04d}",
            "name": "Anggota Keluarga",
            "birth_date": "1990-08-15",
            "password": "Kata-Sandi-Kuat-2026",
        }
        response = client.post("/api/v1/citizens", body, content_type="application/json")
        answers.append(response)
    assert all(r.status_code != 429 for r in answers[:10])  # a family of ten registers
    assert answers[-1].status_code == 429
    assert answers[-1]["Content-Type"] == "application/problem+json"
    assert answers[-1]["Retry-After"]


def test_limits_follow_the_client_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for index in range(12):
        response = client.post(
            "/akun/sandi/lupa/",
            {"email": f"orang{index}@contoh.id"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index}",
        )
        assert response.status_code == 302
    page = client.get("/akun/sandi/lupa/")
    assert page.status_code == 200


def test_an_api_client_with_a_valid_token_is_not_limited_as_anonymous(client):
    from mpp.accounts import services as account_services

    citizen = CitizenFactory()
    _token, raw = account_services.issue_token(citizen)
    signed = [
        client.post("/api/v1/me/messages/999999/read", HTTP_AUTHORIZATION=f"Bearer {raw}")
        for _ in range(35)
    ]
    assert {response.status_code for response in signed} == {404}
    guessed = [
        client.post("/api/v1/me/messages/999999/read", HTTP_AUTHORIZATION="Bearer mpp_wrong")
        for _ in range(35)
    ]
    assert guessed[0].status_code == 401
    assert guessed[-1].status_code == 429
