"""Dukcapil NIK verification: the adapter against the simulator and against a partner that times
out, answers 500 or garbage; the citizen's registration goes on either way and is checked later."""

from __future__ import annotations

import datetime

import pytest

from mpp.accounts.models import User
from mpp.audit.models import AccessKind, AccessRecord
from mpp.deadlines.services import sweep
from mpp.integrations import services
from mpp.integrations.client import Unavailable
from mpp.integrations.dukcapil import NikQuery
from mpp.integrations.models import Breaker, Call, Outcome, Verification, VerificationState

pytestmark = pytest.mark.django_db

BUDI = NikQuery(nik="2171011508900003", name="Budi Santoso", birth_date=datetime.date(1990, 8, 15))
PASSWORD = "Kata-Sandi-Kuat-2026"


def look_up(connection, query=BUDI):
    return services.verify_nik(connection, query, subject_id=None, reference="uji")


def test_the_simulator_answers_per_element_with_a_score(connection):
    answer = look_up(connection)
    assert answer.matched and answer.score == 100
    assert answer.elements == {"nik": True, "name": True, "birth_date": True, "birth_place": None}

    wrong_day = NikQuery(BUDI.nik, BUDI.name, datetime.date(1990, 8, 16), birth_place="Batam")
    answer = look_up(connection, wrong_day)
    assert not answer.matched
    assert answer.elements["birth_date"] is False and answer.elements["birth_place"] is True

    stranger = NikQuery("2171010101010001", "Tidak Ada", datetime.date(2001, 1, 1))
    answer = look_up(connection, stranger)
    assert not answer.found and not answer.matched


def test_a_wrong_password_is_a_refusal_not_an_answer(connection):
    connection.secrets["password"] = "salah"
    with pytest.raises(Unavailable) as refused:
        look_up(connection)
    assert refused.value.outcome == Outcome.REFUSED
    assert Call.objects.get().status_code == 401


@pytest.mark.parametrize(
    "mode, outcome, tries",
    [
        ("timeout", Outcome.TIMEOUT, 2),
        ("unreachable", Outcome.UNREACHABLE, 2),
        ("500", Outcome.ERROR, 2),
        ("garbage", Outcome.GARBAGE, 1),
        ("wrong shape", Outcome.GARBAGE, 1),
    ],
)
def test_a_failing_partner_is_unavailable_and_only_transient_failures_are_retried(
    connection, partner, mode, outcome, tries
):
    partner.mode = mode
    with pytest.raises(Unavailable) as failed:
        look_up(connection)
    assert failed.value.outcome == outcome
    assert len(partner.sent) == tries
    assert list(Call.objects.values_list("outcome", flat=True)) == [outcome] * tries


def test_answers_are_cached_per_nik_and_every_look_up_is_in_the_access_log(connection, partner):
    budi = User.objects.create(username="budi", nik=BUDI.nik, name=BUDI.name)
    for _ in range(2):
        services.verify_nik(connection, BUDI, subject_id=budi.pk, reference="uji")
    assert len(partner.sent) == 1
    records = AccessRecord.objects.filter(subject=budi)
    assert records.count() == 2
    assert {r.kind for r in records} == {AccessKind.NIK_CHECK}


