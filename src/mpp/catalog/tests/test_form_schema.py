"""The typed form definition: what it accepts, the message for each thing it refuses, visibility."""

from __future__ import annotations

import copy

import pytest

from mpp.catalog.form_schema import DefinitionError, FormDefinition, is_visible
from mpp.catalog.forms_definition import validate_submission

JENIS = {
    "name": "jenis",
    "type": "choice",
    "label": "Jenis",
    "choices": [{"value": "baru", "label": "Baru"}, {"value": "ganti", "label": "Ganti"}],
}
DATA = {
    "name": "data",
    "type": "multiple_choice",
    "label": "Data yang diubah",
    "choices": [{"value": "nama", "label": "Nama"}, {"value": "alamat", "label": "Alamat"}],
}
ALASAN = {
    "name": "alasan",
    "type": "long_text",
    "label": "Alasan",
    "required": True,
    "visible_if": {"field": "jenis", "value": "ganti"},
}
BERKAS = {
    "name": "berkas",
    "type": "file",
    "label": "Berkas",
    "file_types": ["application/pdf"],
    "max_bytes": 1024,
}


def test_a_valid_definition_becomes_typed_fields_with_defaults():
    form = FormDefinition.parse(
        [JENIS, ALASAN, BERKAS, {"name": "nama", "type": "text", "label": "Nama"}]
    )
    assert [item.name for item in form] == ["jenis", "alasan", "berkas", "nama"]
    nama = form.get("nama")
    assert (nama.required, nama.help_text, nama.section, nama.choices) == (False, "", "", None)
    assert form.get("jenis").choice_labels() == {"baru": "Baru", "ganti": "Ganti"}
    assert form.get("alasan").visible_if.field == "jenis"
    assert form.get("berkas").file_types == ("application/pdf",)


def test_fields_are_grouped_into_sections_in_order():
    form = FormDefinition.parse(
        [
            {**JENIS, "section": "Permohonan"},
            {**ALASAN, "section": "Permohonan"},
            {**BERKAS, "section": "Dokumen"},
        ]
    )
    assert [(title, [f.name for f in fields]) for title, fields in form.sections()] == [
        ("Permohonan", ["jenis", "alasan"]),
        ("Dokumen", ["berkas"]),
    ]


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"name": "x"}, "Definisi formulir harus berupa daftar (JSON array) isian."),
        ([{"name": "a", "type": "text", "label": "A"}] * 101, "Formulir paling banyak 100 isian."),
        (["teks"], "Isian ke-1 bukan objek JSON."),
        (
            [{"name": "1nama", "type": "text", "label": "Nama"}],
            "Isian ke-1: nama “1nama” tidak sah; gunakan huruf kecil, angka, dan garis bawah, "
            "diawali huruf (paling banyak 50 karakter).",
        ),
        (
            [{"name": "a", "type": "text", "label": "A", "wajib": True}],
            "Isian “a”: kunci tidak dikenal: wajib.",
        ),
        (
            [{"name": "a", "type": "signature", "label": "A"}],
            "Isian “a”: jenis “signature” tidak dikenal. Jenis yang tersedia: text, long_text, "
            "number, date, choice, multiple_choice, nik, region, file.",
        ),
        ([{"name": "a", "type": "text", "label": "  "}], "Isian “a”: label wajib diisi."),
        (
            [{"name": "a", "type": "text", "label": "A", "section": 3}],
            "Isian “a”: section harus berupa teks.",
        ),
        (
            [{"name": "a", "type": "text", "label": "A", "required": "ya"}],
            "Isian “a”: required harus true atau false.",
        ),
        (
            [{**JENIS, "choices": [{"value": "a"}]}],
            "Isian “jenis”: setiap pilihan harus memiliki value dan label berupa teks.",
        ),
        (
            [{**JENIS, "choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]}],
            "Isian “jenis”: nilai pilihan “a” dipakai lebih dari sekali.",
        ),
        (
            [{"name": "a", "type": "text", "label": "A", "choices": JENIS["choices"]}],
            "Isian “a”: pilihan hanya untuk jenis pilihan tunggal atau ganda.",
        ),
        (
            [{**BERKAS, "file_types": []}],
            "Isian “berkas”: sebutkan tipe berkas yang diterima (file_types).",
        ),
        (
            [{**BERKAS, "max_bytes": 0}],
            "Isian “berkas”: batas ukuran berkas (max_bytes) harus bilangan bulat positif.",
        ),
        (
            [{"name": "a", "type": "text", "label": "A", "max_bytes": 10}],
            "Isian “a”: file_types dan max_bytes hanya untuk jenis berkas.",
        ),
        (
            [JENIS, {**ALASAN, "visible_if": {"field": "jenis"}}],
            'Isian “alasan”: visible_if harus berbentuk {"field": "<nama isian>", "value": "<nilai>"}.',
        ),
        (
            [ALASAN, JENIS],
            "Isian “alasan”: syarat tampil harus merujuk ke isian yang letaknya lebih awal.",
        ),
        (
            [{**ALASAN, "visible_if": {"field": "alasan", "value": "x"}}],
            "Isian “alasan”: syarat tampil harus merujuk ke isian yang letaknya lebih awal.",
        ),
        (
            [JENIS, JENIS],
            "Nama isian “jenis” dipakai lebih dari sekali (isian ke-1 dan ke-2).",
        ),
    ],
)
def test_each_unusable_definition_is_refused_with_a_message_naming_the_problem(definition, message):
    with pytest.raises(DefinitionError) as refused:
        FormDefinition.parse(definition)
    assert refused.value.problems == [message]


