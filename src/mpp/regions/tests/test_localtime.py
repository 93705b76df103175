"""Local time, one way: one instant is a different day in WIB, WITA and WIT."""

from __future__ import annotations

import datetime

import pytest

from mpp.regions import localtime
from mpp.regions.models import Region

# 16.30 UTC on 31 December: 23.30 WIB, but already 1 January at 00.30 WITA and 01.30 WIT.
INSTANT = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, expected",
    [
        ("2171", datetime.date(2026, 12, 31)),  # Kota Batam, WIB
        ("5171", datetime.date(2027, 1, 1)),  # Kota Denpasar, WITA
        ("9171", datetime.date(2027, 1, 1)),  # Kota Jayapura, WIT
    ],
)
def test_the_local_day_is_the_regions_own(code, expected):
    region = Region.objects.get(code=code)
    assert localtime.local_date(INSTANT, region) == expected
    assert localtime.local_date(INSTANT, code) == expected  # a bare code asks the table


def test_national_figures_count_the_day_in_wib():
    assert localtime.local_date(INSTANT) == datetime.date(2026, 12, 31)
    assert localtime.local_now(None, INSTANT).utcoffset() == datetime.timedelta(hours=7)


def test_a_moment_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        localtime.local_date(datetime.datetime(2026, 12, 31, 23, 30))
