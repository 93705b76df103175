"""The one error a service raises when it refuses a write, and the one way a form shows it.

A service refuses with :class:`ServiceError` (each process names its own subclass, such as
``ApplicationError``) and changes nothing. The error carries the message for the person, the
messages per field (``errors``; the keys are the form's and the API schema's field names) and,
where the refusal is the policy's, ``status = 403``. A view shows it with :meth:`apply_to`; the API
turns it into a problem response with the same field names.

Checks that answer before any API view runs (the edge middleware, the sign-in lockout) write the
API's problem document (RFC 9457) with :func:`problem_response`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.http import HttpRequest, JsonResponse

__all__ = ["ServiceError", "problem_response"]


class ServiceError(Exception):
    """A refused write: ``message`` for the person, ``errors`` per field, an HTTP ``status``."""

    default_status: ClassVar[int | None] = None

    def __init__(
        self,
        message: str = "",
        errors: Mapping[str, Iterable[Any] | str] | None = None,
        status: int | None = None,
    ) -> None:
        self.errors: dict[str, list[str]] = {
            field: [str(problems)] if isinstance(problems, str) else [str(p) for p in problems]
            for field, problems in (errors or {}).items()
        }
        self.message = str(message) or "; ".join(
            problem for problems in self.errors.values() for problem in problems
        )
        self.status = status if status is not None else self.default_status
        super().__init__(self.message)

    def apply_to(self, form: Any) -> None:
        """Show the refusal on a Django form: each message at its field, above the form when the
        form has no such field, and the message itself when no field is named."""
        for field, problems in self.errors.items():
            target = field if field in form.fields else None
            for problem in problems:
                form.add_error(target, problem)
        if not self.errors:
            form.add_error(None, self.message)


def problem_response(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    """An ``application/problem+json`` answer for ``request``'s path."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json")
