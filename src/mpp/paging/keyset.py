"""One keyset (cursor) pager for web and API lists over tables that grow without bound.

A page is read with one query of ``size + 1`` rows past the cursor (an index range starting at
the cursor), never ``OFFSET`` nor ``COUNT(*)``: the cost is the same on the first page and the
millionth. The list's order must end
with a unique key (``-id``) so that every row has one place. Cursors are opaque strings carrying
the order values of the page's first or last row; one that does not decode raises
:class:`BadCursor`, which web views answer with 400 and the API with a problem.

On PostgreSQL a page after a cursor is one statement that reads the rows after it as separate
ranges of the index (``UNION ALL`` of ordered, limited parts): the one condition "on or after the
first key's value, and after the cursor" is planned, once many rows follow the cursor, as a bitmap
scan of all of them and a sort. SQLite, which allows no ``ORDER BY``/``LIMIT`` inside a compound
statement, keeps that one condition.

Order keys are model field names or annotations of the queryset (``name_key=Lower("name")``), ``-`` for descending; a trailing ``?`` marks a nullable key
ordered ascending with nulls last (``"due_at?"``: open deadlines first, then none).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest

MAX_CURSOR_LENGTH = 512

M = TypeVar("M", bound=Model)


class BadCursor(ValueError):
    """The cursor was not made by this pager for this list."""


@dataclass(frozen=True)
class _Key:
    field: str
    descending: bool
    nullable: bool

    @classmethod
    def parse(cls, spec: str) -> _Key:
        descending = spec.startswith("-")
        nullable = spec.endswith("?")
        name = spec.strip("-?")
        if descending and nullable:
            raise ValueError("nullable keys are ascending with nulls last")
        return cls(name, descending, nullable)

    def order(self, forward: bool) -> OrderBy:
        expression = F(self.field)
        ascending = self.descending != forward
        if self.nullable:
            return expression.asc(nulls_last=True) if forward else expression.desc(nulls_first=True)
        return expression.asc() if ascending else expression.desc()

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def past(self, value: Any, forward: bool) -> Q:
        """Rows whose (non-null) value is strictly after ``value`` in the reading direction."""
        greater = self.descending != forward
        return Q(**{f"{self.field}__{'gt' if greater else 'lt'}": value})

    def beyond(self, value: Any, forward: bool) -> Q | None:
        """Rows strictly after ``value`` in the reading direction (None: no row can be)."""
        if self.nullable:
            if forward:
                return (
                    None
                    if value is None
                    else Q(**{f"{self.field}__gt": value}) | Q(**{f"{self.field}__isnull": True})
                )
            if value is None:
                return Q(**{f"{self.field}__isnull": False})
            return Q(**{f"{self.field}__lt": value})
        greater = self.descending != forward
        return Q(**{f"{self.field}__{'gt' if greater else 'lt'}": value})


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _encode(values: list[Any], forward: bool) -> str:
    payload = json.dumps(
        ["n" if forward else "p", [_plain(v) for v in values]], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _decode(
    queryset: QuerySet[Any] | None, keys: list[_Key], cursor: str
) -> tuple[bool, list[Any]]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor(cursor[:20])
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise BadCursor(cursor[:20]) from None
    if direction not in ("n", "p") or not isinstance(values, list) or len(values) != len(keys):
        raise BadCursor(cursor[:20])
    typed: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if value is None and not key.nullable:
            raise BadCursor(cursor[:20])
        if value is not None and not isinstance(value, str | int):
            raise BadCursor(cursor[:20])
        try:
            typed.append(None if value is None else _to_python(queryset, key.field, value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise BadCursor(cursor[:20]) from None
    return direction == "n", typed


def _to_python(queryset: QuerySet[Any] | None, name: str, value: Any) -> Any:
    if queryset is None:  # a list computed in Python: its keys are plain JSON values
        return value
    annotation = queryset.query.annotations.get(name)
    field = (
        annotation.output_field if annotation is not None else queryset.model._meta.get_field(name)
    )
    typed = field.to_python(value)
    field.get_prep_value(typed)  # raises for values the database would refuse (out of range)
    if isinstance(typed, int) and not -(2**63) <= typed < 2**63:
        raise OverflowError(name)
    return typed


def _after(keys: list[_Key], values: list[Any], forward: bool) -> Q:
    condition = Q(pk__in=[])
    prefix = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value, forward)
        if beyond is not None:
            condition |= prefix & beyond
        prefix &= key.equal(value)
    return condition


def _bound(key: _Key, value: Any, forward: bool) -> Q:
    """A redundant range on the first key (``>=`` or ``<=`` the cursor's value) that the database
    can use as an index condition, instead of skipping every row before the cursor."""
    greater = key.descending != forward
    return Q(**{f"{key.field}__{'gte' if greater else 'lte'}": value})


def _segments(keys: list[_Key], values: list[Any] | None, forward: bool) -> list[Q]:
    """The conditions to read, in order, each one range of an index.

    A nullable first key is read as two ranges — its values, then its nulls (the other way round
    going back) — because "after v, or null" is no index range and would make the database walk
    every row before the cursor.
    """
    first = keys[0]
    if not first.nullable:
        if values is None:
            return [Q()]
        return [_bound(first, values[0], forward) & _after(keys, values, forward)]
    present = Q(**{f"{first.field}__isnull": False})
    absent = Q(**{f"{first.field}__isnull": True})
    order = [present, absent] if forward else [absent, present]
    if values is None:
        return order
    within = _after(keys, values, forward)
    if values[0] is None:
        start = order.index(absent)
        segments = [absent & within]
    else:
        start = order.index(present)
        segments = [present & _bound(first, values[0], forward) & within]
    return segments + order[start + 1 :]


def _ranges(keys: list[_Key], values: list[Any], forward: bool) -> list[Q]:
    """The rows after the cursor (whose first value is not null) that have a first value, as
    disjoint ranges of an index on the keys, in reading order: those sharing every key but the
    last with the cursor, then every key but the last two, … then those past its first value."""
    ranges: list[Q] = []
    prefix = Q()
    for place, (key, value) in enumerate(zip(keys, values, strict=True)):
        beyond = key.past(value, forward) if place == 0 else key.beyond(value, forward)
        if beyond is not None:
            ranges.append(prefix & beyond)
        prefix &= key.equal(value)
    return ranges[::-1]


def _ordered_union(queryset: QuerySet[M]) -> bool:
    """Whether the database reads a ``UNION ALL`` of ordered, limited parts (PostgreSQL; SQLite
    allows no ``ORDER BY``/``LIMIT`` inside a compound statement)."""
    features = connections[queryset.db].features
    return connections[queryset.db].vendor == "postgresql" and bool(
        features.supports_slicing_ordering_in_compound
    )


def _read(
    queryset: QuerySet[M],
    segment: Q,
    ranges: list[Q] | None,
    ordering: list[OrderBy],
    limit: int,
) -> list[M]:
    """Up to ``limit`` rows of one segment, in order. Given its ``ranges`` (a page after a cursor
    on PostgreSQL), one statement ``(range 1 ORDER BY … LIMIT n) UNION ALL (range 2 …) ORDER BY …
    LIMIT n``: each part an ordered index scan that stops after ``n`` rows, where the one condition
    "on or after the first key's value, and after the cursor" is planned as a bitmap scan of every
    row after the cursor and a sort of them all."""
    if not ranges or len(ranges) == 1:
        return list(queryset.filter(segment).order_by(*ordering)[:limit])
    # The parts read ids only (no joins: the planner keeps each an index scan that stops); the
    # rows, with their joins, are then read by id, at most ``limit`` per part.
    parts = [queryset.filter(part).order_by(*ordering).values("pk")[:limit] for part in ranges]
    chosen = parts[0].union(*parts[1:], all=True)
    return list(queryset.filter(pk__in=chosen).order_by(*ordering)[:limit])


def keyset_page(
    queryset: QuerySet[M], *, order: Sequence[str], cursor: str | None = None, size: int = 25
) -> Page[M]:
    """The page of ``queryset`` in ``order`` after (or, for a "previous" cursor, before)
    ``cursor``; the first page without one. One query (two across the end of a nullable first
    key's values)."""
    keys = [_Key.parse(spec) for spec in order]
    forward, values = (True, None) if not cursor else _decode(queryset, keys, cursor)
    ordering = [key.order(forward) for key in keys]
    # The first segment after a cursor (the one that holds the cursor's own first value) is read
    # as separate index ranges on PostgreSQL.
    split = (
        _ranges(keys, values, forward)
        if values is not None and values[0] is not None and _ordered_union(queryset)
        else None
    )
    rows: list[M] = []
    for place, segment in enumerate(_segments(keys, values, forward)):
        rows += _read(
            queryset, segment, split if place == 0 else None, ordering, size + 1 - len(rows)
        )
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return Page([], None, None)

    def values_of(row: M) -> list[Any]:
        return [getattr(row, key.field) for key in keys]

    has_next = more if forward else True
    has_previous = (values is not None) if forward else more
    return Page(
        rows,
        _encode(values_of(rows[-1]), True) if has_next else None,
        _encode(values_of(rows[0]), False) if has_previous else None,
    )


def sequence_page(
    rows: Sequence[Any],
    *,
    key: Callable[[Any], tuple[Any, ...]],
    cursor: str | None = None,
    size: int = 25,
) -> Page[Any]:
    """A page of a list computed in Python (slots of a day, per-officer averages), with the
    same cursors as :func:`keyset_page`: ``key`` gives each row its unique, ascending order
    values (text and whole numbers). Only "next" cursors are made: these lists are short and are
    read from their start."""
    ordered = sorted(rows, key=key)
    if not ordered:
        return Page([], None, None)
    if cursor:
        keys = [_Key(str(place), False, False) for place in range(len(key(ordered[0])))]
        forward, values = _decode(None, keys, cursor)
        if not forward:
            raise BadCursor(cursor[:20])
        try:
            ordered = [row for row in ordered if key(row) > tuple(values)]
        except TypeError:  # a value of another type than the list's keys
            raise BadCursor(cursor[:20]) from None
    more = len(ordered) > size
    rows = ordered[:size]
    return Page(list(rows), _encode(list(key(rows[-1])), True) if more else None, None)


def page_for_request(
    request: HttpRequest, queryset: QuerySet[M], *, order: Sequence[str], size: int = 25
) -> tuple[Page[M], str]:
    """The page named by the request's ``cursor`` (web views), with the query string of the
    other parameters for the links; a cursor that does not decode is a 400."""
    from django.core.exceptions import BadRequest

    try:
        page = keyset_page(queryset, order=order, cursor=request.GET.get("cursor"), size=size)
    except BadCursor:
        raise BadRequest("bad cursor") from None
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    return page, query.urlencode()
