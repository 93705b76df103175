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


@dataclass(frozen=True)
class ApplicationAt:
    mpp_id: int
    agency_id: int


ApplicationLookup = Callable[[str], ApplicationAt | None]

_lookup: list[ApplicationLookup] = []


def register_application_lookup(lookup: ApplicationLookup) -> None:
    if _lookup and _lookup[0] is not lookup:
        raise ValueError("an application lookup is already registered")
    _lookup[:] = [lookup]


def application_at(reference: str) -> ApplicationAt | None:
    """Where the application with tracking number ``reference`` lives (None if there is none)."""
    if not _lookup or not reference:
        return None
    return _lookup[0](reference)
