"""Sections that apps above the catalog add to the public service page and the MPP page, without
the catalog importing them: an app registers a function ``(service) -> str`` (or ``(mpp) -> str``;
rendered HTML, already escaped) in its ``AppConfig.ready()``; the page renders every section in
registration order.
The page is cached, so a section's owner calls ``public_cache.bump()`` when its content changes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

from mpp.registry import Registry

Section = Callable[[object], SafeString | str]


class SectionRegistry:
    """Sections by name, rendered in registration order (:mod:`mpp.registry`'s duplicate rule)."""

    def __init__(self, name: str) -> None:
        self.registry: Registry[str, Section] = Registry(name)

    def register(self, name: str, section: Section, *, replace: bool = False) -> None:
        self.registry.add(name, section, replace=replace)

    def unregister(self, name: str) -> None:
        self.registry.remove(name)

    def render(self, subject: object) -> list[SafeString | str]:
        return [html for html in (section(subject) for section in self.registry.entries()) if html]


service_page_sections = SectionRegistry("service page sections")
# Sections of the MPP's public page (the programme of activities).
mpp_page_sections = SectionRegistry("MPP page sections")
