"""Pages that answer htmx with only the part that changes.

A page that enhances itself with htmx (filters, "next page", a console's actions) renders the
changing part from a partial template that the full page includes, so there is one template for
it. An htmx request gets that partial alone; a request without JavaScript, and htmx's own request
to restore a page missing from its history cache, get the full page. The answer varies on the
``HX-Request`` header so that no cache hands the partial to a plain request of the same URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest) -> bool:
    """Whether the request is htmx's (a GET) asking for the changing part only."""
    htmx = getattr(request, "htmx", None)
    if not htmx or request.method != "GET":
        return False
    return not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: dict[str, Any],
    *,
    full: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """``fragment`` for htmx, else ``page`` with ``context`` and what ``full()`` gives (what
    only the full page shows: not read for a fragment)."""
    if wants_fragment(request):
        response = render(request, fragment, {**context, "fragment": True})
    else:
        response = render(request, page, {**context, **(full() if full else {})})
    patch_vary_headers(response, ("HX-Request",))
    return response
