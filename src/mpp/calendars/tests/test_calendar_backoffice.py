"""The calendar back office: who may change which calendar, and bad input changing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mpp.accounts.models import Role, RoleGrant, User
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditAction, AuditEvent
from mpp.regions import calendar
from mpp.regions.models import CalendarOverride
from mpp.regions.tests.factories import CalendarOverrideFactory, region

pytestmark = pytest.mark.django_db


def staff(username: str, role: Role, region_code: str | None = None) -> User:
    user = User.objects.create(username=username, name=username.title())
    RoleGrant.objects.create(user=user, role=role, region_id=region_code)
    return user


@pytest.fixture
def batam_admin(client):
    user = staff("admin.batam", Role.REGIONAL_ADMIN, "2171")
    login_staff(client, user)
    return user


@pytest.fixture
def ministry_admin(client):
    user = staff("admin.kemenpanrb", Role.MINISTRY_ADMIN)
    login_staff(client, user)
    return user


def year_url(code="2171", year=2026):
    return reverse("calendar:calendar_year", kwargs={"code": code, "year": year})


def test_the_year_page_lists_holidays_cuti_bersama_and_overrides(client, batam_admin):
    CalendarOverrideFactory(region=region("2171"), date=datetime.date(2026, 12, 18))
    response = client.get(year_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kalender hari kerja Kota Batam 2026" in html
    assert "17 Agustus 2026" in html and "Hari Kemerdekaan Republik Indonesia" in html
    assert "Cuti bersama" in html and "24 Desember 2026" in html
    assert "18 Desember 2026" in html and "Hari jadi daerah" in html


def test_a_regional_admin_adds_a_regional_holiday_and_it_changes_deadlines(client, batam_admin):
    response = client.post(
        year_url(),
        {"date": "2026-12-18", "kind": "day_off", "reason": "Hari jadi Kota Batam"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.region_id, override.created_by) == ("2171", batam_admin)
    assert calendar.is_working_day("2171", datetime.date(2026, 12, 18)) is False
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_OVERRIDE_ADDED)
    assert event.actor == batam_admin and event.target_id == str(override.pk)
    assert "disimpan" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date": "2019-12-31", "kind": "day_off", "reason": "Libur"},
            "antara tahun 2020 dan 2035",
        ),
        (
            {"date": "2036-01-02", "kind": "day_off", "reason": "Libur"},
            "antara tahun 2020 dan 2035",
        ),
        ({"date": "2026-12-18", "kind": "day_off", "reason": "   "}, "Tuliskan alasannya"),
        ({"date": "", "kind": "day_off", "reason": "Libur"}, "Isi tanggal"),
        ({"date": "18-12-2026x", "kind": "day_off", "reason": "Libur"}, "Tanggal tidak valid"),
        (
            {"date": "2026-12-18", "kind": "holiday", "reason": "Libur"},
            "Pilih jenis hari: hari libur atau hari kerja",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, batam_admin, data, message):
    response = client.post(year_url(), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CALENDAR_OVERRIDE_ADDED).exists()


def test_a_duplicate_date_is_refused(client, batam_admin):
    CalendarOverrideFactory(region=region("2171"), date=datetime.date(2026, 12, 18))
    response = client.post(
        year_url(), {"date": "2026-12-18", "kind": "working_day", "reason": "Ralat"}
    )
    assert response.status_code == 400
    assert "Sudah ada pengecualian pada tanggal ini" in response.content.decode()
    assert CalendarOverride.objects.get().kind == "day_off"


def test_a_regional_admin_cannot_touch_another_region_or_the_national_calendar(client, batam_admin):
    response = client.post(
        year_url("3471"), {"date": "2026-12-18", "kind": "day_off", "reason": "Libur"}
    )
    assert response.status_code == 403
    assert "di luar wilayah kewenangan Anda" in response.content.decode()
    response = client.post(
        year_url("nasional"), {"date": "2026-12-18", "kind": "day_off", "reason": "Libur"}
    )
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    national = CalendarOverrideFactory(region=None, date=datetime.date(2026, 12, 31))
    remove = reverse(
        "calendar:calendar_remove_override", kwargs={"code": "nasional", "pk": national.pk}
    )
    assert client.post(remove).status_code == 404
    assert CalendarOverride.objects.filter(pk=national.pk).exists()


def test_an_officer_has_no_calendar_back_office(client):
    user = User.objects.create(username="petugas", name="Petugas")
    login_staff(client, user)
    assert client.get(reverse("calendar:calendar")).status_code == 403


def test_a_regional_admin_removes_an_override(client, batam_admin):
    override = CalendarOverrideFactory(region=region("2171"), date=datetime.date(2026, 12, 18))
    url = reverse("calendar:calendar_remove_override", kwargs={"code": "2171", "pk": override.pk})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_OVERRIDE_REMOVED)
    assert event.data == {"reason": "Hari jadi daerah"}


def test_the_ministry_sets_a_national_override_and_any_region(client, ministry_admin):
    response = client.post(
        year_url("nasional", 2025),
        {"date": "2025-12-26", "kind": "working_day", "reason": "Revisi SKB cuti bersama"},
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get().region_id is None
    assert calendar.is_working_day("9171", datetime.date(2025, 12, 26)) is True
    response = client.post(
        year_url("9171"), {"date": "2026-03-02", "kind": "day_off", "reason": "Libur daerah"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(region_id="9171").exists()
    national = CalendarOverride.objects.get(region=None)
    remove = reverse(
        "calendar:calendar_remove_override", kwargs={"code": "nasional", "pk": national.pk}
    )
    assert client.post(remove).status_code == 302
    assert calendar.is_working_day("9171", datetime.date(2025, 12, 26)) is False


def test_a_region_outside_scope_chosen_on_the_index_is_refused(client, batam_admin):
    response = client.get(reverse("calendar:calendar"), {"wilayah": "3471"})
    assert response.status_code == 403
    assert "di luar wilayah kewenangan Anda" in response.content.decode()


def test_the_index_sends_a_regional_admin_to_their_region_and_lists_regions_for_the_ministry(
    client,
):
    admin = staff("admin.batam", Role.REGIONAL_ADMIN, "2171")
    login_staff(client, admin)
    response = client.get(reverse("calendar:calendar"))
    assert response.status_code == 302 and "/kelola/kalender/2171/" in response["Location"]
    client.logout()
    login_staff(client, staff("admin.kemenpanrb", Role.MINISTRY_ADMIN))
    html = client.get(reverse("calendar:calendar")).content.decode()
    assert "Kota Jayapura (9171)" in html and "Kalender nasional" in html
    response = client.get(reverse("calendar:calendar"), {"wilayah": "9171"})
    assert response.status_code == 302 and "/kelola/kalender/9171/" in response["Location"]


def test_an_unknown_region_or_year_is_not_found(client, ministry_admin):
    assert client.get(year_url("9999")).status_code == 404
    assert client.get(year_url("2171", 2040)).status_code == 404


def test_a_date_typed_the_indonesian_way_is_understood(client, batam_admin):
    response = client.post(
        year_url(), {"date": "18/12/2026", "kind": "day_off", "reason": "Hari jadi Kota Batam"}
    )
    assert response.status_code == 302
    assert CalendarOverride.objects.get().date == datetime.date(2026, 12, 18)
