"""The one service error and its form adapter: what a person sees on the form after a refusal."""

from __future__ import annotations

from django import forms

from mpp.errors import ServiceError


class _Form(forms.Form):
    name = forms.CharField()


def _bound() -> _Form:
    form = _Form({"name": "Siti"})
    assert form.is_valid()
    return form


def test_a_field_error_shows_at_its_field_and_an_unknown_field_above_the_form():
    form = _bound()
    ServiceError(
        "Permohonan ditolak.", {"name": ["Nama terlalu pendek."], "consent": "Setujui ketentuan."}
    ).apply_to(form)
    assert form.errors["name"] == ["Nama terlalu pendek."]
    assert form.non_field_errors() == ["Setujui ketentuan."]


def test_a_refusal_without_fields_shows_its_message_above_the_form():
    form = _bound()
    ServiceError("Layanan ini sedang ditutup.").apply_to(form)
    assert form.non_field_errors() == ["Layanan ini sedang ditutup."]


def test_the_message_of_field_errors_alone_names_them_and_the_status_follows_the_class():
    class Refusal(ServiceError):
        default_status = 400

    error = Refusal(errors={"U3": "Pilih satu jawaban.", "U4": ["Pilih satu jawaban."]})
    assert error.message == "Pilih satu jawaban.; Pilih satu jawaban."
    assert error.status == 400
    assert Refusal("Tidak berwenang.", status=403).status == 403
