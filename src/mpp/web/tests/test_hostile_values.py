"""The seven causes of server errors the probe of issue 22 found, one test each (plus the flow that
was broken): what a person or client sends is answered with a message, never a 500, and changes
nothing. The generated fuzz test (``test_web_fuzz.py``) sends the same values everywhere."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.helpers import login_staff
from mpp.accounts.tests.test_duties import bearer, demo  # noqa: F401 - the demo fixture
from mpp.cases.tests.factories import StaffFactory
from mpp.complaints import demo as complaints_demo
from mpp.complaints.demo import DEMO_API_KEY
from mpp.complaints.models import Complaint
from mpp.devices.tests.factories import register_queue_kiosk
from mpp.monitoring.models import LocusReport, ReportingPeriod
from mpp.parsing import finite_float, parse_date, parse_decimal, parse_id, parse_int
from mpp.queueing.models import Ticket
from mpp.queueing.tests.conftest import make_counter, make_queue
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db
CITIZEN_NIK = "2171011508900003"


def _citizen_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(nik=CITIZEN_NIK))
    return client


def _complaint(**extra) -> dict:
    return {
        "kind": "pengaduan",
        "about": "mpp",
        "mpp": MPP.objects.get(slug="mpp-kota-batam").pk,
        "title": "Permohonan belum diproses",
        "text": "Sudah lewat tenggat dan belum ada kabar.",
        **extra,
    }


# 1. A complaint about one's own application ------------------------------------------------


def test_a_citizen_complains_about_their_own_application_on_the_web(demo):  # noqa: F811
    application = demo["dukcapil"]
    response = _citizen_client().post(
        "/pengaduan/baru/",
        _complaint(about="application", application_reference=application.tracking_number),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/pengaduan/lacak/{complaint.follow_token}/"
    assert complaint.application_reference == application.tracking_number
    assert (complaint.mpp_id, complaint.agency_id, complaint.service_id) == (
        application.mpp_id,
        application.agency_id,
        application.service_id,
    )


def test_a_citizen_complains_about_their_own_application_through_the_api(demo):  # noqa: F811
    application = demo["dinkes"]
    citizen = User.objects.get(nik=CITIZEN_NIK)
    body = _complaint(about="application", application_reference=application.tracking_number)
    response = Client().post(
        "/api/v1/complaints",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(citizen, second_factor=False),
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_number=response.json()["tracking_number"])
    assert complaint.application_reference == application.tracking_number
    assert complaint.service_id == application.service_id


def test_another_citizens_application_is_not_found_and_nothing_is_stored(demo):  # noqa: F811
    response = _citizen_client().post(
        "/pengaduan/baru/",
        _complaint(about="application", application_reference=demo["yogya"].tracking_number),
    )
    assert response.status_code == 200
    assert "tidak ditemukan di akun Anda" in response.text
    assert not Complaint.objects.exists()


# 2. Non-numeric ids at the counter console and the queue kiosk --------------------------------


@pytest.fixture
def hall(db):
    queue = make_queue()
    counter = make_counter(queue)
    officer = StaffFactory()
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, agency=queue.agency, mpp=queue.mpp)
    kiosk, _raw = register_queue_kiosk(queue.mpp, "Pintu utama", "token-anjungan-uji")
    return {"queue": queue, "counter": counter, "officer": officer, "kiosk": kiosk}


@pytest.mark.parametrize("value", ["abc", "²", "-1", str(2**63), str(10**30)])
def test_the_kiosk_answers_a_bad_service_id_with_a_message(hall, value):
    client = Client()
    client.post("/antrean/anjungan/", {"token": "token-anjungan-uji"})
    response = client.post("/antrean/anjungan/ambil/", {"queue": value})
    assert response.status_code == 400
    assert "Pilih layanan." in response.text
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("value", ["abc", "²", str(10**30)])
def test_the_console_answers_bad_ticket_and_queue_ids_without_a_server_error(hall, value):
    client = Client()
    login_staff(client, hall["officer"])
    console = f"/kelola/antrean/loket/{hall['counter'].pk}/"
    skip = client.post(console + "tindakan/", {"action": "skip", "ticket": value})
    assert skip.status_code == 404
    moved = client.post(console + "pindah-layanan/", {"code": "ABC123", "to_queue": value})
    assert moved.status_code == 302
    assert client.get(console).status_code == 200


# 3. A latitude without a longitude (web form, API, Open311) ------------------------------------


def test_half_a_coordinate_pair_is_a_message_on_the_web(demo):  # noqa: F811
    client = _citizen_client()
    only_latitude = client.post("/pengaduan/baru/", _complaint(latitude="1.1"))
    only_longitude = client.post("/pengaduan/baru/", _complaint(longitude="104.0"))
    for response in (only_latitude, only_longitude):
        assert response.status_code == 200
        assert "Isi lintang dan bujur bersama-sama." in response.text
    assert not Complaint.objects.exists()


def test_half_a_coordinate_pair_is_a_problem_naming_the_missing_field_in_the_api(demo):  # noqa: F811
    headers = bearer(User.objects.get(nik=CITIZEN_NIK), second_factor=False)
    response = Client().post(
        "/api/v1/complaints",
        json.dumps(_complaint(latitude=1.1)),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert {"field": "longitude", "messages": ["Isi lintang dan bujur bersama-sama."]} in (
        response.json()["errors"]
    )
    assert not Complaint.objects.exists()


@pytest.fixture
def open311(demo):  # noqa: F811
    complaints_demo.load()
    return Client()


def _open311_post(client, **fields):
    data = {
        "api_key": DEMO_API_KEY,
        "jurisdiction_id": "2171",
        "service_code": "layanan-lambat",
        "description": "Lampu jalan mati di depan MPP.",
        "address_string": "Jl. Engku Putri",
        **fields,
    }
    return client.post("/open311/v2/requests.json", data)


def test_half_a_coordinate_pair_is_an_open311_error(open311):
    before = Complaint.objects.count()
    response = _open311_post(open311, lat="1.1")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "lat and long must be sent together"}]
    assert Complaint.objects.count() == before


# 4. Integer overflow in the monitoring forms --------------------------------------------------


@pytest.fixture
def monitoring(demo):  # noqa: F811
    from mpp.onboarding import demo as onboarding_demo

    onboarding_demo.load()
    client = Client()
    login_staff(client, User.objects.get(username="admin.kemenpanrb"))
    return client


@pytest.mark.parametrize("value", [str(2**31), str(2**63), str(10**30)])
def test_a_number_beyond_the_database_is_a_form_error_in_the_monitoring_period(monitoring, value):
    response = monitoring.post(
        "/kelola/monev/periode/baru/",
        {
            "name": "Monev uji",
            "phase": value,
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-31",
            "deadline": "2026-12-31",
            "items": ["1", "2"],
            "late_penalty": "5",
            "prima": "85",
            "baik": "70",
            "cukup": "50",
            **{f"w_{item}": "12.5" for item in range(1, 9)},
        },
    )
    assert response.status_code == 400
    assert "2147483647" in response.text
    assert not ReportingPeriod.objects.filter(name="Monev uji").exists()


def test_a_number_beyond_the_database_is_a_form_error_in_the_locus_report(demo):  # noqa: F811
    from mpp.monitoring import services as monitoring_services
    from mpp.onboarding import demo as onboarding_demo
    from mpp.regions.models import Region

    onboarding_demo.load()
    ministry = User.objects.get(username="admin.kemenpanrb")
    monitoring_services.open_period(
        actor=ministry, name="Monev 2026", phase=1,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 12, 31), regions=Region.objects.filter(code="2171"),
    )  # fmt: skip
    report = LocusReport.objects.get(region_id="2171")
    client = Client()
    login_staff(client, User.objects.get(username="admin.batam"))
    response = client.post(
        f"/kelola/monev/laporan/{report.pk}/tindakan/",
        {"action": "save", "ikd_activations": str(2**31), "sisdmk_entries": "-1"},
    )
    assert response.status_code in {200, 400}
    assert "2147483647" in response.text
    report.refresh_from_db()
    assert report.ikd_activations is None


# 5. Dates of year 9999 (and year 1, 30 February) in dashboards and Open311 -------------------


@pytest.mark.parametrize(
    "query",
    [
        "periode=minggu&tanggal=9999-12-31",
        "periode=kuartal&tanggal=9999-12-31",
        "periode=tahun&tanggal=0001-01-01",
        "periode=bulan&tanggal=0001-01-01",
        "periode=kustom&dari=0001-01-01&sampai=0001-01-05",
        "periode=kustom&dari=9999-12-25&sampai=9999-12-31",
        "periode=hari&tanggal=2026-02-30",
    ],
)
def test_a_date_beyond_the_calendar_is_a_form_error_on_the_dashboards(demo, query):  # noqa: F811
    client = Client()
    login_staff(client, User.objects.get(username="analis.kemenpanrb"))
    mpp = MPP.objects.get(slug="mpp-kota-batam")
    for url in ("/kelola/dasbor/nasional/", f"/kelola/dasbor/mpp/{mpp.pk}/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "9999-12-01T00:00:00Z", "end_date": "9999-12-31T23:59:59-12:00"},
    ],
)
def test_a_date_beyond_the_calendar_is_an_open311_error(open311, params):
    response = open311.get("/open311/v2/requests.json", {"jurisdiction_id": "2171", **params})
    assert response.status_code == 400
    assert "between the years 1900 and 2100" in response.json()[0]["description"]


# 6. NaN, infinity and 1e999 as coordinates -----------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "inf", "-Infinity", "1e999"])
def test_a_coordinate_that_is_not_a_number_is_an_open311_error(open311, value):
    before = Complaint.objects.count()
    for pair in ({"lat": value, "long": "104.0"}, {"lat": "1.1", "long": value}):
        response = _open311_post(open311, **pair)
        assert response.status_code == 400
        assert response.json()[0]["description"].startswith("lat and long")
    assert Complaint.objects.count() == before


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e999"])
def test_a_coordinate_that_is_not_a_number_is_a_message_on_the_web(demo, value):  # noqa: F811
    response = _citizen_client().post(
        "/pengaduan/baru/", _complaint(latitude=value, longitude="104.0")
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()


# 7. Digits that are not ASCII (found by the fuzz test): "²".isdigit() is true, int("²") fails --


def test_a_superscript_digit_as_a_service_id_opens_the_complaint_form(demo):  # noqa: F811
    response = _citizen_client().get("/pengaduan/baru/?layanan=²")
    assert response.status_code == 200


def test_a_superscript_digit_in_the_form_builder_is_not_a_server_error(demo):  # noqa: F811
    from mpp.catalog.form_builder import posted_names

    assert posted_names({"f-TOTAL_FORMS": "²"}) == []
    assert posted_names({"f-TOTAL_FORMS": "9" * 5000}) == []


# The one parser ------------------------------------------------------------------------------


def test_the_parser_answers_none_for_every_hostile_value():
    hostile = ["", " ", "abc", "²", "٣", "1.5", "0x10", "1e3", "NaN", "9" * 5000, None]
    assert [parse_id(value) for value in hostile] == [None] * len(hostile)
    assert parse_id(" 42 ") == 42
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_id(str(2**63)) is None
    assert parse_id("0") is None and parse_id("-1") is None
    assert parse_int(str(2**31 - 1)) == 2**31 - 1 and parse_int(str(2**31)) is None
    assert parse_int("-5", minimum=-10) == -5
    assert parse_date("2026-12-03") == datetime.date(2026, 12, 3)
    for value in ("9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", "x", "1" * 5000):
        assert parse_date(value) is None
    for value in ("NaN", "sNaN", "inf", "-Infinity", "", "1,5", "1" * 100):
        assert parse_decimal(value) is None
    assert finite_float("1e999") is None and finite_float("1.25") == 1.25


# Every form field that reads a number, a date or a list of ids is bounded ---------------------


def _form_classes():
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import mpp

    modules = []
    for app in pkgutil.iter_modules(mpp.__path__):
        for name in ("forms", "periods", "form_builder"):
            spec = importlib.util.find_spec(f"mpp.{app.name}.{name}") if app.ispkg else None
            if spec is not None:
                modules.append(importlib.import_module(f"mpp.{app.name}.{name}"))
    for module in modules:
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def test_every_integer_date_and_multiple_choice_field_of_a_form_is_bounded():
    from django import forms
    from django.db import models

    from mpp.parsing import fields as bounded

    classes = list(_form_classes())
    assert len(classes) > 30  # the walk found the project's forms
    unbounded = []
    for form in classes:
        for name, field in form.base_fields.items():
            where = f"{form.__module__}.{form.__name__}.{name}"
            # A decimal field is an IntegerField for Django; max_digits bounds it too.
            if (
                isinstance(field, forms.IntegerField)
                and field.max_value is None
                and getattr(field, "max_digits", None) is None
            ):
                unbounded.append(f"{where}: an integer without max_value")
            if isinstance(field, forms.DateField) and not isinstance(field, bounded.DateField):
                unbounded.append(f"{where}: a date field without the 1900–2100 bounds")
            if (
                isinstance(field, forms.ModelMultipleChoiceField)
                and isinstance(field.queryset.model._meta.pk, models.IntegerField)
                and not isinstance(field, bounded.ModelMultipleChoiceField)
            ):
                unbounded.append(f"{where}: ids checked without the 64-bit bound")
    assert unbounded == [], unbounded


# The API: a bad id, date or coordinate is a 422 problem naming the schema's field --------------


def _fields(response) -> set[str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize("value", ["abc", "0", str(2**63), str(10**30)])
def test_a_bad_queue_id_in_the_api_path_is_a_problem_naming_it(hall, value):
    response = Client().get(f"/api/v1/queue/services/{value}/slots?date=2026-12-07")
    assert response.status_code == 422
    assert _fields(response) == {"queue_id"}


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_date_beyond_the_calendar_in_the_api_is_a_problem_naming_it(hall, value):
    response = Client().get(f"/api/v1/queue/services/{hall['queue'].pk}/slots?date={value}")
    assert response.status_code == 422
    assert _fields(response) == {"date"}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_coordinate_that_is_not_a_number_is_a_problem_in_the_api(demo, value):  # noqa: F811
    headers = bearer(User.objects.get(nik=CITIZEN_NIK), second_factor=False)
    body = json.dumps(_complaint(longitude=104.0)).replace("}", f', "latitude": {value}}}')
    response = Client().post(
        "/api/v1/complaints", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "latitude" in _fields(response)
    assert not Complaint.objects.exists()
