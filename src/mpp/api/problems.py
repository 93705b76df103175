"""RFC 9457 problem details for every API error, with per-field messages in the caller's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldProblem(Schema):
    field: str = Field(description="nama isian, bertitik untuk isian bersarang")
    messages: list[str]


class ProblemOut(Schema):
    """The one problem document (RFC 9457) every operation declares for its error answers."""

    type: str = Field(description="`about:blank` atau `urn:mpp:problem:<kode>`")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(default=None, description="masalah per isian")


def problems(*statuses: int) -> dict[int, type[ProblemOut]]:
    """``response=`` entries declaring ``ProblemOut`` for each of ``statuses``."""
    return dict.fromkeys(statuses, ProblemOut)


class Problem(Exception):
    """Raise from an endpoint to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        errors: dict[str, list[str]] | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
    ):
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or {}
        self.type = type_
        self.headers = headers or {}


def _body(request: HttpRequest, problem: Problem) -> dict[str, Any]:
    body: dict[str, Any] = {"type": problem.type, "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    body["instance"] = request.path
    if problem.errors:
        body["errors"] = [
            {"field": field, "messages": messages} for field, messages in problem.errors.items()
        ]
    return body


def problem_response(api: NinjaAPI, request: HttpRequest, problem: Problem) -> HttpResponse:
    response = api.create_response(request, _body(request, problem), status=problem.status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    for name, value in problem.headers.items():
        response[name] = value
    return response


def problem_document(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A problem document answered outside django-ninja (middleware, Django's handlers)."""
    body = _body(request, Problem(status, title, detail, errors=errors))
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [
        str(part)
        for part in location
        if part not in ("body", "payload", "query", "path", "form", "file")
    ]
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("Wajib diisi.")
    if kind in {
        "string_type",
        "int_type",
        "int_parsing",
        "date_type",
        "date_from_datetime_parsing",
        "date_parsing",
    }:
        return {
            "string_type": _("Harus berupa teks."),
            "int_type": _("Harus berupa bilangan bulat."),
            "int_parsing": _("Harus berupa bilangan bulat."),
        }.get(kind, _("Harus berupa tanggal dengan format YYYY-MM-DD."))
    if kind.startswith(("date_", "datetime_")):
        return _("Harus berupa tanggal dengan format YYYY-MM-DD.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Harus berupa true atau false.")
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return _("Harus berupa objek JSON.")
    if kind == "string_too_short":
        return _("Terlalu pendek (paling sedikit %(min)s karakter).") % {
            "min": error.get("ctx", {}).get("min_length")
        }
    if kind == "string_too_long":
        return _("Terlalu panjang (paling banyak %(max)s karakter).") % {
            "max": error.get("ctx", {}).get("max_length")
        }
    if kind in {"less_than_equal", "less_than"}:
        bound = error.get("ctx", {}).get("le", error.get("ctx", {}).get("lt"))
        return _("Paling besar %(max)s.") % {"max": bound}
    if kind in {"greater_than_equal", "greater_than"}:
        bound = error.get("ctx", {}).get("ge", error.get("ctx", {}).get("gt"))
        return _("Paling kecil %(min)s.") % {"min": bound}
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error") or error.get("msg"))
    if kind == "json_invalid":
        return _("Isi permintaan bukan JSON yang sah.")
    return _("Nilai tidak sah.")


def _fixed_problem(exception: type[Exception]) -> Problem:
    """The one answer to ``exception`` whatever its detail, in the request's language."""
    problems: dict[type[Exception], Problem] = {
        # An identifier or number beyond what the database stores (e.g. ?agency=10**30): the
        # client sent a value no record can have.
        OverflowError: Problem(
            422, _("Data yang dikirim tidak sah."), _("Ada nilai angka yang terlalu besar.")
        ),
        # The database refused a value that passed validation (control characters are refused
        # earlier, at the edge): say what is known without guessing which value it was.
        DataError: Problem(
            422,
            _("Data yang dikirim tidak sah."),
            _("Ada nilai yang tidak dapat disimpan. Periksa isian Anda."),
        ),
        AuthenticationError: Problem(
            401,
            _("Perlu autentikasi."),
            _("Kirim token yang masih berlaku di header Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="mpp"'},
        ),
        RequestDataTooBig: Problem(
            413, _("Isi permintaan terlalu besar."), _("Kirim data yang lebih kecil.")
        ),
        Http404: Problem(404, _("Tidak ditemukan.")),
    }
    return problems[exception]


# django-ninja hands a handler the exception (or its class).
ExceptionHandler = Callable[[HttpRequest, Exception | type[Exception]], HttpResponse]
FIXED_ANSWERS = (OverflowError, DataError, AuthenticationError, RequestDataTooBig, Http404)


def install(api: NinjaAPI) -> None:
    def answer_with(exception: type[Exception]) -> ExceptionHandler:
        def answer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
            return problem_response(api, request, _fixed_problem(exception))

        return answer

    for exception in FIXED_ANSWERS:
        api.add_exception_handler(exception, answer_with(exception))

    @api.exception_handler(Problem)
    def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        return problem_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(_message(error))
        if any(error.get("type") == "json_invalid" for error in exc.errors):
            return problem_response(
                api, request, Problem(400, _("Isi permintaan bukan JSON yang sah."))
            )
        return problem_response(
            api,
            request,
            Problem(
                422,
                _("Data yang dikirim tidak sah."),
                _("Periksa setiap isian yang disebutkan."),
                errors=errors,
            ),
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, (json.JSONDecodeError, UnicodeDecodeError)):
            return problem_response(
                api, request, Problem(400, _("Isi permintaan bukan JSON yang sah."))
            )
        titles = {
            400: _("Permintaan tidak sah."),
            403: _("Akses ditolak."),
            404: _("Tidak ditemukan."),
            405: _("Metode tidak diizinkan."),
            413: _("Isi permintaan terlalu besar."),
        }
        return problem_response(
            api, request, Problem(exc.status_code, titles.get(exc.status_code, str(exc)))
        )


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 handler: a problem document under ``/api/``, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_document(request, 404, _("Tidak ditemukan."))
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a wrong HTTP method with a bare 405; give API clients a problem document."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").split(";")[0] != PROBLEM_CONTENT_TYPE
        ):
            problem = problem_document(
                request,
                405,
                _("Metode tidak diizinkan."),
                _("Metode yang diizinkan: %(methods)s.") % {"methods": response.get("Allow", "")},
            )
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response


# Problems any operation may answer, whatever its own code raises: control characters refused at
# the edge or a query value out of range (422), the database away (503).
EVERY_OPERATION = (422, 503)
# A POST that arrives without credentials is rate-limited at the edge before authentication runs,
# so every operation that takes a body may answer 429, even one that requires a token.
WITH_BODY = (400, 413, 429)


def declare_problem_responses(*routers: Router) -> None:
    """Declare ``ProblemOut`` for every problem status an operation can answer, in its OpenAPI.

    Each router declares the problems its own code raises (404, 409...); the ones that come from
    the edge, authentication, the body parser or rate limits are the same for every operation
    and are added here, so that the OpenAPI document describes every response.
    """
    for router in routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                statuses = set(EVERY_OPERATION)
                if operation.auth_callbacks:
                    statuses |= {401, 403}
                if "{" in operation.path:
                    statuses.add(404)
                if set(operation.methods) & {"POST", "PUT", "PATCH"}:
                    statuses.update(WITH_BODY)
                for status in sorted(statuses - set(operation.response_models)):
                    operation.response_models[status] = operation._create_response_model(ProblemOut)


_Schema = TypeVar("_Schema", bound=dict[str, Any])


def problems_as_problem_json(schema: _Schema) -> _Schema:
    """Describe every ``ProblemOut`` response as ``application/problem+json``, as it is sent."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                body = content.get("application/json", {})
                if body.get("schema", {}).get("$ref", "").endswith("/ProblemOut"):
                    content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    return schema
