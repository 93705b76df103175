"""A 422 names each field as the operation's schema does (issue 24: registration reported the
schema's ``privacy_consent`` as ``consent``).

Every operation of the OpenAPI document is sent an empty body, a body of well-typed but unusable
values, and query values of the wrong type, as a citizen and as an officer; every field a 422
names must be a parameter or a body field of that operation (``data.<isian>`` inside ``data``).
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from mpp.accounts.models import User
from mpp.accounts.tests.test_duties import bearer, demo  # noqa: F401 - the demo fixture
from mpp.api.v1 import api
from mpp.catalog.models import Service
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db


def _schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for union in ("anyOf", "allOf"):
        if union in node:
            options = [_resolve(schema, option) for option in node[union]]
            return next((o for o in options if o.get("type") != "null"), options[0])
    return node


def _body(schema: dict, operation: dict) -> tuple[str, dict]:
    """The request body's content type and its properties."""
    for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
        return content_type, _resolve(schema, content["schema"]).get("properties", {})
    return "", {}


def _value(name: str, spec: dict, ids: dict):
    """A value of the right type that the operation may still refuse."""
    if name in ids:
        return ids[name]
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return {"date": "2026-12-07", "time": "09:00", "date-time": "2026-12-07T09:00:00Z"}.get(
        spec.get("format", ""), "x"
    )


def _probes(schema: dict, path: str, method: str, operation: dict, ids: dict):
    """(url, body, content type) requests whose 422 answers name fields."""
    url = re.sub(r"\{[a-z_]+\}", "1", path)
    content_type, properties = _body(schema, operation)
    query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    wrong = {p["name"]: "x" * 3 for p in query}
    if content_type.startswith("multipart"):
        yield url, {}, None
        return
    if content_type:
        typed = {
            name: _value(name, _resolve(schema, spec), ids) for name, spec in properties.items()
        }
        yield url, {}, content_type
        yield url, typed, content_type
        yield f"{url}?{'&'.join(f'{k}={v}' for k, v in wrong.items())}", typed, content_type
    elif query:
        yield url, wrong, None


def _names(schema: dict, operation: dict) -> set[str]:
    _content_type, properties = _body(schema, operation)
    return {p["name"] for p in operation.get("parameters", [])} | set(properties) | {"body"}


def _send(client: Client, method: str, url: str, body: dict, content_type, headers: dict):
    if method == "get":
        return client.get(url, body, headers=headers)
    if content_type is None:
        return getattr(client, method)(url, body, headers=headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_every_422_names_fields_as_the_schema_does(demo):  # noqa: F811
    schema = _schema()
    batam = MPP.objects.get(slug="mpp-kota-batam")
    ids = {
        "service": Service.objects.published().filter(mpp=batam).first().pk,
        "mpp": batam.pk,
        "nik": "2171011508900099",
        "birth_date": "1990-08-15",
        "password": "Kata-Sandi-Yang-Panjang-2026",
    }
    callers = {
        "citizen": bearer(User.objects.get(nik="2171011508900003")),
        "officer": bearer(User.objects.get(username="petugas.dukcapil")),
    }
    client = Client()
    wrong, answered = [], set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            if name == "DELETE /api/v1/auth/token":
                continue
            allowed = _names(schema, operation)
            for url, body, content_type in _probes(schema, path, method, operation, ids):
                for headers in callers.values():
                    answer = _send(client, method, url, body, content_type, headers)
                    if answer.status_code != 422:
                        continue
                    for error in answer.json().get("errors") or []:
                        answered.add(name)
                        if error["field"].split(".")[0] not in allowed:
                            wrong.append((name, error["field"]))
    assert wrong == []
    assert {"POST /api/v1/citizens", "POST /api/v1/applications"} <= answered


def test_registration_names_the_consent_as_its_schema(client):
    answer = client.post(
        "/api/v1/citizens",
        {
            "nik": "2171011508900099",
            "name": "Warga Uji",
            "birth_date": "1990-08-15",
            "password": "Kata-Sandi-Yang-Panjang-2026",
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["privacy_consent"]
