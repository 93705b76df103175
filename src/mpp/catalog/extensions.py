"""Sections that apps above the catalog add to the public service page, without the catalog
importing them: an app registers a function ``(service) -> str`` (rendered HTML, already
escaped) in its ``AppConfig.ready()``; the service page renders every section in registration order.
The page is cached, so a section's owner calls ``public_cache.bump()`` when its content changes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

Section = Callable[[object], SafeString | str]


class SectionRegistry:
    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, name: str, section: Section) -> None:
        if name in self._sections:
            raise ValueError(f"service page section {name!r} is already registered")
        self._sections[name] = section

    def unregister(self, name: str) -> None:
        self._sections.pop(name, None)

    def render(self, service) -> list[SafeString | str]:
        return [html for html in (section(service) for section in self._sections.values()) if html]


service_page_sections = SectionRegistry()
