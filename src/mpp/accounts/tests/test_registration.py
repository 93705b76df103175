import pytest

from mpp.accounts.models import User
from mpp.audit.models import AuditAction, AuditEvent

from .factories import CITIZEN_NIK, PASSWORD, CitizenFactory

pytestmark = pytest.mark.django_db

URL = "/akun/daftar/"


def form(**overrides):
    data = {
        "nik": CITIZEN_NIK,
        "name": "Budi Santoso",
        "birth_date": "1990-08-15",
        "email": "budi@contoh.id",
        "phone": "+6281234567890",
        "password": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_success_logs_the_citizen_in_and_shows_the_masked_nik(client):
    response = client.post(URL, form(), follow=True)
    assert response.redirect_chain[-1][0] == "/akun/profil/"
    body = response.content.decode()
    assert "2171********0003" in body
    assert CITIZEN_NIK not in body
    assert "Pendaftaran berhasil" in body
    user = User.objects.get(nik=CITIZEN_NIK)
    assert response.wsgi_request.user == user
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.CITIZEN_REGISTERED, actor=user).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "21710115089000a3", "NIK hanya boleh berisi angka."),
        ("nik", "217101150890003", "NIK harus 16 digit; yang Anda masukkan 15 digit."),
        ("nik", "9971011508900003", "Dua digit pertama NIK (99) bukan kode provinsi"),
        ("nik", "2199011508900003", "(2199) bukan kode kabupaten/kota"),
        ("nik", "2171013208900003", "bukan tanggal lahir yang sah"),
        ("nik", "2171011508900000", "Empat digit terakhir NIK tidak boleh 0000."),
        ("birth_date", "1990-08-16", "Tanggal lahir tidak sesuai"),
        ("birth_date", "2090-08-15", "Tanggal lahir tidak boleh di masa depan."),
        ("birth_date", "15-08-19x0", "Masukkan tanggal yang valid"),
        ("password", "Ab1-x", "terlalu pendek"),
        ("password", "3141592653589793", "seluruhnya terdiri dari angka"),
        ("password", "password123", "terlalu umum"),
        ("phone", "0812-abc", "Nomor telepon hanya boleh berisi angka"),
        ("phone", "12345", "Nomor telepon hanya boleh berisi angka"),
        ("email", "budi@", "Alamat surel tidak sah."),
        ("name", "", "Bidang ini tidak boleh kosong."),
        ("nik", "", "Bidang ini tidak boleh kosong."),
    ],
)
def test_each_bad_input_has_its_own_message_and_nothing_is_saved(client, field, value, message):
    response = client.post(URL, form(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    body = response.content.decode()
    assert "Ada yang perlu diperbaiki" in body  # the error summary
    assert f'href="#id_{field}"' in body  # ...links to the field
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not response.wsgi_request.user.is_authenticated


def test_nik_already_registered(client):
    CitizenFactory(nik=CITIZEN_NIK)
    response = client.post(URL, form(email="lain@contoh.id"))
    assert "NIK ini sudah terdaftar" in " ".join(response.context["form"].errors["nik"])
    assert User.objects.count() == 1


def test_email_already_used(client):
    CitizenFactory(nik="2171055204950001", email="budi@contoh.id")
    response = client.post(URL, form())
    assert "sudah dipakai" in " ".join(response.context["form"].errors["email"])
    assert User.objects.count() == 1


def test_password_like_the_name_or_email_is_refused(client):
    response = client.post(URL, form(name="Budiman Santosa", password="budimansantosa"))
    assert "terlalu mirip" in " ".join(response.context["form"].errors["password"])


def test_completing_a_counter_light_record(client):
    light = User.objects.create(
        username="loket-1", name="Budi S", nik=CITIZEN_NIK, is_light_record=True
    )
    light.set_unusable_password()
    light.save()
    response = client.post(URL, form(), follow=True)
    assert response.redirect_chain[-1][0] == "/akun/profil/"
    assert User.objects.count() == 1
    light.refresh_from_db()
    assert not light.is_light_record
    assert light.name == "Budi Santoso"
    assert light.check_password(PASSWORD)


def test_light_record_cannot_log_in(client):
    User.objects.create(username="loket-1", name="Budi", nik=CITIZEN_NIK, is_light_record=True)
    response = client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": ""})
    assert not response.wsgi_request.user.is_authenticated


def test_registered_user_is_sent_to_profile(client):
    user = CitizenFactory()
    client.force_login(user)
    assert client.get(URL)["Location"] == "/akun/profil/"
