"""The one way every API list is paged: a cursor, a page size, and a ``next`` link.

Every list operation takes ``cursor`` and ``page_size`` (1 to :data:`MAX_PAGE_SIZE`; a larger
value is a 422 problem naming ``page_size``, never silently clamped) and answers an object with
``items`` and the links ``next`` and ``previous`` (null at either end), which repeat the request's
other parameters: a client follows ``next`` until it is null and has read every row once. The
same links are sent in the ``Link`` header (``rel="next"``, ``rel="prev"``). There is no total:
lists over growing tables are read with :func:`mpp.paging.keyset.keyset_page`, whose cost does not
grow with the page's place in the list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from mpp.api.problems import Problem
from mpp.paging.keyset import MAX_CURSOR_LENGTH, BadCursor, Page, keyset_page, sequence_page

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


class PageParams(Schema):
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="Kursor dari tautan `next` atau `previous` jawaban sebelumnya; kosong untuk "
        "halaman pertama",
    )
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Jumlah butir per halaman, 1 sampai {MAX_PAGE_SIZE} (lebih besar: 422)",
    )


class PageOut(Schema):
    """The links of a page; each list's own page schema adds ``items``."""

    next: str | None = Field(description="Tautan halaman berikutnya; null di halaman terakhir")
    previous: str | None = Field(description="Tautan halaman sebelumnya; null di halaman pertama")
    page_size: int


P = TypeVar("P", bound=PageOut)


def _bad_cursor() -> Problem:
    return Problem(
        400,
        _("Kursor halaman tidak dikenal."),
        errors={"cursor": [_("Gunakan kursor dari tautan next jawaban sebelumnya.")]},
    )


def _link(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"{request.path}?{query.urlencode()}"


def _answer(
    schema: type[P],
    request: HttpRequest,
    response: HttpResponse | None,
    page: Page[Any],
    size: int,
    extra: Mapping[str, Any] | None,
) -> P:
    links = {
        "next": _link(request, page.next_cursor),
        "previous": _link(request, page.previous_cursor),
    }
    if response is not None:
        header = [
            f'<{url}>; rel="{relation}"'
            for relation, url in (("next", links["next"]), ("prev", links["previous"]))
            if url
        ]
        if header:
            response["Link"] = ", ".join(header)
    return schema.model_validate({"items": page.rows, **links, "page_size": size, **(extra or {})})


def queryset_page(
    schema: type[P],
    request: HttpRequest,
    rows: QuerySet[Any],
    params: PageParams,
    *,
    order: Sequence[str],
    response: HttpResponse | None = None,
    load: Callable[[list[Any]], list[Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> P:
    """The page of ``rows`` in ``order`` (ending with a unique key) named by ``params``, read
    into the list's page ``schema`` (``extra``: its fields beside the items and links);
    ``load`` reads the full rows of a page of ids, in the same order."""
    try:
        page = keyset_page(rows, order=order, cursor=params.cursor, size=params.page_size)
    except BadCursor:
        raise _bad_cursor() from None
    if load is not None:
        page = Page(load(page.rows), page.next_cursor, page.previous_cursor)
    return _answer(schema, request, response, page, params.page_size, extra)


def list_page(
    schema: type[P],
    request: HttpRequest,
    rows: Sequence[Any],
    params: PageParams,
    *,
    key: Callable[[Any], tuple[Any, ...]],
    response: HttpResponse | None = None,
) -> P:
    """The page of a list computed in Python, ordered by ``key`` (unique text and numbers), read
    into the list's page ``schema``."""
    try:
        page = sequence_page(rows, key=key, cursor=params.cursor, size=params.page_size)
    except BadCursor:
        raise _bad_cursor() from None
    return _answer(schema, request, response, page, params.page_size, None)
