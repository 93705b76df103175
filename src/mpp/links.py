"""The address of a view, reversed once per process.

A page names 15 to 40 addresses (the menu, the footer, a link on each row), and Django's
``reverse`` walks the URL patterns for each one (20–50 µs). An address depends only on the view's
name, its arguments, the application namespace asked for, the script prefix the site is served
under and the URL configuration; the addresses named with text and whole numbers are kept per
process under all of these. Any other argument (a model instance, whose text may change) is
reversed each time. A name that does not reverse raises ``NoReverseMatch`` each time, as
``reverse`` does: a failure is not kept.

Templates reach it through the ``{% url %}`` tag (``mpp.web.templatetags.links``, a built-in of
the template engine that takes the place of Django's own).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Addresses kept per process: the menus and footers of every role, and the rows an officer's
# inbox shows (an address is a few dozen bytes).
KEPT = 8192

Plain = str | int


@functools.lru_cache(maxsize=KEPT)
def _reversed(
    viewname: str,
    args: tuple[Plain, ...],
    kwargs: tuple[tuple[str, Plain], ...],
    current_app: str | None,
    prefix: str,
    urlconf: Any,
) -> str:
    return reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _plain(value: object) -> bool:
    return type(value) in (str, int)


def link(
    viewname: str,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)``, kept when the
    name and every argument are text or whole numbers."""
    kwargs = kwargs or {}
    if (
        isinstance(viewname, str)
        and all(_plain(value) for value in args)
        and all(_plain(value) for value in kwargs.values())
    ):
        return _reversed(
            viewname,
            tuple(args),
            tuple(sorted(kwargs.items())),
            current_app,
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
    return reverse(viewname, args=list(args), kwargs=dict(kwargs), current_app=current_app)
