import datetime
import json

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.models import ApiToken, Role, User
from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory, staff
from mpp.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def post(client, url, data, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["instance"] == response.wsgi_request.path
    return body


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- Tokens -------------------------------------------------------------------------------


def test_citizen_gets_a_token_sees_themselves_and_revokes_it(client):
    CitizenFactory()
    response = post(client, "/api/v1/auth/token", {"username": CITIZEN_NIK, "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert expires > timezone.now() + datetime.timedelta(days=29)
    token = body["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored

    me = client.get("/api/v1/me", **bearer(token))
    assert me.status_code == 200
    assert me.json()["nik_masked"] == "2171********0003"
    assert CITIZEN_NIK not in me.content.decode()
    assert me.json()["roles"] == []
    assert me.json()["is_staff"] is False

    assert client.delete("/api/v1/auth/token", **bearer(token)).status_code == 204
    assert_problem(client.get("/api/v1/me", **bearer(token)), 401)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_ISSUED).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).exists()


def test_nul_characters_never_reach_the_database(client):
    response = post(client, "/api/v1/auth/token", {"username": "admin\u0000", "password": "x"})
    body = assert_problem(response, 422)
    assert errors_of(body) == {"username": ["Tidak boleh berisi karakter kendali."]}


def test_wrong_password(client):
    CitizenFactory()
    response = post(client, "/api/v1/auth/token", {"username": CITIZEN_NIK, "password": "x"})
    body = assert_problem(response, 401)
    assert body["title"] == "NIK/nama pengguna atau kata sandi salah."
    assert not ApiToken.objects.exists()


def test_expired_or_unknown_token_is_refused(client):
    user = CitizenFactory()
    from mpp.accounts import services

    token, raw = services.issue_token(user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    body = assert_problem(client.get("/api/v1/me", **bearer(raw)), 401)
    assert body["title"] == "Perlu autentikasi."
    assert_problem(client.get("/api/v1/me", **bearer("mpp_palsu")), 401)
    assert_problem(client.get("/api/v1/me"), 401)
    assert client.get("/api/v1/me")["WWW-Authenticate"].startswith("Bearer")


def test_staff_must_give_a_valid_totp_code(client):
    officer = staff(Role.MINISTRY_ANALYST, username="analis")
    creds = {"username": "analis", "password": PASSWORD}
    body = assert_problem(post(client, "/api/v1/auth/token", creds), 403)
    assert "belum diatur" in body["title"]

    device = TOTPDevice.objects.create(user=officer, name="x", confirmed=True)
    body = assert_problem(post(client, "/api/v1/auth/token", creds), 401)
    assert body["errors"] == [{"field": "otp", "messages": ["Wajib diisi."]}]
    body = assert_problem(post(client, "/api/v1/auth/token", creds | {"otp": "000000"}), 401)
    assert body["errors"][0]["field"] == "otp"
    assert not ApiToken.objects.exists()

    response = post(client, "/api/v1/auth/token", creds | {"otp": code_for(device)})
    assert response.status_code == 201
    token = response.json()["token"]
    expires = datetime.datetime.fromisoformat(response.json()["expires_at"])
    assert expires < timezone.now() + datetime.timedelta(hours=13)  # staff tokens are short
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["is_staff"] is True
    assert me["roles"] == [
        {
            "role": "ministry_analyst",
            "role_label": "Analis kementerian",
            "scope": "Nasional",
            "region": None,
            "mpp": None,
            "agency": None,
        }
    ]


def test_lockout_through_the_api_is_a_problem(client, settings):
    from axes.utils import reset

    settings.AXES_ENABLED = True
    reset()
    CitizenFactory()
    for _ in range(5):
        response = post(client, "/api/v1/auth/token", {"username": CITIZEN_NIK, "password": "x"})
    body = assert_problem(response, 429)
    assert body["title"] == "Terlalu banyak percobaan masuk."
    assert "atur ulang kata sandi" in body["detail"] and "WIB" in body["detail"]
    assert response["Retry-After"]
    response = post(client, "/api/v1/auth/token", {"username": CITIZEN_NIK, "password": PASSWORD})
    assert_problem(response, 429)
    assert not ApiToken.objects.exists()
    reset()


# --- Citizen registration -----------------------------------------------------------------

CITIZEN = {
    "nik": CITIZEN_NIK,
    "name": "Budi Santoso",
    "birth_date": "1990-08-15",
    "email": "budi@contoh.id",
    "phone": "081234567890",
    "password": PASSWORD,
    "privacy_consent": True,
}


def errors_of(body) -> dict:
    return {item["field"]: item["messages"] for item in body.get("errors", [])}


def test_register_a_citizen(client):
    response = post(client, "/api/v1/citizens", CITIZEN)
    assert response.status_code == 202
    assert response.json()["next"] == "/api/v1/auth/token"
    assert CITIZEN_NIK not in response.content.decode()
    assert User.objects.get(nik=CITIZEN_NIK).check_password(PASSWORD)
    token = post(client, "/api/v1/auth/token", {"username": CITIZEN_NIK, "password": PASSWORD})
    assert token.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nik": "2171011508900000"}, "nik", "tidak boleh 0000"),
        ({"nik": "12345"}, "nik", "16 digit"),
        ({"nik": "9971011508900003"}, "nik", "kode provinsi"),
        ({"birth_date": "1991-08-15"}, "birth_date", "tidak sesuai"),
        ({"password": "12345678901"}, "password", "seluruhnya terdiri dari angka"),
        ({"email": "bukan-surel"}, "email", "Alamat surel tidak sah."),
        ({"phone": "abc"}, "phone", "Nomor telepon"),
        ({"name": "  "}, "name", "Isi nama lengkap"),
        ({"name": "Budi\u0000"}, "name", "karakter kendali"),
        ({"email": "budi\u0000@contoh.id"}, "email", "karakter kendali"),
        ({"password": "Kata-Sandi\u0000-2026"}, "password", "karakter kendali"),
    ],
)
def test_invalid_registration_names_each_field(client, change, field, message):
    body = assert_problem(post(client, "/api/v1/citizens", CITIZEN | change), 422)
    assert message in " ".join(errors_of(body)[field])
    assert not User.objects.exists()


def test_completing_a_counter_light_record_through_the_api(client):
    light = User.objects.create(username="loket-1", name="B", nik=CITIZEN_NIK, is_light_record=True)
    response = post(client, "/api/v1/citizens", CITIZEN)
    assert response.status_code == 202
    assert User.objects.get().pk == light.pk and not User.objects.get().is_light_record


def test_datetime_for_a_date_is_refused_in_indonesian(client):
    body = assert_problem(
        post(client, "/api/v1/citizens", CITIZEN | {"birth_date": "1990-08-15T10:00:00"}), 422
    )
    assert errors_of(body)["birth_date"] == ["Harus berupa tanggal dengan format YYYY-MM-DD."]


def test_taken_nik_or_email_answers_like_a_new_registration_and_tells_the_owner(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    fresh = post(client, "/api/v1/citizens", CITIZEN)
    User.objects.filter(nik=CITIZEN_NIK).update(email="pemilik@contoh.id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken_nik = post(client, "/api/v1/citizens", CITIZEN | {"password": "Sandi-Penyusup-2026"})
        other_nik = CITIZEN | {"nik": "2171011508900004", "email": "PEMILIK@contoh.id"}
        taken_email = post(client, "/api/v1/citizens", other_nik)
    assert fresh.status_code == taken_nik.status_code == taken_email.status_code == 202
    assert fresh.json() == taken_nik.json() == taken_email.json()
    assert User.objects.count() == 1
    assert User.objects.get().check_password(PASSWORD)  # the existing account is untouched
    assert [message.to for message in mail.outbox] == [["pemilik@contoh.id"]] * 2
    assert CITIZEN_NIK not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({k: v for k, v in CITIZEN.items() if k != "password"}, "password", "Wajib diisi."),
        ({k: v for k, v in CITIZEN.items() if k != "nik"}, "nik", "Wajib diisi."),
        (CITIZEN | {"nik": 2171011508900003}, "nik", "Harus berupa teks."),
        (CITIZEN | {"birth_date": "15-08-1990"}, "birth_date", "YYYY-MM-DD"),
        (CITIZEN | {"birth_date": "1990-02-30"}, "birth_date", "YYYY-MM-DD"),
        (CITIZEN | {"birth_date": True}, "birth_date", "YYYY-MM-DD"),
        (CITIZEN | {"name": ["Budi"]}, "name", "Harus berupa teks."),
        (CITIZEN | {"name": "x" * 151}, "name", "paling banyak 150 karakter"),
        (CITIZEN | {"email": None, "phone": 812}, "phone", "Harus berupa teks."),
    ],
)
def test_wrong_shapes_are_422_in_indonesian(client, payload, field, message):
    body = assert_problem(post(client, "/api/v1/citizens", payload), 422)
    assert message in " ".join(errors_of(body)[field]), body
    assert body["title"] == "Data yang dikirim tidak sah."
    assert not User.objects.exists()


@pytest.mark.parametrize("raw", ['{"nik": ', "bukan json", "[1, 2]", '"teks"', "\xff"])
def test_malformed_json_is_400(client, raw):
    response = post(client, "/api/v1/citizens", raw.encode("latin-1"))
    assert response.status_code in (400, 422)
    body = assert_problem(response, response.status_code)
    if response.status_code == 400:
        assert body["title"] == "Isi permintaan bukan JSON yang sah."
    assert not User.objects.exists()


@pytest.mark.parametrize("raw", ['{"nik": ', "bukan json", "\xff"])
def test_broken_json_is_400(client, raw):
    body = assert_problem(post(client, "/api/v1/citizens", raw.encode("latin-1")), 400)
    assert body["title"] == "Isi permintaan bukan JSON yang sah."


def test_oversized_body_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = CITIZEN | {"name": "x" * 20_000}
    body = assert_problem(post(client, "/api/v1/citizens", payload), 413)
    assert body["title"] == "Isi permintaan terlalu besar."
    assert not User.objects.exists()


def test_unknown_endpoint_is_a_problem(client):
    body = assert_problem(client.get("/api/v1/tidak-ada"), 404)
    assert body["title"] == "Tidak ditemukan."
    assert client.get("/tidak-ada/")["Content-Type"].startswith("text/html")


def test_wrong_method_is_a_problem(client):
    response = client.get("/api/v1/citizens")
    body = assert_problem(response, 405)
    assert body["title"] == "Metode tidak diizinkan."
    assert "POST" in response["Allow"]


def test_openapi_lists_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert "post" in paths["/api/v1/auth/token"]
    assert "delete" in paths["/api/v1/auth/token"]
    assert "post" in paths["/api/v1/citizens"]
    assert "get" in paths["/api/v1/me"]


def test_an_identifier_too_large_for_the_database_is_a_problem_not_a_crash(client):
    from django.db import connection

    response = client.get("/api/v1/services", {"agency": 10**30, "mpp": 10**30})
    if connection.vendor == "sqlite":  # SQLite cannot even bind such a number
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == "Ada nilai angka yang terlalu besar."
    else:  # PostgreSQL compares it and finds nothing
        assert response.status_code == 200
        assert response.json()["items"] == [] and response.json()["next"] is None


def test_every_operation_declares_its_problems_as_problem_json(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"422", "503"} <= set(responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
                    assert response["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/ProblemOut"
                    }
