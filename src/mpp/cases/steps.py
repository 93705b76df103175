"""The multi-step form: one section of the form definition per page."""

from __future__ import annotations

from dataclasses import dataclass

from mpp.catalog.form_schema import FormDefinition, FormField, is_visible


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    title: str
    fields: list[FormField]


def steps_for(definition: FormDefinition, data: dict) -> list[Step]:
    """Sections with at least one field to show.

    A field whose condition depends on a field of another (earlier) section is shown only when the
    saved answer meets it; a condition on a field of the same page cannot be evaluated before the
    page is sent (no JavaScript), so such a field is shown with its hint and is optional unless
    the condition is met.
    """
    steps: list[Step] = []
    for title, items in definition.sections():
        names = {item.name for item in items}
        shown = [
            item
            for item in items
            if item.visible_if is None or item.visible_if.field in names or is_visible(item, data)
        ]
        if shown:
            steps.append(Step(number=len(steps) + 1, title=title, fields=shown))
    return steps