def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_good_trial(
    connection, partner, moved_clock, settings
):
    settings.MPP_BREAKER_FAILURES = 2
    settings.MPP_BREAKER_COOLDOWN_SECONDS = 60
    settings.MPP_INTEGRATION_TRIES = 1
    partner.mode = "500"
    for _ in range(2):
        with pytest.raises(Unavailable):
            look_up(connection)
    assert Breaker.objects.get().state == "open"

    # While open, nobody calls the partner.
    with pytest.raises(Unavailable) as refused:
        look_up(connection)
    assert refused.value.outcome == Outcome.CIRCUIT_OPEN
    assert len(partner.sent) == 2

    # After the cool-down one trial goes out; it fails, so the circuit opens again.
    moved_clock.move(seconds=61)
    with pytest.raises(Unavailable):
        look_up(connection)
    assert len(partner.sent) == 3
    assert Breaker.objects.get().state == "open"

    # The partner is back: the next trial succeeds and closes it.
    partner.mode = "simulator"
    moved_clock.move(seconds=61)
    assert look_up(connection).matched
    breaker = Breaker.objects.get()
    assert breaker.state == "closed" and breaker.failures == 0
    assert breaker.last_success_at == moved_clock.moment


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with the work each request leaves for after its commit done at once (as
    the immediate task backend does in the demo)."""

    class Committing:
        def __getattr__(self, name):
            method = getattr(client, name)
            if name not in {"post", "get"}:
                return method

            def call(*args, **kwargs):
                with django_capture_on_commit_callbacks(execute=True):
                    return method(*args, **kwargs)

            return call

    return Committing()


def register(client, **overrides):
    data = {
        "nik": BUDI.nik,
        "name": "Budi Santoso",
        "birth_date": "1990-08-15",
        "email": "budi@contoh.id",
        "phone": "",
        "password": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return client.post("/akun/daftar/", data)


def profile_of(client):
    client.force_login(User.objects.get(nik=BUDI.nik))
    return client.get("/akun/profil/").content.decode()


def test_registration_checks_the_nik_and_the_profile_says_verified(client, batam_dukcapil):
    response = register(client)
    assert response.status_code == 302
    budi = User.objects.get(nik=BUDI.nik)
    verification = Verification.objects.get(subject=budi)
    assert verification.state == VerificationState.MATCHED
    assert verification.elements["birth_date"] is True and verification.score == 100
    page = profile_of(client)
    assert "Verifikasi NIK ke Dukcapil" in page and "Terverifikasi" in page
    assert "Pemeriksaan NIK ke Dukcapil" in page  # the access log line


def test_a_mismatch_is_told_to_the_citizen(client, batam_dukcapil):
    register(client, birth_date="1990-08-15", name="Budi Hartono")
    assert Verification.objects.get().state == VerificationState.NOT_MATCHED
    assert "Tidak cocok" in profile_of(client)


@pytest.mark.parametrize("mode", ["timeout", "500", "garbage"])
def test_a_partner_that_is_down_never_blocks_registration_and_the_sweep_checks_later(
    client, batam_dukcapil, partner, moved_clock, mode
):
    partner.mode = mode
    response = register(client)
    assert response.status_code == 302 and response["Location"] == "/akun/daftar/diterima/"
    verification = Verification.objects.get()
    assert verification.state == VerificationState.UNAVAILABLE
    assert verification.attempts == 1
    assert "Belum terverifikasi — akan dicek ulang" in profile_of(client)

    # Before the next try is due, the sweep leaves it alone.
    sweep(moved_clock.move(seconds=30))
    assert Verification.objects.get().attempts == 1

    partner.mode = "simulator"
    sweep(moved_clock.move(minutes=2))
    verification = Verification.objects.get()
    assert verification.state == VerificationState.MATCHED
    assert verification.attempts == 2
    assert verification.clock_stopped_at is not None
    assert "Terverifikasi" in profile_of(client)


def test_without_a_configured_agreement_nothing_is_claimed(client, partner):
    register(client)
    assert not Verification.objects.exists()
    assert not partner.sent


def test_the_call_log_holds_no_nik_name_or_secret(client, batam_dukcapil, partner):
    partner.mode = "500"
    register(client)
    partner.mode = "simulator"
    services.run_verification(Verification.objects.get().pk)
    assert Verification.objects.get().state == VerificationState.MATCHED
    assert Call.objects.count() >= 2
    stored = repr(list(Call.objects.values()))
    for secret in (BUDI.nik, "Budi", "BUDI", "simulasi-dukcapil", "1990", "15-08"):
        assert secret not in stored
    # Nor does the verification keep what was sent.
    assert BUDI.nik not in repr(list(Verification.objects.values()))


def test_a_configuration_without_endpoint_is_unavailable_when_no_simulator_runs(
    connection, partner, settings
):
    settings.MPP_SIMULATORS = False
    with pytest.raises(Unavailable) as failed:
        look_up(connection)
    assert failed.value.outcome == Outcome.UNREACHABLE
    assert not partner.sent
