"""Search a person's words: real queries, as people type them into the search box, and the service
each must find first (issue 23). Everyday verbs ("bikin", "urus", "cara", "syarat") name no
service; spelling variants, the ministry's synonyms and phrases ("akta anak") are applied."""

from __future__ import annotations

import pytest

from mpp.accounts.tests.factories import load_demo
from mpp.catalog import search
from mpp.catalog.models import Service
from mpp.catalog.selectors import ServiceFilters, search_services

pytestmark = pytest.mark.django_db

BIRTH = "Penerbitan akta kelahiran"
KTP_NEW = "Perekaman dan penerbitan KTP-el baru"
KTP_LOST = "Penggantian KTP-el karena hilang"
KTP_DAMAGED = "Penggantian KTP-el karena rusak atau perubahan data"
KIA = "Penerbitan Kartu Identitas Anak (KIA)"
KK_NEW = "Penerbitan Kartu Keluarga (KK) baru"
KK_CHANGE = "Perubahan data Kartu Keluarga (KK)"
DEATH = "Penerbitan akta kematian"
MOVE = "Surat keterangan pindah (SKPWNI)"
IKD = "Aktivasi Identitas Kependudukan Digital (IKD)"
MARRIAGE = "Penerbitan akta perkawinan (bagi yang beragama selain Islam)"
PASSPORT_NEW = "Penerbitan paspor biasa baru (elektronik)"
PASSPORT_REPLACE = "Penggantian paspor (habis berlaku, hilang, atau rusak)"
SKCK = "Penerbitan Surat Keterangan Catatan Kepolisian (SKCK)"
SIM_A = "Perpanjangan SIM A"
SIM_C = "Perpanjangan SIM C"
JHT = "Klaim Jaminan Hari Tua (JHT)"
VEHICLE_TAX = "Pembayaran pajak kendaraan bermotor tahunan dan pengesahan STNK"
VEHICLE_TRANSFER = "Balik nama kendaraan bermotor (mutasi dalam provinsi)"
LAND_CHECK = "Pengecekan sertifikat tanah"
LAND_SALE = "Peralihan hak atas tanah karena jual beli"
NPWP = "Pendaftaran NPWP orang pribadi"
WATER = "Pemasangan sambungan air bersih baru"
POWER_NEW = "Pasang baru listrik rumah tangga"
POWER_UP = "Tambah daya listrik"
SAVINGS = "Pembukaan rekening tabungan"
PBB = "Pembayaran Pajak Bumi dan Bangunan (PBB-P2)"
NIB = "Pendampingan penerbitan Nomor Induk Berusaha (NIB)"
PIRT = "Sertifikat Produksi Pangan Industri Rumah Tangga (SPP-IRT)"
SIP_DOCTOR = "Surat Izin Praktik (SIP) dokter"
SIP_MIDWIFE = "Surat Izin Praktik (SIP) bidan"
SIP_NURSE = "Surat Izin Praktik (SIP) perawat"

# (what a person types, the service that must come first)
QUERIES: list[tuple[str, str]] = [
    ("bikin akta anak", BIRTH),
    ("buat akte kelahiran", BIRTH),
    ("urus akte lahir", BIRTH),
    ("akta anak", BIRTH),
    ("akte lahir", BIRTH),
    ("cara bikin akta kelahiran", BIRTH),
    ("syarat akta kelahiran", BIRTH),
    ("surat lahir", BIRTH),
    ("akta kelahiran online", BIRTH),
    ("birth certificate", BIRTH),
    ("bikin ktp", KTP_NEW),
    ("buat ktp baru", KTP_NEW),
    ("rekam ktp", KTP_NEW),
    ("syarat ktp hilang", KTP_LOST),
    ("ktp hilang", KTP_LOST),
    ("e-ktp hilang", KTP_LOST),
    ("ktp-el rusak", KTP_DAMAGED),
    ("ktp rusak", KTP_DAMAGED),
    ("ktp anak", KIA),
    ("kia", KIA),
    ("kartu identitas anak", KIA),
    ("bikin kk baru", KK_NEW),
    ("kartu keluarga baru", KK_NEW),
    ("ubah data kk", KK_CHANGE),
    ("perubahan kartu keluarga", KK_CHANGE),
    ("akta kematian", DEATH),
    ("akte mati", DEATH),
    ("surat pindah", MOVE),
    ("pindah domisili", MOVE),
    ("skpwni", MOVE),
    ("ikd", IKD),
    ("ktp digital", IKD),
    ("surat nikah", MARRIAGE),
    ("akta nikah", MARRIAGE),
    ("bikin paspor", PASSPORT_NEW),
    ("paspor baru", PASSPORT_NEW),
    ("perpanjang paspor", PASSPORT_REPLACE),
    ("paspor hilang", PASSPORT_REPLACE),
    ("skck", SKCK),
    ("surat kelakuan baik", SKCK),
    ("perpanjang sim a", SIM_A),
    ("sim c", SIM_C),
    ("klaim jht", JHT),
    ("pajak motor", VEHICLE_TAX),
    ("bayar pajak kendaraan", VEHICLE_TAX),
    ("stnk", VEHICLE_TAX),
    ("balik nama motor", VEHICLE_TRANSFER),
    ("cek sertifikat tanah", LAND_CHECK),
    ("jual beli tanah", LAND_SALE),
    ("bikin npwp", NPWP),
    ("pasang air", WATER),
    ("pasang listrik", POWER_NEW),
    ("tambah daya", POWER_UP),
    ("buka rekening", SAVINGS),
    ("bayar pbb", PBB),
    ("nib", NIB),
    ("pirt", PIRT),
    ("sip dokter", SIP_DOCTOR),
    ("izin praktik bidan", SIP_MIDWIFE),
    ("cara urus sip perawat", SIP_NURSE),
]


def first(query: str) -> str | None:
    found = search_services(ServiceFilters(query=query)).first()
    return Service.objects.get(pk=found.pk).name if found else None


def test_the_table_is_large_enough():
    assert len(QUERIES) >= 50


def test_a_persons_words_find_the_service_first():
    load_demo()
    missed = [(query, expected, first(query)) for query, expected in QUERIES]
    assert [miss for miss in missed if miss[1] != miss[2]] == []


def test_everyday_words_are_not_required_but_a_query_of_only_them_still_searches():
    assert search.significant_words("cara bikin akta kelahiran") == ["akta", "kelahiran"]
    assert search.significant_words("syarat") == ["syarat"]


def test_phrases_are_rewritten_only_when_their_words_stand_together():
    assert search.significant_words("akta anak") == ["akta", "kelahiran"]
    assert search.significant_words("akta untuk anak") == ["akta", "anak"]
