"""The map of Indonesia: a packaged, simplified province layer and its SVG rendering.

``data/provinces.json`` is built once by ``manage.py build_province_map <source.geojson>`` from an
openly licensed province GeoJSON (source and licence in docs/reporting.md and in the file itself):
each ring is projected (equirectangular, longitude 94.9–141.1° E, latitude 11.1° S–6.1° N) and
simplified with Douglas–Peucker; tiny islands are dropped. Kab/kota are drawn as points at their
capital's coordinates (``regions.Region.latitude/longitude``), since no small openly licensed
kab/kota boundary set was available to package.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "provinces.json"
WEST, EAST, NORTH, SOUTH = 94.9, 141.1, 6.1, -11.1
WIDTH = 1000.0
SCALE = WIDTH / (EAST - WEST)
HEIGHT = round((NORTH - SOUTH) * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - WEST) * SCALE, (NORTH - lat) * SCALE


Point = tuple[float, float]


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def douglas_peucker(
    points: list[tuple[float, float]], tolerance: float
) -> list[tuple[float, float]]:
    """The points of a line kept by Douglas–Peucker (iterative, so long rings do not recurse)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, farthest = 0, 0.0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                index, farthest = i, d
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: list[Point]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=False)
            )
        )
        / 2
    )


def ring_path(ring: list[tuple[float, float]]) -> str:
    head, *rest = ring
    return "M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in [head, *rest]) + "Z"


def simplify_geometry(geometry: dict[str, Any], tolerance: float, min_area: float) -> str:
    """An SVG path ``d`` for a Polygon/MultiPolygon: projected, simplified, small rings dropped."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    parts = []
    for polygon in polygons:
        for ring in polygon[:1]:  # outer rings only: holes are invisible at this scale
            projected = [project(lon, lat) for lon, lat, *_ in ring]
            if _area(projected) < min_area:
                continue
            simplified = douglas_peucker(projected, tolerance)
            if len(simplified) >= 4:
                parts.append(ring_path(simplified[:-1]))
    return "".join(parts)


def _normal(name: str) -> str:
    return " ".join(name.lower().replace("daerah khusus ibukota", "dki").split())


def build(
    source: dict[str, Any],
    provinces: dict[str, str],
    *,
    tolerance: float = 0.6,
    min_area: float = 2.0,
) -> dict[str, Any]:
    """The packaged map data from a GeoJSON FeatureCollection; ``provinces`` maps code → name."""
    by_name = {_normal(name): code for code, name in provinces.items()}
    shapes: dict[str, list[str]] = {}
    for feature in source["features"]:
        properties = feature["properties"]
        name = properties.get("PROVINSI") or properties.get("name") or ""
        code = by_name.get(_normal(name))
        if code is None:
            raise ValueError(f"no province code for {name!r}")
        shapes.setdefault(code, []).append(
            simplify_geometry(feature["geometry"], tolerance, min_area)
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "provinces": {code: "".join(parts) for code, parts in sorted(shapes.items())},
    }


@lru_cache(maxsize=1)
def province_shapes() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        shapes: dict[str, Any] = json.load(handle)
    return shapes
