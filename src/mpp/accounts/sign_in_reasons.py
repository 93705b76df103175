"""Why a signed-out person is asked to sign in: a sentence for the login and registration pages.

The page behind ``next`` may have a reason ("Masuk untuk mengajukan permohonan Akta Kelahiran").
Apps above ``accounts`` register a describer for their URL name in ``ready()``; the login page
resolves ``next`` and asks it, so accounts never imports the processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import Resolver404, resolve

from mpp.registry import Registry


@dataclass(frozen=True)
class Reason:
    sign_in: str  # "Masuk untuk …", for the login page
    subject: str  # what the person came for, for registration and verification pages


Describer = Callable[..., Reason | None]
describers: Registry[str, Describer] = Registry("sign-in reasons")


def register(url_name: str, describer: Describer, *, replace: bool = False) -> None:
    """``describer(**url_kwargs)`` returns the :class:`Reason` or None (nothing to say). One
    describer per URL name (:mod:`mpp.registry`'s duplicate rule)."""
    describers.add(url_name, describer, replace=replace)


def reason_for(path: str) -> Reason | None:
    """The reason of a local path (None for an unknown path or one without a describer)."""
    if not path or not path.startswith("/"):
        return None
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    describer = describers.find(match.view_name)
    return describer(**match.kwargs) if describer else None
