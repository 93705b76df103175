"""Server-rendered bar charts (SVG geometry for the templates; no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from mpp.surveys import ikm

WIDTH = 320
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 44


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float


def bars(values: list[tuple[str, Fraction | None]], maximum: int) -> tuple[list[Bar], int]:
    """Horizontal bars for (label, value) on a 0..maximum axis, and the chart's height."""
    usable = WIDTH - LABEL_WIDTH - 56
    result = []
    for index, (label, value) in enumerate(values):
        width = 0.0 if value is None else float(value) / maximum * usable
        text = "—" if value is None else str(ikm.rounded(value)).replace(".", ",")
        result.append(Bar(label, text, index * (BAR_HEIGHT + GAP), round(width, 1)))
    return result, max(1, len(values)) * (BAR_HEIGHT + GAP)
