import datetime

import pytest
from django.core.exceptions import ValidationError

from mpp.accounts.nik import mask_nik, parse_nik, validate_nik

VALID = [
    # NIK, female, day, month, two-digit year
    ("2171011508900003", False, 15, 8, 90),  # Kota Batam, man born 15 August 1990
    ("2171055204950001", True, 12, 4, 95),  # Kota Batam, woman born 12 April 1995 (day + 40)
    ("3471010101000001", False, 1, 1, 0),  # Kota Yogyakarta, 1 January 2000
    ("7371017112010009", True, 31, 12, 1),  # Kota Makassar, woman born 31 December 2001
    ("2171012902000003", False, 29, 2, 0),  # 29 February (a leap year is possible)
    ("2171016902000003", True, 29, 2, 0),  # 29 February, woman
]


@pytest.mark.parametrize(("nik", "female", "day", "month", "year"), VALID)
def test_valid_niks_are_read(nik, female, day, month, year):
    facts = parse_nik(nik)
    assert (facts.female, facts.day, facts.month, facts.year_2digit) == (female, day, month, year)
    assert facts.province_code == nik[:2]
    assert facts.region_code == nik[:4]


INVALID = [
    ("21710115089000a3", "nik_digits", "hanya boleh berisi angka"),
    ("2171 0115 0890 0003", "nik_digits", "hanya boleh berisi angka"),
    ("２１７１０１１５０８９００００３", "nik_digits", "hanya boleh berisi angka"),
    ("217101150890003", "nik_length", "16 digit; yang Anda masukkan 15 digit"),
    ("21710115089000031", "nik_length", "16 digit; yang Anda masukkan 17 digit"),
    ("9971011508900003", "nik_province", "(99) bukan kode provinsi"),
    ("0071011508900003", "nik_province", "(00) bukan kode provinsi"),
    ("2199011508900003", "nik_region", "(2199) bukan kode kabupaten/kota"),
    ("2171013208900003", "nik_date", "bukan tanggal lahir yang sah"),  # day 32
    ("2171017208900003", "nik_date", "bukan tanggal lahir yang sah"),  # day 72 (32 for a woman)
    ("2171014008900003", "nik_date", "bukan tanggal lahir yang sah"),  # day 40
    ("2171010008900003", "nik_date", "bukan tanggal lahir yang sah"),  # day 0
    ("2171011513900003", "nik_date", "bukan tanggal lahir yang sah"),  # month 13
    ("2171011500900003", "nik_date", "bukan tanggal lahir yang sah"),  # month 0
    ("2171013002900003", "nik_date", "bukan tanggal lahir yang sah"),  # 30 February
    ("2171013104900003", "nik_date", "bukan tanggal lahir yang sah"),  # 31 April
    ("2171011508900000", "nik_serial", "tidak boleh 0000"),
]


@pytest.mark.parametrize(("nik", "code", "message"), INVALID)
def test_each_wrong_part_has_its_own_message(nik, code, message):
    with pytest.raises(ValidationError) as caught:
        parse_nik(nik)
    assert caught.value.code == code
    assert message in caught.value.messages[0]


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        ("2171011508900003", datetime.date(1990, 8, 15)),
        ("2171011508900003", datetime.date(1890, 8, 15)),  # the NIK does not say the century
        ("2171055204950001", datetime.date(1995, 4, 12)),
        ("2171012902000003", datetime.date(2000, 2, 29)),
    ],
)
def test_birth_date_that_agrees_is_accepted(nik, birth_date):
    assert validate_nik(nik, birth_date).serial == nik[12:]


@pytest.mark.parametrize(
    "birth_date",
    [
        datetime.date(1990, 8, 16),  # day
        datetime.date(1990, 9, 15),  # month
        datetime.date(1991, 8, 15),  # two-digit year
    ],
)
def test_birth_date_mismatch_is_refused(birth_date):
    with pytest.raises(ValidationError) as caught:
        validate_nik("2171011508900003", birth_date)
    assert caught.value.code == "nik_birth_date"
    assert "tidak sesuai" in caught.value.messages[0]


def test_woman_nik_compares_the_real_day():
    with pytest.raises(ValidationError):
        validate_nik("2171055204950001", datetime.date(1995, 4, 52 - 40 + 1))
    validate_nik("2171055204950001", datetime.date(1995, 4, 12))


def test_surrounding_spaces_are_ignored():
    assert parse_nik(" 2171011508900003 ").serial == "0003"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("2171011508900003", "2171********0003"), ("", ""), (None, "")],
)
def test_mask(value, masked):
    assert mask_nik(value) == masked
