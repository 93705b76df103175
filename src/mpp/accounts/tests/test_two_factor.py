import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import Role
from mpp.audit.models import AuditAction, AuditEvent

from .factories import CITIZEN_NIK, PASSWORD, CitizenFactory, staff

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def officer(db):
    return staff(Role.MINISTRY_ADMIN, username="admin.pusat")


@pytest.mark.parametrize(
    "path", ["/", "/akun/profil/", "/akun/kerja/", "/akun/kerja/audit/", "/akun/kerja/peran/"]
)
def test_staff_without_a_device_is_sent_to_set_up_from_every_page(client, officer, path):
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/akun/2fa/atur/"


def test_set_up_shows_qr_and_secret_refuses_a_wrong_code_and_accepts_the_right_one(client, officer):
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.get("/akun/2fa/atur/")
    body = response.content.decode()
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = response.context["secret"]
    assert secret.replace(" ", "") in body.replace(" ", "")
    assert len(secret.replace(" ", "")) == 32

    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post("/akun/2fa/atur/", {"code": wrong})
    assert response.status_code == 200
    assert "Kode salah." in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, actor=officer).exists()
    assert client.get("/akun/kerja/")["Location"] == "/akun/2fa/atur/"

    response = client.post("/akun/2fa/atur/", {"code": "12ab"})
    assert "Kode verifikasi terdiri dari 6 angka." in response.content.decode()

    response = client.post("/akun/2fa/atur/", {"code": right}, follow=True)
    assert response.redirect_chain[-1][0] == "/akun/kerja/"
    assert "Verifikasi dua langkah sudah aktif." in response.content.decode()
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert AuditEvent.objects.filter(action=AuditAction.OTP_SETUP, actor=officer).exists()


def test_with_a_device_a_fresh_login_must_verify(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.get("/akun/kerja/")
    assert response["Location"] == "/akun/2fa/verifikasi/?next=/akun/kerja/"
    assert client.get("/akun/2fa/atur/")["Location"] == "/akun/2fa/verifikasi/"
    response = client.post("/akun/2fa/verifikasi/?next=/akun/kerja/", {"code": "000000"})
    assert "Kode salah." in response.content.decode()
    response = client.post(
        "/akun/2fa/verifikasi/", {"code": code_for(device), "next": "/akun/kerja/audit/"}
    )
    assert response["Location"] == "/akun/kerja/audit/"
    assert client.get("/akun/kerja/").status_code == 200


def test_verify_does_not_follow_a_foreign_next(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.post(
        "/akun/2fa/verifikasi/", {"code": code_for(device), "next": "//jahat.example/"}
    )
    assert response["Location"] == "/akun/kerja/"


def test_citizens_are_never_asked(client):
    CitizenFactory()
    client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    assert client.get("/akun/profil/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/akun/kerja/").status_code == 403


def test_after_a_mistyped_code_the_next_correct_code_works(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.post("/akun/2fa/verifikasi/", {"code": "000000"})
    page = response.content.decode()
    assert "Kode salah." in page
    assert "Terlalu banyak" not in page
    response = client.post("/akun/2fa/verifikasi/", {"code": code_for(device)})
    assert response["Location"] == "/akun/kerja/"
    assert client.get("/akun/kerja/").status_code == 200


def test_a_code_already_used_is_named_as_such(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    code = code_for(device)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    assert client.post("/akun/2fa/verifikasi/", {"code": code}).status_code == 302
    client.post("/akun/keluar/")
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    response = client.post("/akun/2fa/verifikasi/", {"code": code})
    assert "Kode ini sudah dipakai, tunggu kode berikutnya" in response.content.decode()


def test_the_lockout_message_appears_only_at_the_real_limit(client, officer, settings):
    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    client.post("/akun/masuk/", {"username": "admin.pusat", "password": PASSWORD})
    for _attempt in range(settings.OTP_FAILURE_LIMIT - 1):
        page = client.post("/akun/2fa/verifikasi/", {"code": "000000"}).content.decode()
        assert "Kode salah." in page and "Terlalu banyak" not in page
    page = client.post("/akun/2fa/verifikasi/", {"code": "000000"}).content.decode()
    assert "Terlalu banyak kode yang salah" in page
    page = client.post("/akun/2fa/verifikasi/", {"code": code_for(device)}).content.decode()
    assert "Terlalu banyak kode yang salah" in page  # locked: even the right code waits
    assert client.get("/akun/kerja/").status_code == 302
