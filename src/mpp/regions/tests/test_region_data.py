import pytest

from mpp.regions.models import Province, Region

pytestmark = pytest.mark.django_db


def test_all_provinces_and_regencies_are_loaded():
    assert Province.objects.count() == 38
    assert Region.objects.count() == 514
    assert Region.objects.filter(kind=Region.Kind.KABUPATEN).count() == 416
    assert Region.objects.filter(kind=Region.Kind.KOTA).count() == 98
    assert not Province.objects.filter(regions=None).exists()


def test_codes_are_kemendagri_codes():
    for region in Region.objects.all():
        assert len(region.code) == 4 and region.code.isdigit()
        assert region.code[:2] == region.province_id
        assert region.name.startswith(("Kabupaten ", "Kota ")), region.name
        assert region.name.startswith("Kota ") == (region.kind == Region.Kind.KOTA)


def test_21_pilot_loci_are_flagged():
    pilots = set(Region.objects.filter(is_pilot_locus=True).values_list("code", flat=True))
    assert len(pilots) == 21
    assert {"2171", "3471", "1171", "6472"} <= pilots


@pytest.mark.parametrize(
    ("code", "name", "zone"),
    [
        ("2171", "Kota Batam", "Asia/Jakarta"),
        ("7371", "Kota Makassar", "Asia/Makassar"),
        ("9171", "Kota Jayapura", "Asia/Jayapura"),  # 9471 before Papua was split (2022)
        ("3471", "Kota Yogyakarta", "Asia/Jakarta"),
        ("6472", "Kota Samarinda", "Asia/Makassar"),
    ],
)
def test_time_zones(code, name, zone):
    region = Region.objects.get(code=code)
    assert (region.name, region.timezone) == (name, zone)
    assert region.province.timezone == zone


def test_every_region_has_an_indonesian_time_zone():
    zones = set(Region.objects.values_list("timezone", flat=True))
    assert zones == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
