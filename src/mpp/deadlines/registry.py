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

from mpp.registry import DuplicateEntry, Registry, describe_object

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
    """Clocked models by model (one entry each: :mod:`mpp.registry`'s duplicate rule)."""

    def __init__(self) -> None:
        self.registry: Registry[type[Model], SweepEntry] = Registry(
            "deadline sweeps", describe_entry=_describe
        )

    def register(
        self,
        model: type[Model],
        *,
        skip: Q | None = None,
        step: Step | None = None,
        replace: bool = False,
    ) -> None:
        if model in self.registry and not replace:
            raise DuplicateEntry(f"{model._meta.label} already joined the sweep")
        self.registry.add(model, SweepEntry(model, skip or Q(), step), replace=replace)

    def unregister(self, model: type[Model]) -> None:
        self.registry.remove(model)

    def entries(self) -> list[SweepEntry]:
        return self.registry.entries()


def _describe(entry: SweepEntry) -> str:
    step = f", then {describe_object(entry.step)}" if entry.step else ""
    return f"{entry.label}{step}"


sweeps = SweepRegistry()
