"""Bahasa Indonesia by default; English from the catalogue when the browser or the switch asks."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_in_indonesian_by_default(client):
    html = client.get("/akun/daftar/").content.decode()
    assert '<html lang="id">' in html
    assert "Daftar akun warga" in html


def test_english_comes_from_the_catalogue(client):
    html = client.get("/akun/daftar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Register a citizen account" in html
    assert "Daftar akun warga" not in html


def test_the_language_switch_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    html = client.get("/akun/masuk/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
