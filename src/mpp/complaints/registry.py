"""Plug points of the complaints app, filled from above or swapped in tests.

- ``application_lookup``: complaints may not import ``cases`` (a sibling), so the layer above both
  (``mpp.web``) registers a function that finds the reporter's own application by its tracking
  number and answers where it lives (MPP, agency, service). The complaint stores those ids at
  submission; nothing reads the application again.
- ``lapor_connector``: the SP4N-LAPOR! connector class named by ``settings.MPP_LAPOR_CONNECTOR``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApplicationPlace:
    tracking_number: str
    mpp_id: int
    agency_id: int
    service_id: int | None


ApplicationLookup = Callable[[object, str], ApplicationPlace | None]

_lookup: list[ApplicationLookup] = []


def register_application_lookup(lookup: ApplicationLookup) -> None:
    if _lookup and _lookup[0] is not lookup:
        raise ValueError("an application lookup is already registered")
    _lookup[:] = [lookup]


def find_application(user, tracking_number: str) -> ApplicationPlace | None:
    """The reporter's own application with ``tracking_number`` (None if none or not theirs)."""
    if not _lookup or user is None or not getattr(user, "is_authenticated", False):
        return None
    return _lookup[0](user, tracking_number)
