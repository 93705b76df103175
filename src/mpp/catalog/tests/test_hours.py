"""Setting an MPP's opening hours and an agency's counter hours: the checks a person meets, who may
set them, and what ``regions.calendar`` then answers (the queue's slots and the hour clock ask it)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.audit.models import AuditAction, AuditEvent
from mpp.catalog import public_cache, services
from mpp.catalog.services import DayHours, HoursError, day_problems
from mpp.catalog.tests.factories import AgencyPresenceFactory, MPPFactory
from mpp.regions.calendar import OfficeHours, opening_intervals
from mpp.tenancy.models import CounterHours, OpeningHours

pytestmark = pytest.mark.django_db

T = datetime.time
SATURDAY = datetime.date(2026, 12, 5)
FRIDAY = datetime.date(2026, 12, 4)
WEEKDAYS = {day: DayHours(T(8), T(16)) for day in range(5)}


@pytest.mark.parametrize(
    ("day", "problems"),
    [
        (DayHours(T(8), T(16)), {}),
        (DayHours(T(8), T(16), T(12), T(13), "Istirahat"), {}),
        (DayHours(None, T(16)), {"d4_opens": "Isi jam buka, misalnya 08:00."}),
        (DayHours(T(8), None), {"d4_closes": "Isi jam tutup, misalnya 16:00."}),
        (DayHours(T(16), T(8)), {"d4_closes": "Jam tutup harus sesudah jam buka."}),
        (DayHours(T(8), T(8)), {"d4_closes": "Jam tutup harus sesudah jam buka."}),
        (
            DayHours(T(8), T(16), T(12), None),
            {"d4_break_ends": "Isi juga akhir istirahat, atau kosongkan keduanya."},
        ),
        (
            DayHours(T(8), T(16), None, T(13)),
            {"d4_break_starts": "Isi juga awal istirahat, atau kosongkan keduanya."},
        ),
        (
            DayHours(T(8), T(16), T(13), T(12)),
            {"d4_break_ends": "Akhir istirahat harus sesudah awal istirahat."},
        ),
        (
            DayHours(T(8), T(16), T(7), T(9)),
            {"d4_break_starts": "Istirahat harus di dalam jam buka (08.00–16.00)."},
        ),
        (
            DayHours(T(8), T(16), T(15), T(16)),
            {"d4_break_starts": "Istirahat harus di dalam jam buka (08.00–16.00)."},
        ),
    ],
)
def test_a_day_is_checked_field_by_field(day, problems):
    assert day_problems(4, day) == problems


def _mpp_manager():
    mpp = MPPFactory()
    return mpp, staff(Role.MPP_MANAGER, mpp=mpp)


def test_an_mpp_opened_on_saturday_serves_on_saturday():
    mpp, manager = _mpp_manager()
    assert (
        opening_intervals(
            mpp.region, OfficeHours.from_opening_hours(mpp.opening_hours.all()), SATURDAY
        )
        == ()
    )

    before = public_cache.generation()
    services.set_opening_hours(mpp, {**WEEKDAYS, 5: DayHours(T(8), T(12)), 6: None}, actor=manager)

    hours = OfficeHours.from_opening_hours(mpp.opening_hours.all())
    assert opening_intervals(mpp.region, hours, SATURDAY) == ((T(8), T(12)),)
    assert opening_intervals(mpp.region, hours, SATURDAY + datetime.timedelta(days=1)) == ()
    assert public_cache.generation() > before
    event = AuditEvent.objects.get(action=AuditAction.OPENING_HOURS_CHANGED)
    assert event.actor == manager and event.data["days"]["5"] == "08:00-12:00"


def test_a_break_leaves_the_break_out_of_the_day():
    mpp, manager = _mpp_manager()
    services.set_opening_hours(
        mpp, {**WEEKDAYS, 4: DayHours(T(8), T(16), T(11, 30), T(13), "Salat Jumat")}, actor=manager
    )
    hours = OfficeHours.from_opening_hours(mpp.opening_hours.all())
    assert opening_intervals(mpp.region, hours, FRIDAY) == ((T(8), T(11, 30)), (T(13), T(16)))


def test_a_refused_week_saves_nothing_not_even_the_good_days():
    mpp, manager = _mpp_manager()
    services.set_opening_hours(mpp, WEEKDAYS, actor=manager)
    with pytest.raises(HoursError) as refused:
        services.set_opening_hours(
            mpp, {0: DayHours(T(7), T(15)), 5: DayHours(T(12), T(8))}, actor=manager
        )
    assert refused.value.errors == {"d5_closes": ["Jam tutup harus sesudah jam buka."]}
    assert sorted(mpp.opening_hours.values_list("weekday", "opens")) == [
        (day, T(8)) for day in range(5)
    ]


def test_only_who_runs_the_mpp_sets_its_hours():
    mpp, _manager = _mpp_manager()
    other_manager = staff(Role.MPP_MANAGER, mpp=MPPFactory())
    agency_admin = staff(Role.AGENCY_ADMIN, agency=AgencyPresenceFactory(mpp=mpp).agency)
    for person in (other_manager, agency_admin):
        with pytest.raises(PermissionDenied):
            services.set_opening_hours(mpp, WEEKDAYS, actor=person)
    assert not mpp.opening_hours.exists()


def _counter(presence):
    mpp_hours = OfficeHours.from_opening_hours(presence.mpp.opening_hours.all())
    rows = CounterHours.objects.filter(presence=presence)
    return mpp_hours.within(OfficeHours.from_opening_hours(rows)) if rows else mpp_hours


def test_a_counter_closed_on_friday_serves_no_friday():
    presence = AgencyPresenceFactory()
    services.set_opening_hours(presence.mpp, WEEKDAYS, actor=services.SYSTEM)
    admin = staff(Role.AGENCY_ADMIN, agency=presence.agency)
    region = presence.mpp.region
    assert opening_intervals(region, _counter(presence), FRIDAY) == ((T(8), T(16)),)

    services.set_counter_hours(
        presence,
        {day: DayHours(T(9), T(15)) for day in range(4)} | {4: None, 5: None, 6: None},
        actor=admin,
    )

    hours = _counter(presence)
    assert opening_intervals(region, hours, FRIDAY) == ()
    assert opening_intervals(region, hours, FRIDAY - datetime.timedelta(days=1)) == ((T(9), T(15)),)
    assert AuditEvent.objects.filter(action=AuditAction.COUNTER_HOURS_CHANGED).count() == 1

    services.set_counter_hours(presence, None, actor=admin)
    assert opening_intervals(region, _counter(presence), FRIDAY) == ((T(8), T(16)),)


@pytest.mark.parametrize(
    ("days", "errors"),
    [
        (
            {5: DayHours(T(9), T(12))},
            {"d5_opens": ["MPP tutup pada hari Sabtu; loket tidak dapat buka."]},
        ),
        (
            {4: DayHours(T(7), T(12))},
            {
                "d4_opens": [
                    "Jam loket harus di dalam jam layanan MPP pada hari Jumat: 08.00–16.00."
                ]
            },
        ),
        (
            {4: DayHours(T(9), T(17))},
            {
                "d4_opens": [
                    "Jam loket harus di dalam jam layanan MPP pada hari Jumat: 08.00–16.00."
                ]
            },
        ),
        ({4: DayHours(T(12), T(9))}, {"d4_closes": ["Jam tutup harus sesudah jam buka."]}),
        (
            {4: None},
            {
                "follows_mpp": [
                    "Tandai sedikitnya satu hari loket buka, atau pilih “Ikuti jam layanan MPP”."
                ]
            },
        ),
    ],
)
def test_counter_hours_stay_inside_the_mpps_and_say_them(days, errors):
    presence = AgencyPresenceFactory()
    services.set_opening_hours(presence.mpp, WEEKDAYS, actor=services.SYSTEM)
    manager = staff(Role.MPP_MANAGER, mpp=presence.mpp)
    with pytest.raises(HoursError) as refused:
        services.set_counter_hours(presence, days, actor=manager)
    assert refused.value.errors == errors
    assert not CounterHours.objects.exists()


def test_counter_hours_are_set_by_the_mpp_manager_or_the_agencys_own_admin():
    presence = AgencyPresenceFactory()
    services.set_opening_hours(presence.mpp, WEEKDAYS, actor=services.SYSTEM)
    other_admin = staff(Role.AGENCY_ADMIN, agency=AgencyPresenceFactory(mpp=presence.mpp).agency)
    with pytest.raises(PermissionDenied):
        services.set_counter_hours(presence, {0: DayHours(T(9), T(12))}, actor=other_admin)
    for person in (
        staff(Role.MPP_MANAGER, mpp=presence.mpp),
        staff(Role.AGENCY_ADMIN, agency=presence.agency),
    ):
        services.set_counter_hours(presence, {0: DayHours(T(9), T(12))}, actor=person)
    assert CounterHours.objects.filter(presence=presence).count() == 1


# --- The pages -------------------------------------------------------------------------------


def _week_post(**days) -> dict:
    data: dict[str, str] = {}
    for weekday, (opens, closes) in days.items():
        number = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"].index(weekday)
        data |= {f"d{number}_open": "on", f"d{number}_opens": opens, f"d{number}_closes": closes}
    return data


def test_the_page_saves_a_week_and_shows_mistakes_in_the_form(client):
    mpp, manager = _mpp_manager()
    login_staff(client, manager)
    url = reverse("catalog:manage_opening_hours", args=[mpp.pk])

    page = client.post(url, _week_post(senin=("08:00", "16:00"), sabtu=("8.00", "7.00")))
    assert page.status_code == 200
    assert "Jam tutup harus sesudah jam buka." in page.content.decode()
    page = client.post(url, _week_post(senin=("08:00", "16"), sabtu=("08.00", "12.00")))
    assert "Tulis jam dalam bentuk JJ:MM, misalnya 08:00." in page.content.decode()
    assert not OpeningHours.objects.filter(mpp=mpp).exists()

    page = client.post(url, _week_post(senin=("08:00", "16:00"), sabtu=("08.00", "12.00")))
    assert page.status_code == 302
    assert sorted(mpp.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, T(8), T(16)),
        (5, T(8), T(12)),
    ]
    listing = client.get(reverse("catalog:manage_hours")).content.decode()
    assert "Sabtu 08.00–12.00" in listing


def test_another_mpps_hours_are_not_found(client):
    _mpp, manager = _mpp_manager()
    login_staff(client, manager)
    other = MPPFactory()
    url = reverse("catalog:manage_opening_hours", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _week_post(senin=("08:00", "16:00"))).status_code == 404
    assert not other.opening_hours.exists()


def test_the_counter_page_says_the_mpps_hours_when_refusing(client):
    presence = AgencyPresenceFactory()
    services.set_opening_hours(presence.mpp, WEEKDAYS, actor=services.SYSTEM)
    login_staff(client, staff(Role.AGENCY_ADMIN, agency=presence.agency))
    url = reverse("catalog:manage_counter_hours", args=[presence.pk])
    page = client.post(url, _week_post(jumat=("07:00", "15:00")))
    assert "Jam loket harus di dalam jam layanan MPP pada hari Jumat: 08.00–16.00." in (
        page.content.decode()
    )
    assert client.post(url, _week_post(jumat=("09:00", "15:00"))).status_code == 302
    assert list(CounterHours.objects.values_list("weekday", "opens")) == [(4, T(9))]
