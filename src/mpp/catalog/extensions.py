"""Sections that apps above the catalog add to the public service page, without the catalog
importing them: an app registers a function ``(service) -> str`` (rendered HTML, already
escaped) in its ``AppConfig.ready()``; the service page renders every section in registration order.
The page is cached, so a section's owner calls ``public_cache.bump()`` when its content changes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

from mpp.registry import Registry

Section = Callable[[object], SafeString | str]


class SectionRegistry:
    """Sections by name, rendered in registration order (:mod:`mpp.registry`'s duplicate rule)."""

    def __init__(self) -> None:
        self.registry: Registry[str, Section] = Registry("service page sections")

    def register(self, name: str, section: Section, *, replace: bool = False) -> None:
        self.registry.add(name, section, replace=replace)

    def unregister(self, name: str) -> None:
        self.registry.remove(name)

    def render(self, service: object) -> list[SafeString | str]:
        return [html for html in (section(service) for section in self.registry.entries()) if html]


service_page_sections = SectionRegistry()
