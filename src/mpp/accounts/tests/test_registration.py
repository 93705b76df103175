import re

import pytest
from django.test import Client

from mpp.accounts.models import PrivacyConsent, User
from mpp.accounts.services import PRIVACY_NOTICE_VERSION
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


RECEIVED = "/akun/daftar/diterima/"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def answer(client, data):
    """What a stranger sees after posting ``data``: status, redirect target and the page behind it
    (apart from the per-session CSRF token)."""
    response = client.post(URL, data)
    page = client.get(response.get("Location", URL))
    body = CSRF_INPUT.sub("", page.content.decode())
    return response.status_code, response.get("Location"), page.status_code, body


def test_fresh_and_taken_registrations_get_the_same_answer():
    fresh = answer(Client(), form())
    assert fresh[:3] == (302, RECEIVED, 200)
    assert "Pendaftaran diterima" in fresh[3]
    assert CITIZEN_NIK not in fresh[3]
    User.objects.all().delete()
    CitizenFactory(nik=CITIZEN_NIK, email="pemilik@contoh.id")
    CitizenFactory(nik="2171055204950001", email="budi@contoh.id")
    taken_nik = answer(Client(), form(email="lain@contoh.id"))
    taken_email = answer(Client(), form(nik="2171011508900004"))
    assert fresh == taken_nik == taken_email


def test_a_taken_nik_changes_nothing_and_warns_the_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = CitizenFactory(nik=CITIZEN_NIK, name="Pemilik Asli", email="pemilik@contoh.id")
    before = User.objects.values().get(pk=owner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form(name="Orang Lain", email="lain@contoh.id"))
    assert response["Location"] == RECEIVED
    assert User.objects.count() == 1
    assert User.objects.values().get(pk=owner.pk) == before
    assert not PrivacyConsent.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CITIZEN_REGISTERED).exists()
    assert not response.wsgi_request.user.is_authenticated
    assert [mail.to for mail in mailoutbox] == [["pemilik@contoh.id"]]
    assert "Akun Anda tidak berubah" in mailoutbox[0].body


def test_a_taken_email_changes_nothing_and_warns_the_owner(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = CitizenFactory(nik="2171055204950001", email="budi@contoh.id")
    before = User.objects.values().get(pk=owner.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form(email="BUDI@contoh.id"))
    assert response["Location"] == RECEIVED
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]
    assert User.objects.values().get(pk=owner.pk) == before
    assert [mail.to for mail in mailoutbox] == [["budi@contoh.id"]]


def test_a_fresh_registration_records_consent_and_the_citizen_then_signs_in(client, mailoutbox):
    response = client.post(URL, form())
    assert response["Location"] == RECEIVED
    assert not response.wsgi_request.user.is_authenticated  # no automatic login
    user = User.objects.get(nik=CITIZEN_NIK)
    assert user.check_password(PASSWORD)
    assert PrivacyConsent.objects.get(user=user).notice_version == PRIVACY_NOTICE_VERSION
    assert AuditEvent.objects.filter(action=AuditAction.CITIZEN_REGISTERED, actor=user).exists()
    assert mailoutbox == []

    page = client.get(RECEIVED).content.decode()
    assert 'href="/akun/masuk/"' in page
    assert not client.get("/akun/profil/").wsgi_request.user.is_authenticated

    signed_in = client.post("/akun/masuk/", {"username": CITIZEN_NIK, "password": PASSWORD})
    assert signed_in.wsgi_request.user == user
    profile = client.get("/akun/profil/").content.decode()
    assert "2171********0003" in profile
    assert CITIZEN_NIK not in profile


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


def test_password_like_the_name_or_email_is_refused(client):
    response = client.post(URL, form(name="Budiman Santosa", password="budimansantosa"))
    assert "terlalu mirip" in " ".join(response.context["form"].errors["password"])


def test_completing_a_counter_light_record(client):
    light = User.objects.create(
        username="loket-1", name="Budi S", nik=CITIZEN_NIK, is_light_record=True
    )
    light.set_unusable_password()
    light.save()
    response = client.post(URL, form())
    assert response["Location"] == RECEIVED
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


def test_the_confirmation_page_in_english(client):
    page = client.get(RECEIVED, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Registration received" in page
    assert "Please sign in with the NIK and password you entered." in page
