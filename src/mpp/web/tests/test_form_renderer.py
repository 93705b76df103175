"""The form renderer writes the common widgets to the same characters as Django's templates."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from mpp.web.form_renderer import FastWidgetRenderer

HOSTILE = ['<script>alert("x")</script>', "a & b", 'O\'Brien "quoted"', "", "  spaced  ", "é ü 漢"]


class EveryWidget(forms.Form):
    text = forms.CharField(required=False, help_text="hint", max_length=20)
    number = forms.IntegerField(required=False, min_value=0, max_value=10)
    decimal = forms.DecimalField(required=False, localize=True)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    flag = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("a", "A & <b>"),
            ("b", gettext_lazy("Pesan")),
            ("Grup <1>", [("c", "C"), ("d", mark_safe("<em>D</em>"))]),
            (3, 3),
        ],
    )
    many = forms.MultipleChoiceField(
        required=False, choices=[("x", "X"), ("y", 'Y "q"')], widget=forms.SelectMultiple
    )
    radio = forms.ChoiceField(required=False, choices=[("r", "R")], widget=forms.RadioSelect)
    nullable = forms.NullBooleanField(required=False)
    disabled = forms.CharField(required=False, disabled=True, initial="tetap")


def _both(form: forms.Form) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for field in form:
        fast = field.as_widget(
            attrs={"aria-describedby": "x y", "data-on": True, "data-off": False}
        )
        form.renderer = DjangoTemplates()
        slow = field.as_widget(
            attrs={"aria-describedby": "x y", "data-on": True, "data-off": False}
        )
        form.renderer = FastWidgetRenderer()
        rows.append((field.name, fast, slow))
    return rows


@pytest.mark.parametrize("value", HOSTILE)
def test_every_common_widget_is_written_as_the_template_writes_it(value):
    data = {
        "text": value, "number": value, "decimal": value, "email": value, "url": value,
        "password": value, "hidden": value, "search": value, "day": value, "moment": value,
        "flag": "on" if value else "", "note": value, "choice": value or "a", "many": [value, "y"],
        "radio": value, "nullable": value,
    }  # fmt: skip
    for bound in (
        EveryWidget(data, renderer=FastWidgetRenderer()),
        EveryWidget(renderer=FastWidgetRenderer()),
    ):
        bound.is_valid()
        for name, fast, slow in _both(bound):
            assert fast == slow, name


def test_initial_values_of_every_kind_are_written_as_the_template_writes_them():
    form = EveryWidget(
        initial={
            "number": 7,
            "day": datetime.date(2026, 11, 27),
            "flag": True,
            "many": ["x"],
            "moment": datetime.datetime(2026, 11, 27, 9, 30),
            "choice": "d",
            "note": "baris\nkedua",
        },
        renderer=FastWidgetRenderer(),
    )
    for name, fast, slow in _both(form):
        assert fast == slow, name


def test_the_site_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)
