"""The API documentation page (Swagger UI) is a page like the others for axe: it says its language,
has a main landmark and a level-one heading (issue 23's crawl found none of the three)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Dokumentasi API MPP Digital"), ("en", "MPP Digital API documentation")],
)
def test_the_api_docs_page_has_a_language_a_main_landmark_and_a_heading(client, language, heading):
    response = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'<html lang="{language}">', body)
    assert body.count("<main>") == 1 and f"<h1>{heading}</h1>" in body
    assert 'id="swagger-ui"' in body.split("<main>")[1]
