"""The sweep registry: every clocked model joins, and one sweep flags breaches for all of them.

A process registers its model (in its ``AppConfig.ready``), optionally with rows the breach flag
skips and a step of its own run after the flags (automatic approval, say)::

    sweeps.register(Application, skip=Q(...), step=auto_approve_due)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Q

# A process's own sweep step: given the sweep's moment, returns named counts for the report.
Step = Callable[[datetime.datetime], dict[str, int]]


@dataclass(frozen=True)
class SweepEntry:
    model: type[Model]
    skip: Q = field(default_factory=Q)
    step: Step | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


class SweepRegistry:
    def __init__(self) -> None:
        self._entries: dict[type[Model], SweepEntry] = {}

    def register(
        self, model: type[Model], *, skip: Q | None = None, step: Step | None = None
    ) -> None:
        if model in self._entries:
            raise ValueError(f"{model._meta.label} already joined the sweep")
        self._entries[model] = SweepEntry(model, skip or Q(), step)

    def unregister(self, model: type[Model]) -> None:
        self._entries.pop(model, None)

    def entries(self) -> list[SweepEntry]:
        return list(self._entries.values())


sweeps = SweepRegistry()
