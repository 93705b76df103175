"""Where people and clients look, the Dukcapil check is said: the officer's application page
(online: the account's check at registration), the counter's form, the API's account and
application."""

from __future__ import annotations

import contextlib
import datetime
import typing

import pytest
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.services import CitizenRegistration, issue_token, register_citizen
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.api.types import IdentityCheck
from mpp.cases import services as case_services
from mpp.cases.tests.factories import officer_for, service_with
from mpp.integrations.models import VerificationState
from mpp.integrations.tests.test_counter_check import file

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = issue_token(user, second_factor=user.is_staff_member)
    return {"Authorization": f"Bearer {raw}"}


def register(capture, name="Budi Santoso"):
    with capture(execute=True):
        return register_citizen(
            CitizenRegistration(
                nik="2171011508900003",
                name=name,
                birth_date=datetime.date(1990, 8, 15),
                password="Rahasia-Uji-2026",
                email="budi@contoh.id",
                consent=True,
            )
        )


@pytest.fixture
def service(batam_dukcapil):
    return service_with(
        form_definition=[{"name": "keperluan", "type": "text", "label": "Keperluan"}]
    )


def test_the_api_states_are_the_verification_states():
    assert set(typing.get_args(IdentityCheck)) == set(VerificationState.values)


@pytest.mark.parametrize(
    ("mode", "name", "state"),
    [
        ("simulator", "Budi Santoso", "matched"),
        ("simulator", "Bambang Sutrisno", "not_matched"),
        ("timeout", "Budi Santoso", "unavailable"),
    ],
)
def test_the_account_says_its_check(
    client, batam_dukcapil, partner, django_capture_on_commit_callbacks, mode, name, state
):
    partner.mode = mode
    citizen = register(django_capture_on_commit_callbacks, name=name)
    me = client.get("/api/v1/me", headers=bearer(citizen))
    assert me.json()["identity_check"] == state


def test_an_account_without_a_check_says_null(client, partner):
    citizen = register(lambda execute: contextlib.nullcontext())
    assert client.get("/api/v1/me", headers=bearer(citizen)).json()["identity_check"] is None


def test_an_online_application_shows_the_registration_check_to_the_officer_only(
    client, service, django_capture_on_commit_callbacks
):
    citizen = register(django_capture_on_commit_callbacks)
    application = case_services.start_application(
        applicant=citizen, service=service, data={"keperluan": "Pindah domisili"}
    )
    case_services.submit_application(application, actor=citizen)
    officer = officer_for(service)
    detail = f"/api/v1/applications/{application.pk}"
    assert client.get(detail, headers=bearer(citizen)).json()["identity_check"] == "matched"
    assert client.get(detail, headers=bearer(officer)).json()["identity_check"] == "matched"
    # An overseer sees no personal data, so not the check either.
    manager = staff(Role.MPP_MANAGER, mpp=service.mpp)
    assert client.get(detail, headers=bearer(manager)).json()["identity_check"] is None

    login_staff(client, officer)
    page = client.get(reverse("cases:staff_detail", args=[application.pk])).content.decode()
    line = page.split("Pemeriksaan NIK (Dukcapil)", 1)[1].split("</dd>", 1)[0]
    assert "cocok" in line and "tidak" not in line


def test_the_counter_form_shows_the_check_of_what_the_officer_typed(
    client, service, partner, django_capture_on_commit_callbacks
):
    officer = officer_for(service)
    partner.mode = "timeout"
    application = file(officer, service, django_capture_on_commit_callbacks)
    login_staff(client, officer)
    page = client.get(reverse("cases:staff_step", args=[application.pk, 1])).content.decode()
    line = page.split("Pemeriksaan NIK (Dukcapil)", 1)[1].split("</dd>", 1)[0]
    assert "tidak dapat dicek" in line and "dicek ulang otomatis" in line
    detail = client.get(f"/api/v1/applications/{application.pk}", headers=bearer(officer))
    assert detail.json()["identity_check"] == "unavailable"
