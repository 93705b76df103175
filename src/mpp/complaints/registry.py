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

from mpp.registry import Registry


@dataclass(frozen=True)
class ApplicationPlace:
    tracking_number: str
    mpp_id: int
    agency_id: int
    service_id: int | None


ApplicationLookup = Callable[[object, str], ApplicationPlace | None]

# One slot: the lookup of the layer above (:mod:`mpp.registry`'s duplicate rule).
lookups: Registry[str, ApplicationLookup] = Registry("complaint application lookup")
_KEY = "application_lookup"


def register_application_lookup(lookup: ApplicationLookup, *, replace: bool = False) -> None:
    lookups.add(_KEY, lookup, replace=replace)


def find_application(user, tracking_number: str) -> ApplicationPlace | None:
    """The reporter's own application with ``tracking_number`` (None if none or not theirs)."""
    lookup = lookups.find(_KEY)
    if lookup is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    return lookup(user, tracking_number)
