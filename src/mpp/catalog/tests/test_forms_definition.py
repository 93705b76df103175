"""Form definitions: refused with a message naming the problem; submissions checked field by field."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from mpp.catalog.form_schema import FormDefinition, definition_problems
from mpp.catalog.forms_definition import build_form, validate_submission
from mpp.catalog.tests.factories import SAMPLE_FORM

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


def sample() -> list[dict]:
    return copy.deepcopy(SAMPLE_FORM)


def parsed(definition: list[dict] | None = None) -> FormDefinition:
    return FormDefinition.parse(sample() if definition is None else definition)


def test_the_sample_definition_has_no_problems():
    assert definition_problems(sample()) == []


def test_duplicate_field_names_are_named():
    definition = [*sample(), {"name": "nik", "type": "text", "label": "NIK lagi"}]
    problems = definition_problems(definition)
    assert len(problems) == 1
    assert "“nik”" in problems[0] and "lebih dari sekali" in problems[0]


def test_choice_field_without_choices_is_refused():
    definition = [{"name": "jenis", "type": "choice", "label": "Jenis", "choices": []}]
    assert definition_problems(definition) == [
        "Isian “jenis”: jenis pilihan harus memiliki pilihan."
    ]


def test_condition_on_a_field_that_does_not_exist_is_refused():
    definition = sample()
    definition[3]["visible_if"] = {"field": "status_nikah", "value": "ya"}
    problems = definition_problems(definition)
    assert problems == [
        "Isian “alasan”: syarat tampil merujuk ke isian “status_nikah” yang tidak ada."
    ]


def test_file_limit_above_the_platform_maximum_is_refused(settings):
    settings.MPP_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    definition = sample()
    definition[4]["max_bytes"] = 20 * 1024 * 1024
    problems = definition_problems(definition)
    assert len(problems) == 1
    assert "“dokumen”" in problems[0]
    assert "20 MB melebihi batas platform 10 MB" in problems[0]


def test_unknown_type_and_unsupported_file_type_are_named():
    definition = [
        {"name": "a", "type": "signature", "label": "Tanda tangan"},
        {
            "name": "b",
            "type": "file",
            "label": "Berkas",
            "file_types": ["application/x-msdownload"],
            "max_bytes": 1000,
        },
    ]
    problems = definition_problems(definition)
    assert any("jenis “signature” tidak dikenal" in p for p in problems)
    assert any("application/x-msdownload tidak didukung" in p for p in problems)


@pytest.mark.parametrize("definition", [{}, "teks", None, [1, 2], [{"name": "1salah"}]])
def test_malformed_definitions_get_messages_not_exceptions(definition):
    assert definition_problems(definition)


def _upload(content: bytes, name="dokumen.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_valid_submission_is_cleaned_and_hidden_fields_are_dropped():
    result = validate_submission(
        parsed(),
        {"nama_lengkap": "  Siti Aminah ", "nik": "2171015508900003", "jenis": "baru",
         "alasan": "tidak dipakai"},
        {"dokumen": _upload(PDF)},
    )  # fmt: skip
    assert result.is_valid, result.errors
    assert result.cleaned["nama_lengkap"] == "Siti Aminah"
    assert "alasan" not in result.cleaned  # only shown when jenis == ganti


def test_conditional_field_becomes_required_when_shown():
    result = validate_submission(
        parsed(),
        {"nama_lengkap": "Siti", "nik": "2171015508900003", "jenis": "ganti"},
        {"dokumen": _upload(PDF)},
    )
    assert result.errors == {"alasan": ["Wajib diisi."]}


def test_each_bad_field_gets_its_own_message():
    result = validate_submission(
        parsed(), {"nama_lengkap": "", "nik": "1234", "jenis": "lainnya"}, {}
    )
    assert result.errors["nama_lengkap"] == ["Wajib diisi."]
    assert "16 digit" in result.errors["nik"][0]
    assert result.errors["jenis"] == ["Pilih salah satu pilihan yang tersedia."]
    assert result.errors["dokumen"] == ["Wajib diisi."]


def test_a_renamed_executable_is_refused_by_content():
    result = validate_submission(
        parsed(),
        {"nama_lengkap": "Siti", "nik": "2171015508900003", "jenis": "baru"},
        {"dokumen": _upload(EXE, name="ktp.pdf")},
    )
    assert result.errors == {"dokumen": ["Jenis berkas tidak diterima; unggah berkas PDF, JPEG."]}


def test_empty_and_oversized_files_are_refused():
    definition = sample()
    definition[4]["max_bytes"] = 100
    base = {"nama_lengkap": "Siti", "nik": "2171015508900003", "jenis": "baru"}
    empty = validate_submission(parsed(definition), base, {"dokumen": _upload(b"")})
    assert empty.errors == {"dokumen": ["Berkas kosong."]}
    big = validate_submission(parsed(definition), base, {"dokumen": _upload(PDF + b"x" * 200)})
    assert "terlalu besar" in big.errors["dokumen"][0]


@pytest.mark.django_db
def test_region_number_date_and_multiple_choice_fields():
    definition = [
        {"name": "kota", "type": "region", "label": "Kota", "required": True},
        {"name": "jumlah", "type": "number", "label": "Jumlah", "required": True},
        {"name": "tanggal", "type": "date", "label": "Tanggal", "required": True},
        {"name": "data", "type": "multiple_choice", "label": "Data", "required": True,
         "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    ]  # fmt: skip
    assert definition_problems(definition) == []
    good = validate_submission(
        parsed(definition),
        {"kota": "2171", "jumlah": "2,5", "tanggal": "2026-11-27", "data": ["b", "a"]},
    )
    assert good.cleaned == {
        "kota": "2171",
        "jumlah": "2.5",
        "tanggal": "2026-11-27",
        "data": ["a", "b"],
    }
    bad = validate_submission(
        parsed(definition),
        {"kota": "9999", "jumlah": "NaN", "tanggal": "27/11/2026", "data": ["c"]},
    )
    assert set(bad.errors) == {"kota", "jumlah", "tanggal", "data"}


def test_built_django_form_validates_with_the_same_rules():
    data = QueryDict(mutable=True)
    data.update({"nama_lengkap": "Siti", "nik": "2171015508900003", "jenis": "ganti"})
    form = build_form(parsed(), data, {"dokumen": _upload(PDF)})
    assert not form.is_valid()
    assert form.errors == {"alasan": ["Wajib diisi."]}
    assert [title for title, _ in form.sections()] == ["Data pemohon", "Permohonan", "Dokumen"]
