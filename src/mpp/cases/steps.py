"""The multi-step form: one section of the form definition per page."""

from __future__ import annotations

from dataclasses import dataclass

from mpp.catalog.forms_definition import fields_of, is_visible


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    title: str
    fields: list[dict]


def steps_for(definition: list, data: dict) -> list[Step]:
    """Sections with at least one field to show.

    A field whose condition depends on a field of another (earlier) section is shown only when the
    saved answer meets it; a condition on a field of the same page cannot be evaluated before the
    page is sent (no JavaScript), so such a field is shown with its hint and is optional unless
    the condition is met.
    """
    groups: list[tuple[str, list[dict]]] = []
    for item in fields_of(definition):
        section = item.get("section", "")
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append(item)
    steps: list[Step] = []
    for title, items in groups:
        names = {item["name"] for item in items}
        shown = [
            item
            for item in items
            if not item.get("visible_if")
            or item["visible_if"]["field"] in names
            or is_visible(item, data)
        ]
        if shown:
            steps.append(Step(number=len(steps) + 1, title=title, fields=shown))
    return steps
