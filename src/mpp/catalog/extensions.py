"""Sections that apps above the catalog add to the public service page and the MPP page, without
the catalog importing them: an app registers a function ``(service) -> str`` (or ``(mpp) -> str``;
rendered HTML, already escaped) in its ``AppConfig.ready()``; the page renders every section in
registration order. Processes also add the MPP's other public events (``mpp_public_events``).
The page is cached, so a section's owner calls ``public_cache.bump()`` when its content changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mpp.registry import PlugPoint, Sections

service_page_sections: Sections[object] = Sections("service page sections")
# Sections of the MPP's public page (the programme of activities).
mpp_page_sections: Sections[object] = Sections("MPP page sections")


@dataclass(frozen=True)
class PublicEvent:
    """A public event at an MPP that a process other than the programme holds (an approved room
    booking its group made public), as the MPP's programme of activities lists it."""

    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    url: str = ""


# Sources of an MPP's other public events: ``(mpp, start, end) -> [PublicEvent]`` overlapping
# [start, end). The programme (``mpp.activities``) lists them without importing their process.
PublicEventSource = Callable[[Any, datetime.datetime, datetime.datetime], list[PublicEvent]]
mpp_public_events: PlugPoint[PublicEventSource] = PlugPoint("MPP public events")
