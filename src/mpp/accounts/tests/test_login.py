import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset

from mpp.accounts.models import Role
from mpp.audit.models import AuditAction, AuditEvent

from .factories import CITIZEN_NIK, PASSWORD, CitizenFactory, staff

pytestmark = pytest.mark.django_db

URL = "/akun/masuk/"
WRONG = "NIK/nama pengguna atau kata sandi salah."


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    axes_reset()
    yield
    axes_reset()


def test_citizen_logs_in_with_nik(client):
    user = CitizenFactory()
    response = client.post(URL, {"username": CITIZEN_NIK, "password": PASSWORD})
    assert response["Location"] == "/permohonan/"  # a citizen lands on their applications
    assert response.wsgi_request.user == user
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).exists()


def test_staff_logs_in_with_username_in_any_case(client):
    user = staff(Role.MINISTRY_ANALYST, username="analis.satu")
    response = client.post(URL, {"username": "Analis.Satu", "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user == user


def test_next_must_stay_on_this_site(client):
    CitizenFactory()
    data = {"username": CITIZEN_NIK, "password": PASSWORD}
    assert client.post(URL + "?next=https://jahat.example/", data)["Location"] == "/permohonan/"


def test_wrong_password_says_so_and_logs_nobody_in(client):
    CitizenFactory()
    response = client.post(URL, {"username": CITIZEN_NIK, "password": "salah-sekali-123"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert CITIZEN_NIK not in str(event.data) + event.summary


def test_unknown_account_gets_the_same_message(client):
    response = client.post(URL, {"username": "9999999999999999", "password": "apa-saja-123"})
    assert WRONG in response.content.decode()


def test_logout(client):
    user = CitizenFactory()
    client.force_login(user)
    response = client.post("/akun/keluar/", follow=True)
    assert "Anda telah keluar." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).exists()
    assert client.get("/akun/keluar/").status_code == 405


def test_five_failures_lock_the_account_with_an_indonesian_page(client, axes_on):
    CitizenFactory()
    for _ in range(4):
        response = client.post(URL, {"username": CITIZEN_NIK, "password": "salah-sekali-123"})
        assert response.status_code == 200
    response = client.post(URL, {"username": CITIZEN_NIK, "password": "salah-sekali-123"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert 'lang="id"' in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(URL, {"username": CITIZEN_NIK, "password": PASSWORD})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_axes_never_stores_a_nik(client, axes_on):
    CitizenFactory()
    for password in ("salah-sekali-123", PASSWORD):
        client.post(URL, {"username": CITIZEN_NIK, "password": password})
    stored = [
        *AccessAttempt.objects.values_list("username", "get_data", "post_data"),
        *AccessFailureLog.objects.values_list("username", "path_info"),
        *AccessLog.objects.values_list("username"),
    ]
    assert stored
    assert CITIZEN_NIK not in repr(stored)
    assert any(str(row[0]).startswith("nikh:") for row in stored)


def test_lockout_of_one_person_does_not_lock_another(client, axes_on):
    CitizenFactory()
    other = CitizenFactory(nik="2171055204950001")
    for _ in range(5):
        client.post(URL, {"username": CITIZEN_NIK, "password": "salah-sekali-123"})
    response = client.post(URL, {"username": other.nik, "password": PASSWORD})
    assert response.status_code == 302


def test_citizen_revokes_an_api_token_from_the_profile(client):
    from mpp.accounts import services

    user = CitizenFactory()
    other = CitizenFactory(nik="2171055204950001")
    token, _raw = services.issue_token(user)
    foreign, _raw = services.issue_token(other)
    client.force_login(user)
    assert token.prefix in client.get("/akun/pengembang/").content.decode()  # developer page
    response = client.post(f"/akun/token/{token.pk}/cabut/", follow=True)
    assert "Token API telah dicabut." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post(f"/akun/token/{foreign.pk}/cabut/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