def test_every_problem_is_reported_at_once():
    with pytest.raises(DefinitionError) as refused:
        FormDefinition.parse([{"name": "A", "type": "x"}, {**JENIS, "choices": []}])
    assert len(refused.value.problems) == 4  # name, type and label of the first; no choices


def test_messages_follow_the_editors_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(DefinitionError) as refused:
        FormDefinition.parse([{"name": "a", "type": "text", "label": ""}])
    assert refused.value.problems == ["Field “a”: a label is required."]


@pytest.mark.parametrize(
    ("answers", "visible"),
    [
        ({}, False),
        ({"jenis": "baru"}, False),
        ({"jenis": "ganti"}, True),
        ({"jenis": ["baru", "ganti"]}, True),
        ({"jenis": None}, False),
    ],
)
def test_a_conditional_field_is_visible_only_when_its_condition_holds(answers, visible):
    alasan = FormDefinition.parse([JENIS, ALASAN]).get("alasan")
    assert is_visible(alasan, answers) is visible


def test_a_field_without_condition_is_always_visible():
    assert is_visible(FormDefinition.parse([JENIS]).get("jenis"), {})


def test_a_hidden_field_is_neither_required_nor_stored():
    form = FormDefinition.parse(
        [
            JENIS,
            DATA,
            ALASAN,
            {**BERKAS, "visible_if": {"field": "data", "value": "nama"}, "required": True},
        ]
    )
    hidden = validate_submission(form, {"jenis": "baru", "alasan": "dibuang", "data": ["alamat"]})
    assert hidden.is_valid
    assert hidden.cleaned == {"jenis": "baru", "data": ["alamat"]}
    shown = validate_submission(form, {"jenis": "ganti", "data": ["nama"]})
    assert shown.errors == {"alasan": ["Wajib diisi."], "berkas": ["Wajib diisi."]}


def test_a_version_parses_its_form_once_and_again_after_any_change(monkeypatch):
    """``ServiceVersion.form`` is kept on the instance (issue 26: a draft's creation asked four
    times); a definition replaced or edited in place is parsed again."""
    from mpp.catalog.models import ServiceVersion

    parses: list[object] = []
    parse = FormDefinition.parse.__func__

    def counted(cls, raw):
        parses.append(raw)
        return parse(cls, raw)

    monkeypatch.setattr(FormDefinition, "parse", classmethod(counted))
    # Copies: the test edits the definition in place.
    version = ServiceVersion(form_definition=copy.deepcopy([JENIS]))
    assert [item.name for item in version.form] == ["jenis"]
    assert version.form is version.form
    assert len(parses) == 1
    version.form_definition = copy.deepcopy([JENIS, ALASAN])
    assert [item.name for item in version.form] == ["jenis", "alasan"]
    version.form_definition.append(copy.deepcopy(BERKAS))
    assert [item.name for item in version.form] == ["jenis", "alasan", "berkas"]
    version.form_definition[0]["label"] = "Jenis permohonan"
    assert version.form.fields[0].label == "Jenis permohonan"
    assert len(parses) == 4
    version.form_definition = [{"name": "x"}]
    with pytest.raises(DefinitionError):
        version.form  # noqa: B018 - the property raises
