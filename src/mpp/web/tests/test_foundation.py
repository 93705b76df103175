import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db.utils import OperationalError
from django.utils import translation

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff
from mpp.regions.formatting import format_date, format_datetime, format_rupiah

PROJECT = Path(__file__).resolve().parents[4]


# --- /healthz -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_503_when_the_database_fails(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("database is down"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "database is down" not in response.content.decode()


# --- Formatting -----------------------------------------------------------------------------


def test_dates_in_indonesian_and_english():
    day = datetime.date(2026, 11, 27)
    with translation.override("id"):
        assert format_date(day) == "27 November 2026"
        assert format_date(datetime.date(2026, 8, 5)) == "5 Agustus 2026"
        assert format_date(None) == ""
    with translation.override("en"):
        assert format_date(datetime.date(2026, 8, 5)) == "5 August 2026"


def test_aware_datetime_is_shown_on_its_local_date():
    moment = datetime.datetime(2026, 11, 27, 18, 30, tzinfo=datetime.UTC)  # 01.30 WIB next day
    with translation.override("id"):
        assert format_date(moment) == "28 November 2026"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(10000, "Rp 10.000"), (0, "Rp 0"), (Decimal("1250000.4"), "Rp 1.250.000"), (None, "")],
)
def test_rupiah(value, shown):
    assert format_rupiah(value) == shown


@pytest.mark.parametrize(
    ("zone", "language", "shown"),
    [
        ("Asia/Jakarta", "id", "27 November 2026 14.30 WIB"),
        ("Asia/Makassar", "id", "27 November 2026 15.30 WITA"),
        ("Asia/Jayapura", "id", "27 November 2026 16.30 WIT"),
        ("Asia/Jakarta", "en", "27 November 2026 14:30 WIB"),
        ("Asia/Jayapura", "en", "27 November 2026 16:30 WIT"),
    ],
)
def test_times_carry_the_indonesian_zone(zone, language, shown):
    moment = datetime.datetime(2026, 11, 27, 14, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    with translation.override(language):
        assert format_datetime(moment, zone) == shown


def test_template_filters():
    from django.template import Context, Template

    template = Template("{% load mpp_format %}{{ d|tanggal }} | {{ m|rupiah }} | {{ t|waktu }}")
    moment = datetime.datetime(2026, 11, 27, 7, 0, tzinfo=datetime.UTC)
    with translation.override("id"):
        rendered = template.render(
            Context({"d": datetime.date(2026, 11, 27), "m": 10000, "t": moment})
        )
    assert rendered == "27 November 2026 | Rp 10.000 | 27 November 2026 14.00 WIB"


# --- Production settings --------------------------------------------------------------------


def run_manage(var_dir, *args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MPP_", "SECRET"))}
    base.pop("DATABASE_URL", None)
    base.pop("ALLOWED_HOSTS", None)
    base.pop("DEBUG", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=base | {"MPP_ENV": "production", "MPP_VAR_DIR": str(var_dir)} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_unsafe_settings(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", DEBUG="1")
    assert result.returncode != 0
    for problem in [
        "SECRET_KEY must be set",
        "DEBUG must be off",
        "ALLOWED_HOSTS must name",
        "DATABASE_URL must point to PostgreSQL",
        "MPP_NIK_PEPPER must be set",
        "MPP_INTEGRATION_KEYS must hold",
    ]:
        assert problem in result.stderr, result.stderr


def test_production_with_safe_settings_passes_check_deploy(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 10 + "9f2Xq!vB7#LmZ0rT6@wPc4$yHs1&NdE8^uJgKa3*oRiQ5%eF",
        ALLOWED_HOSTS="mpp.example.go.id",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        MPP_NIK_PEPPER="p" * 8 + "Zq3vT9mW2xL7bN4cR8sK1yH6",
        MPP_INTEGRATION_KEYS="tFf0yqj3NFmK0CkqOwMn1g6mP1sZC2CnRkqjYQ4ZgXE=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_an_id_too_long_for_the_database_is_simply_not_found(client):
    load_demo()
    login_staff(client, User.objects.get(username="petugas.dukcapil"))
    for url in ("/layanan/99999999999999999999999/", "/kelola/permohonan/99999999999999999999999/"):
        assert client.get(url).status_code == 404
