"""Plug point of the queue, filled from above.

``application_lookup``: the counter console links a visit to the application filed at the counter
(its tracking number), but ``queueing`` may not import ``cases`` (a sibling). The layer above both
(``mpp.web``) registers a function that finds a submitted application by tracking number and answers
where it lives (MPP and agency); the console links only an application of the counter's own agency
at its MPP. With no lookup registered every reference is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mpp.registry import Registry


@dataclass(frozen=True)
class ApplicationAt:
    mpp_id: int
    agency_id: int


ApplicationLookup = Callable[[str], ApplicationAt | None]

# One slot: the lookup of the layer above (:mod:`mpp.registry`'s duplicate rule).
lookups: Registry[str, ApplicationLookup] = Registry("queue application lookup")
_KEY = "application_lookup"


def register_application_lookup(lookup: ApplicationLookup, *, replace: bool = False) -> None:
    lookups.add(_KEY, lookup, replace=replace)


def application_at(reference: str) -> ApplicationAt | None:
    """Where the application with tracking number ``reference`` lives (None if there is none)."""
    lookup = lookups.find(_KEY)
    if lookup is None or not reference:
        return None
    return lookup(reference)
