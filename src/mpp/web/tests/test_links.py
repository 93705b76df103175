"""``{% url %}`` and menus through ``mpp.links``: the same addresses as Django's ``reverse``, kept
per process only where nothing but the name and its text or numbers decide them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from mpp.links import _reversed, link


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_url_tag_gives_what_reverse_gives_in_every_form():
    assert render('{% url "cases:mine" %}') == reverse("cases:mine") == "/permohonan/"
    assert render('{% url "cases:detail" 42 %}') == "/permohonan/42/"
    assert render('{% url "cases:step" pk=42 number=3 %}') == "/permohonan/42/langkah/3/"
    assert render('{% url "cases:start" slug %}', slug="akta-lahir") == (
        "/permohonan/baru/akta-lahir/"
    )
    assert render('{% url "cases:detail" 7 as there %}<a href="{{ there }}">') == (
        '<a href="/permohonan/7/">'
    )
    assert render('{% url "no:such" as there %}[{{ there }}]') == "[]"  # as Django's tag
    with pytest.raises(NoReverseMatch):
        render('{% url "no:such" %}')
    with pytest.raises(NoReverseMatch):  # a failure is not kept: it fails again
        render('{% url "no:such" %}')


def test_an_address_is_kept_and_follows_the_script_prefix():
    _reversed.cache_clear()
    assert link("cases:detail", [5]) == "/permohonan/5/"
    assert link("cases:detail", [5]) == "/permohonan/5/"
    assert _reversed.cache_info().hits == 1
    set_script_prefix("/mpp/")
    try:
        assert link("cases:detail", [5]) == "/mpp/permohonan/5/"
    finally:
        set_script_prefix("/")
    assert link("cases:detail", [5]) == "/permohonan/5/"


def test_an_argument_other_than_text_or_a_number_is_reversed_each_time():
    class Slug:
        text = "lama"

        def __str__(self) -> str:
            return self.text

    slug = Slug()
    assert link("cases:start", [slug]) == "/permohonan/baru/lama/"
    slug.text = "baru"
    assert link("cases:start", [slug]) == "/permohonan/baru/baru/"


def test_another_url_configuration_is_not_served_the_kept_address():
    assert link("cases:mine") == "/permohonan/"
    with override_settings(ROOT_URLCONF="mpp.web.tests.urls_other"):
        assert link("cases:mine") == "/lain/permohonan/"
    assert link("cases:mine") == "/permohonan/"
