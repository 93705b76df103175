"""SATUSEHAT SDMK: the adapter against its simulator (token, FHIR search by NIK, IHS number and
STR) and against a partner that refuses the token, times out, answers 500 or garbage; the token is
cached until shortly before it expires, fetched again once on a 401, and never logged."""

from __future__ import annotations

import datetime
import logging

import httpx
import pytest

from mpp.integrations import satusehat
from mpp.integrations.client import Unavailable
from mpp.integrations.models import Call, Outcome
from mpp.integrations.services import connection_for

pytestmark = pytest.mark.django_db

SITI = "2171055204950001"  # a doctor with a lifetime STR
AGUS = "3171010202850001"  # a nurse with a dated STR
DEWI = "3471014101880002"  # a midwife whose STR has lapsed
BUDI = "2171011508900003"  # not a health worker


@pytest.fixture
def registry(batam_satusehat):
    connection = connection_for(satusehat.KEY, "2171")
    assert connection is not None
    return connection.connector.build(connection)


def test_the_simulator_answers_with_the_ihs_number_and_the_str(registry, partner):
    siti = registry.practitioner(SITI)
    assert siti == satusehat.PractitionerAnswer(
        found=True, ihs_number="10009880728", str_number="3121100220145199", str_valid_until=None
    )
    agus = registry.practitioner(AGUS)
    assert agus.str_valid_until == datetime.date(2029, 6, 30)
    assert registry.practitioner(DEWI).str_valid_until == datetime.date(2024, 3, 31)
    assert registry.practitioner(BUDI) == satusehat.PractitionerAnswer(found=False)

    # What went out: one client-credentials token, then FHIR searches by NIK with it.
    [token_request] = partner.to(satusehat.AUTH_PATH)
    assert token_request.method == "POST"
    assert token_request.url.params["grant_type"] == "client_credentials"
    assert b"client_id=simulasi-satusehat" in token_request.content
    searches = partner.to(satusehat.PRACTITIONER_PATH)
    assert [s.url.params["identifier"] for s in searches] == [
        f"https://fhir.kemkes.go.id/id/nik|{nik}" for nik in (SITI, AGUS, DEWI, BUDI)
    ]
    assert all(s.headers["authorization"].startswith("Bearer ") for s in searches)


def test_the_token_is_cached_until_shortly_before_it_expires(registry, partner, moved_clock):
    registry.practitioner(SITI)
    moved_clock.move(seconds=satusehat.SIMULATOR_TOKEN_SECONDS - 61)
    registry.practitioner(SITI)
    assert len(partner.to(satusehat.AUTH_PATH)) == 1

    moved_clock.move(seconds=2)  # within the last minute of its life: a new one
    registry.practitioner(SITI)
    assert len(partner.to(satusehat.AUTH_PATH)) == 2
    assert len(partner.to(satusehat.PRACTITIONER_PATH)) == 3


def test_a_401_fetches_a_new_token_once(registry, partner):
    registry.practitioner(SITI)  # a token is cached
    original = partner.handle
    refusals = []

    def revoked_once(request):
        if satusehat.PRACTITIONER_PATH in request.url.path and not refusals:
            refusals.append(request)
            partner.sent.append(request)
            return httpx.Response(401, json={"resourceType": "OperationOutcome"})
        return original(request)

    partner.handle = revoked_once
    assert registry.practitioner(SITI).found
    assert len(partner.to(satusehat.AUTH_PATH)) == 2  # the new token
    assert len(partner.to(satusehat.PRACTITIONER_PATH)) == 3  # first, refused, again

    # A search refused again with the new token is a refusal, not a loop.
    partner.mode, partner.only = "401", satusehat.PRACTITIONER_PATH
    partner.sent.clear()
    with pytest.raises(Unavailable) as refused:
        registry.practitioner(SITI)
    assert refused.value.outcome == Outcome.REFUSED
    assert len(partner.to(satusehat.AUTH_PATH)) == 1
    assert len(partner.to(satusehat.PRACTITIONER_PATH)) == 2


def test_wrong_client_credentials_are_a_refusal(registry, partner):
    registry.connection.secrets["client_secret"] = "salah"
    with pytest.raises(Unavailable) as refused:
        registry.practitioner(SITI)
    assert refused.value.outcome == Outcome.REFUSED
    call = Call.objects.get()
    assert (call.operation, call.status_code) == (satusehat.AUTH_OPERATION, 401)
    assert not partner.to(satusehat.PRACTITIONER_PATH)


@pytest.mark.parametrize(
    "mode, outcome, tries",
    [
        ("timeout", Outcome.TIMEOUT, 2),
        ("500", Outcome.ERROR, 2),
        ("garbage", Outcome.GARBAGE, 1),
        ("wrong shape", Outcome.GARBAGE, 1),
    ],
)
def test_a_failing_search_is_unavailable_and_only_transient_failures_are_retried(
    registry, partner, mode, outcome, tries
):
    partner.mode, partner.only = mode, satusehat.PRACTITIONER_PATH
    with pytest.raises(Unavailable) as failed:
        registry.practitioner(SITI)
    assert failed.value.outcome == outcome
    assert len(partner.to(satusehat.PRACTITIONER_PATH)) == tries
    searches = Call.objects.filter(operation=satusehat.LOOKUP_OPERATION)
    assert list(searches.values_list("outcome", flat=True)) == [outcome] * tries


def test_an_unreadable_bundle_is_garbage_not_an_answer():
    two = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Practitioner", "id": "1"}},
            {"resource": {"resourceType": "Practitioner", "id": "2"}},
        ],
    }
    for data in ({"resourceType": "OperationOutcome"}, two, [], {"entry": "x"}):
        with pytest.raises(ValueError):
            satusehat.parse_practitioners(data)


def test_neither_the_token_nor_the_nik_nor_the_secret_is_logged_or_kept(registry, partner, caplog):
    caplog.set_level(logging.DEBUG)
    registry.practitioner(SITI)
    partner.mode, partner.only = "500", satusehat.PRACTITIONER_PATH
    with pytest.raises(Unavailable):
        registry.practitioner(AGUS)
    token = partner.to(satusehat.PRACTITIONER_PATH)[0].headers["authorization"][7:]
    assert "integration satusehat.sdmk (2171) practitioner_by_nik: error" in caplog.text
    stored = repr(list(Call.objects.values()))
    for secret in (token, SITI, AGUS, satusehat.SIMULATOR_CLIENT_SECRET, "10009880728"):
        assert secret not in caplog.text
        assert secret not in stored
