"""Limits per purpose (issue 22, finding 2): they stop attackers, not the citizens beside them."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from mpp.accounts import services as account_services
from mpp.accounts.models import Role
from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory, staff
from mpp.catalog.tests.factories import MPPFactory
from mpp.devices.tests.factories import register_queue_kiosk, register_skm_kiosk
from mpp.notifications.models import GuestConfirmation, OutboxMessage

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"
OWNER_ADDRESS = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.AXES_ENABLED = True
    from axes.utils import reset

    reset()
    cache.clear()
    yield
    cache.clear()
    reset()


def _at(address: str) -> dict:
    return {"REMOTE_ADDR": address}


def solve(client, page, *, passwords: dict | None = None, answer: str | None = None):
    """Answer the challenge as a person would without JavaScript: read the question, keep the
    hidden fields, type the password again, post the form."""
    body = page.content.decode()
    assert page.status_code == 429 and "<script" not in body.split("<main")[1]
    question = re.search(r"Berapa (\d+) ditambah (\d+)\?", body)
    answer_field = re.search(r'name="(_jawaban)"', body)
    form = re.search(r'<form method="post" action="([^"]+)"', body)
    assert question and answer_field and form, "the challenge page has its question and form"
    first, second = map(int, question.groups())
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body):
        fields[html.unescape(name)] = html.unescape(value)
    fields[answer_field.group(1)] = answer or str(first + second)
    fields |= passwords or {}
    action = html.unescape(form.group(1))
    return client.post(action, fields, **_at(page.wsgi_request.META["REMOTE_ADDR"])), fields


# --- Device and partner exemptions only on their own endpoints --------------------------------


def test_a_queue_kiosk_cookie_does_not_lift_the_tracking_limit(client):

    register_queue_kiosk(MPPFactory(), "Pintu utama", "token-anjungan-uji")
    client.post("/antrean/anjungan/", {"token": "token-anjungan-uji"})
    assert client.cookies.get("mpp_device")
    statuses = [
        client.post("/lacak/", {"nomor": "2171-260101-0001", "birth_date": f"1990-01-{d:02d}"})
        for d in range(1, 8)
    ]
    assert [r.status_code for r in statuses[:5]] == [200] * 5
    assert statuses[-1].status_code == 429
    assert "nomor permohonan ini" in statuses[-1].content.decode()


def test_an_skm_kiosk_token_counts_only_where_the_kiosk_answers(client):
    """The kiosk's bearer token is its own on /api/v1/skm/responses; on registration it is an
    anonymous client like any other."""
    from mpp.cases.tests.factories import service_with

    service = service_with()
    _device, raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet loket 1", actor=None
    )
    answers = [
        client.post(
            "/api/v1/citizens",
            {
                "nik": f"217101150890{serial:04d}",
                "name": "Tamu Kios",
                "birth_date": "1990-08-15",
                "password": "Kata-Sandi-Kuat-2026",
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        ).status_code
        for serial in range(1, 13)
    ]
    assert 429 not in answers[:10] and answers[-1] == 429


# --- Guest complaint codes --------------------------------------------------------------------


def test_wrong_guest_codes_are_counted_and_the_limit_holds(client):
    client.post("/pengaduan/konfirmasi/", {"address": "+6281234567890"})
    code = re.search(r"\d{6}", OutboxMessage.objects.get().text).group()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(6):
        page = client.post("/pengaduan/konfirmasi/", {"code": wrong})
        assert page.status_code == 200
    assert GuestConfirmation.objects.get().attempts == 5
    refused = client.post("/pengaduan/konfirmasi/", {"code": code})
    assert refused.status_code == 200  # the right code, after five wrong ones, is no more use
    assert "Terlalu banyak percobaan; mintalah kode baru." in refused.content.decode()
    assert GuestConfirmation.objects.get().confirmed_at is None


def test_guest_codes_are_limited_per_destination_from_any_address(client):
    spellings = ["+6281234567890", "081234567890", "62 812 3456 7890", "0812 3456 7890"]
    pages = [
        client.post(
            "/pengaduan/konfirmasi/",
            {"address": spellings[n % len(spellings)]},
            **_at(f"203.0.113.{n + 1}"),
        )
        for n in range(15)
    ]
    assert OutboxMessage.objects.count() == 3
    body = pages[3].content.decode()
    assert "Kode konfirmasi sudah beberapa kali dikirim" in body and "WIB" in body
    # Another person's number is not held up.
    client.post("/pengaduan/konfirmasi/", {"address": "+6289876543210"}, **_at("203.0.113.99"))
    assert OutboxMessage.objects.count() == 4


# --- Sign-in: a stranger cannot keep the owner out --------------------------------------------


def test_failures_from_many_addresses_do_not_lock_the_owner_out(client):
    user = CitizenFactory()
    for n in range(10):
        client.post(LOGIN, {"username": CITIZEN_NIK, "password": "salah"}, **_at(f"203.0.113.{n}"))
    response = client.post(
        LOGIN, {"username": CITIZEN_NIK, "password": PASSWORD}, **_at(OWNER_ADDRESS)
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == user


def test_a_stranger_locks_only_their_own_address(client):
    CitizenFactory()
    for _ in range(6):
        locked = client.post(
            LOGIN, {"username": CITIZEN_NIK, "password": "salah"}, **_at("203.0.113.9")
        )
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "dari alamat Anda" in body and "WIB" in body and "atur ulang kata sandi" in body
    owner = client.post(
        LOGIN, {"username": CITIZEN_NIK, "password": PASSWORD}, **_at(OWNER_ADDRESS)
    )
    assert owner.status_code == 302


def test_a_flood_on_one_account_asks_the_owner_a_question_they_can_answer(client):
    user = CitizenFactory()
    for n in range(25):
        client.post(LOGIN, {"username": CITIZEN_NIK, "password": "salah"}, **_at(f"203.0.113.{n}"))
    page = client.post(LOGIN, {"username": CITIZEN_NIK, "password": PASSWORD}, **_at(OWNER_ADDRESS))
    body = page.content.decode()
    assert "untuk akun ini dari berbagai alamat" in body
    assert PASSWORD not in body  # the password is asked for again, never echoed
    response, _fields = solve(client, page, passwords={"password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == user


def test_a_password_reset_link_ends_a_lockout(client):
    user = CitizenFactory(email="budi@contoh.id")
    for _ in range(5):
        client.post(LOGIN, {"username": CITIZEN_NIK, "password": "salah"}, **_at(OWNER_ADDRESS))
    assert (
        client.post(
            LOGIN, {"username": CITIZEN_NIK, "password": PASSWORD}, **_at(OWNER_ADDRESS)
        ).status_code
        == 429
    )
    client.post("/akun/sandi/lupa/", {"email": "budi@contoh.id"}, **_at(OWNER_ADDRESS))
    link = re.search(r"/akun/sandi/atur/\S+/\S+/", mail.outbox[0].body).group()
    form = client.get(link, **_at(OWNER_ADDRESS))
    new = "Sandi-Baru-Yang-Kuat-2026"
    done = client.post(form.url, {"new_password1": new, "new_password2": new}, **_at(OWNER_ADDRESS))
    assert done.status_code == 302
    response = client.post(LOGIN, {"username": CITIZEN_NIK, "password": new}, **_at(OWNER_ADDRESS))
    assert response.status_code == 302 and response.wsgi_request.user == user


# --- Per purpose, not one bucket per address --------------------------------------------------


def test_guest_complaints_from_the_hall_do_not_stop_a_sign_in_from_it(client):
    hall = _at("203.0.113.50")
    for n in range(10):
        client.post("/pengaduan/konfirmasi/", {"address": f"+62812000000{n:02d}"}, **hall)
        client.post("/pengaduan/konfirmasi/", {"code": "000000"}, **hall)
        client.post("/pengaduan/baru/", {"title": "AC mati"}, **hall)
    user = CitizenFactory()
    response = client.post(LOGIN, {"username": CITIZEN_NIK, "password": PASSWORD}, **hall)
    assert response.status_code == 302
    assert response.wsgi_request.user == user


# --- The challenge, without JavaScript --------------------------------------------------------


def test_a_shared_address_gets_a_question_and_passing_it_sends_the_form(client):
    for n in range(10):
        assert client.post("/akun/sandi/lupa/", {"email": f"orang{n}@contoh.id"}).status_code == 302
    CitizenFactory(email="warga@contoh.id")
    page = client.post("/akun/sandi/lupa/", {"email": "warga@contoh.id"})
    assert "dari alamat internet yang Anda pakai" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    wrong, fields = solve(client, page, answer="999")
    assert wrong.status_code == 429 and "Jawaban belum benar" in wrong.content.decode()
    assert not mail.outbox
    response, fields = solve(client, wrong)
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["warga@contoh.id"]
    # A token works once: the same answer again is a new question.
    replay = client.post("/akun/sandi/lupa/", fields)
    assert replay.status_code == 429 and "Jawaban belum benar" in replay.content.decode()


def test_the_api_answers_a_problem_with_retry_after_and_what_to_do(client):
    for serial in range(1, 12):
        response = client.post(
            "/api/v1/citizens",
            {
                "nik": f"217101150890{serial:04d}",
                "name": "Anggota Keluarga",
                "birth_date": "1990-08-15",
                "password": "Kata-Sandi-Kuat-2026",
            },
            content_type="application/json",
        )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 0 < int(response["Retry-After"]) <= 600
    body = response.json()
    assert body["status"] == 429 and body["instance"] == "/api/v1/citizens"
    assert "pendaftaran akun dari alamat internet Anda" in body["detail"]
    assert re.search(r"Coba lagi pukul \d\d\.\d\d WIB", body["detail"])


# --- MPP networks -----------------------------------------------------------------------------


def test_an_mpp_network_registered_by_its_manager_gets_higher_limits(client):
    mpp, other = MPPFactory(), MPPFactory()
    manager = staff(Role.MPP_MANAGER, mpp=mpp)
    with pytest.raises(PermissionDenied):
        account_services.add_mpp_network(manager, other, "36.66.10.0/28")
    with pytest.raises(account_services.NetworkError):
        account_services.add_mpp_network(manager, mpp, "10.0.0.0/8")
    account_services.add_mpp_network(manager, mpp, "36.66.10.0/28", "Wi-Fi aula")
    answers = [
        client.post("/akun/sandi/lupa/", {"email": f"orang{n}@contoh.id"}, **_at("36.66.10.5"))
        for n in range(15)
    ]
    assert {r.status_code for r in answers} == {302}
    outside = [
        client.post("/akun/sandi/lupa/", {"email": f"lain{n}@contoh.id"}, **_at("198.51.100.1"))
        for n in range(11)
    ]
    assert outside[-1].status_code == 429


def test_the_networks_page_is_for_mpp_managers(client):
    from mpp.accounts.tests.helpers import login_staff

    mpp = MPPFactory()
    login_staff(client, staff(Role.MPP_MANAGER, mpp=mpp))
    response = client.post(
        "/akun/kerja/jaringan/", {"mpp": mpp.pk, "network": "36.66.10.0/28", "label": "Aula"}
    )
    assert response.status_code == 302
    assert "36.66.10.0/28" in client.get("/akun/kerja/jaringan/").content.decode()
    citizen = CitizenFactory()
    client.force_login(citizen)
    assert client.get("/akun/kerja/jaringan/").status_code == 403


def test_a_signed_in_account_cannot_guess_birth_dates_on_tracking(client):
    client.force_login(CitizenFactory())
    statuses = [
        client.post("/lacak/", {"nomor": "2171-260101-0001", "birth_date": f"1990-01-{d:02d}"})
        for d in range(1, 8)
    ]
    assert [r.status_code for r in statuses[:5]] == [200] * 5
    assert statuses[-1].status_code == 429
    assert "nomor permohonan ini" in statuses[-1].content.decode()
