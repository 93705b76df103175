"""The API reference at ``/api/v1/docs``: the OpenAPI document drawn as a server-rendered page.

Swagger UI was the page until the browser crawl (issue 23) audited it: its controls nest buttons in
buttons, its headings skip levels and its method badges fail contrast, none of which a stylesheet can
fix. The reference reads the same document (``api.get_openapi_schema()``), so it never disagrees with
``/api/v1/openapi.json``, and is a page like the others: the site's layout, both languages, no
JavaScript, one heading per operation and per schema, and a link from every ``$ref`` to its schema.
Developers who want to try calls load ``openapi.json`` into the client of their choice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

REF_PREFIX = "#/components/schemas/"

# The answers every operation may give as a problem document are listed once per operation.
STATUS_WORDS: Mapping[str, Promise] = {
    "200": _("Berhasil"),
    "201": _("Dibuat"),
    "202": _("Diterima untuk diproses"),
    "204": _("Berhasil, tanpa isi"),
    "304": _("Tidak berubah"),
    "400": _("Permintaan tidak sah"),
    "401": _("Belum masuk (token tidak ada atau tidak berlaku)"),
    "403": _("Tidak diizinkan"),
    "404": _("Tidak ditemukan"),
    "405": _("Metode tidak diizinkan"),
    "409": _("Bertentangan dengan keadaan saat ini"),
    "413": _("Kiriman terlalu besar"),
    "415": _("Jenis isi tidak didukung"),
    "422": _("Isian tidak valid"),
    "429": _("Terlalu banyak permintaan"),
    "503": _("Layanan sedang tidak tersedia"),
}

PLACES: Mapping[str, Promise] = {
    "path": _("jalur"),
    "query": _("kueri"),
    "header": _("header"),
    "cookie": _("cookie"),
}


@dataclass(frozen=True)
class Parameter:
    name: str
    place: str
    type: SafeString
    required: bool
    description: SafeString


@dataclass(frozen=True)
class Answer:
    status: str
    words: str
    type: SafeString


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[Parameter]
    body: SafeString
    answers: list[Answer]
    problems: list[str]


@dataclass(frozen=True)
class Tag:
    name: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    name: str
    type: SafeString
    required: bool
    description: SafeString


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    description: SafeString
    properties: list[Property]
    values: list[str]


def type_of(schema: Mapping[str, Any]) -> str:
    """A short, readable type: ``string``, ``integer | null``, ``array of DraftOut``, ``DraftOut``
    (the last two linked by the template through the ``ref:`` marks)."""
    if "$ref" in schema:
        return "ref:" + str(schema["$ref"]).removeprefix(REF_PREFIX)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " | ".join(type_of(part) for part in schema[combinator])
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return gettext("daftar %(item)s") % {"item": type_of(schema.get("items", {}))}
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


_REF = re.compile(r"ref:(\w+)")
_CODE = re.compile(r"`([^`]+)`")


def linked(text: str) -> SafeString:
    """``type_of``'s text with each schema name linked to its entry on the page."""
    return mark_safe(_REF.sub(r'<a href="#schema-\1"><code>\1</code></a>', escape(text)))


def prose(text: str) -> SafeString:
    """A description of the document: plain text, with its `backticks` as code."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(text)))


def _body_type(body: Mapping[str, Any] | None) -> SafeString:
    if not body:
        return mark_safe("")
    return linked(
        " | ".join(
            f"{type_of(media.get('schema', {}))} ({mime})"
            for mime, media in body.get("content", {}).items()
        )
    )


def _answers(responses: Mapping[str, Any]) -> tuple[list[Answer], list[str]]:
    answers: list[Answer] = []
    problems: list[str] = []
    for code, answer in sorted(responses.items(), key=lambda item: str(item[0])):
        status = str(code)  # ninja's document keys the answers by int, a JSON one by string
        content = answer.get("content", {})
        if list(content) == ["application/problem+json"]:
            problems.append(status)
            continue
        kinds = " | ".join(type_of(media.get("schema", {})) for media in content.values())
        words = STATUS_WORDS.get(status)
        answers.append(
            Answer(
                status, str(words) if words else str(answer.get("description", "")), linked(kinds)
            )
        )
    return answers, problems


def reference_of(schema: Mapping[str, Any]) -> tuple[list[Tag], list[SchemaEntry]]:
    """The operations grouped by tag in the document's order, and the schemas by name."""
    tags: dict[str, Tag] = {}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            answers, problems = _answers(operation.get("responses", {}))
            parameters = [
                Parameter(
                    name=str(parameter["name"]),
                    place=str(PLACES.get(parameter.get("in", ""), parameter.get("in", ""))),
                    type=linked(type_of(parameter.get("schema", {}))),
                    required=bool(parameter.get("required")),
                    description=prose(
                        str(
                            parameter.get("description")
                            or parameter.get("schema", {}).get("description", "")
                        )
                    ),
                )
                for parameter in operation.get("parameters", [])
            ]
            entry = Operation(
                anchor=str(operation.get("operationId", f"{method}-{path}")),
                method=method.upper(),
                path=path,
                summary=str(operation.get("summary", "")),
                description=prose(str(operation.get("description", ""))),
                parameters=parameters,
                body=_body_type(operation.get("requestBody")),
                answers=answers,
                problems=problems,
            )
            for tag in operation.get("tags", ["api"]):
                tags.setdefault(tag, Tag(tag)).operations.append(entry)
    schemas = []
    for name, body in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(body.get("required", []))
        schemas.append(
            SchemaEntry(
                name=name,
                description=prose(str(body.get("description", ""))),
                properties=[
                    Property(
                        name=key,
                        type=linked(type_of(prop)),
                        required=key in required,
                        description=prose(str(prop.get("description", ""))),
                    )
                    for key, prop in body.get("properties", {}).items()
                ],
                values=[str(value) for value in body.get("enum", [])],
            )
        )
    return list(tags.values()), schemas


class Reference(DocsBase):
    """The ``docs`` of the API: :func:`reference_of` drawn by ``api/reference.html``."""

    template = "api/reference.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        tags, schemas = reference_of(api.get_openapi_schema(path_params=kwargs))
        context = {
            "api": api,
            "introduction": prose(api.description or ""),
            "openapi_url": self.get_openapi_url(api, kwargs),
            "tags": tags,
            "schemas": schemas,
            "yes_no": gettext("ya,tidak"),
        }
        return render(request, self.template, context)
