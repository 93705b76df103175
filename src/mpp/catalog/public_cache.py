"""The anonymous public pages (catalog, directory, service, search), kept rendered in the cache.

Every entry's key carries the catalog *generation*: one number in the cache, raised after any change
to what these pages show commits (a service published, edited, retired; an MPP, agency, presence or
opening hours changed; see ``mpp.catalog.apps``). Raising it makes every old entry unreachable at
once, so no write path needs to know which pages it touches; the old entries expire on their own.
The generation is read once at the start of a request and the page is stored under that value, so
a page rendered while a change commits is stored under the old generation and never served.

Only requests without a session or messages cookie are served from or stored in the cache: a
person who is logged in (or has a message waiting) always gets a page rendered for them, and the
response says ``Vary: Cookie`` so a shared cache in front keeps them apart too. Cacheable responses
carry an ``ETag`` (a hash of the body) and ``Last-Modified`` (the time of the generation), and
``Cache-Control: public`` so a reverse proxy or CDN may keep them briefly and a browser revalidates
(``304 Not Modified``).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

GENERATION_KEY = "catalog:public:generation"
# What a proxy or browser may reuse without asking (seconds), and how long it may serve a stale
# copy while it revalidates in the background.
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300


def generation() -> int:
    """The current catalog generation (nanoseconds since the epoch of the last change)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # First request after a cache flush or restart: start a generation; add() keeps a value
        # another process set in the meantime.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY) or time.time_ns()
    return value


def bump() -> None:
    """Make every cached public page and choice list stale (call after the change commits)."""
    current = cache.get(GENERATION_KEY) or 0
    cache.set(GENERATION_KEY, max(time.time_ns(), current + 1), timeout=None)


def changed(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver and hook for writes: the public pages are stale from now and after commit.

    Raised at once (so the writing request and tests see the change) and again when the
    transaction commits, so that a page rendered from the old rows in between is not kept.
    A draft version is not public: saving one changes no page.
    """
    if (
        getattr(instance, "status", None) == "draft"
        and sender is not None
        and (sender._meta.model_name == "serviceversion")
    ):
        return
    bump()
    transaction.on_commit(bump)


T = TypeVar("T")


def cached_choices(name: str, build: Callable[[], T]) -> T:
    """A list derived from the catalog (e.g. the MPP filter), kept until the next change."""
    key = f"catalog:public:choices:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.MPP_PUBLIC_CACHE_SECONDS or 60)
    return value


def _anonymous(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _page_key(request: HttpRequest, stamp: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"catalog:public:page:{stamp}:{get_language()}:{path}"


def _with_public_headers(response: HttpResponse, etag: str, stamp: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp // 1_000_000_000)
    response["Cache-Control"] = (
        f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"
    )
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` to anonymous visitors from the cache, with validators for proxies and browsers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _anonymous(request):
            return view(request, *args, **kwargs)
        stamp = generation()
        key = _page_key(request, stamp)
        stored = cache.get(key) if settings.MPP_PUBLIC_CACHE_SECONDS else None
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            if settings.MPP_PUBLIC_CACHE_SECONDS:
                stored = (response.content, response["Content-Type"], etag)
                cache.set(key, stored, settings.MPP_PUBLIC_CACHE_SECONDS)
        else:
            content, content_type, etag = stored
            response = HttpResponse(content, content_type=content_type)
        response = _with_public_headers(response, etag, stamp)
        # The response itself, or 304 Not Modified when the client's copy is current.
        conditional = get_conditional_response(
            request, etag=etag, last_modified=stamp // 1_000_000_000, response=response
        )
        return conditional or response

    return wrapper
