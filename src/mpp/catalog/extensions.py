"""Sections that apps above the catalog add to the public service page and the MPP page, without
the catalog importing them: an app registers a function ``(service) -> str`` (or ``(mpp) -> str``;
rendered HTML, already escaped) in its ``AppConfig.ready()``; the page renders every section in
registration order.
The page is cached, so a section's owner calls ``public_cache.bump()`` when its content changes.
"""

from __future__ import annotations

from mpp.registry import Sections

service_page_sections: Sections[object] = Sections("service page sections")
# Sections of the MPP's public page (the programme of activities).
mpp_page_sections: Sections[object] = Sections("MPP page sections")
