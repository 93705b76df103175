"""The API reference at ``/api/v1/docs`` is a page like the others (issue 23's crawl failed Swagger UI
on nested buttons, skipped headings and contrast): the site's layout in the reader's language, every
operation of the OpenAPI document under its own heading, every ``$ref`` linked to its schema."""

from __future__ import annotations

import re

import pytest

from mpp.api.reference import reference_of, type_of
from mpp.api.v1 import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "answer"),
    [
        ("id", "Dokumentasi API MPP Digital", "<strong>200</strong> Berhasil"),
        ("en", "MPP Digital API documentation", "<strong>200</strong> Succeeded"),
    ],
)
def test_the_reference_is_in_the_readers_language(client, language, heading, answer):
    response = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'<html lang="{language}"', body)
    assert f"<h1>{heading}</h1>" in body
    assert "swagger" not in body.lower() and "<script" not in body.split("<main")[1]
    assert answer in body


def test_every_operation_of_the_document_has_its_heading_and_every_ref_its_schema(client):
    body = client.get("/api/v1/docs").content.decode()
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert f'id="{operation["operationId"]}"' in body, (method, path)
            assert f"<code>{method.upper()} {path}</code>" in body
    for target in set(re.findall(r'href="#schema-(\w+)"', body)):
        assert f'id="schema-{target}"' in body, target
    assert 'href="/api/v1/openapi.json"' in body


def test_types_read_as_words_with_their_schema_named():
    assert type_of({"anyOf": [{"type": "string"}, {"type": "null"}]}) == "string | null"
    assert type_of({"type": "string", "format": "date"}) == "string (date)"
    assert type_of({"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}}) == (
        "daftar ref:FieldProblem"
    )
    tags, schemas = reference_of(
        {
            "paths": {
                "/x": {
                    "get": {
                        "operationId": "x",
                        "tags": ["t"],
                        "responses": {
                            "200": {
                                "content": {"application/json": {"schema": {"type": "string"}}}
                            },
                            "404": {"content": {"application/problem+json": {"schema": {}}}},
                        },
                    }
                }
            },
            "components": {"schemas": {"Kind": {"enum": ["a", "b"]}}},
        }
    )
    (operation,) = tags[0].operations
    assert [a.status for a in operation.answers] == ["200"] and operation.problems == ["404"]
    assert schemas[0].values == ["a", "b"]
