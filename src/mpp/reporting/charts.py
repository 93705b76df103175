"""Charts drawn on the server as accessible SVG: no JavaScript, readable in grayscale.

Each chart has a ``<title>`` and ``<desc>`` (referenced by ``aria-labelledby``), direct value labels
and, in the page, a data table with the same numbers. Current values are solid dark bars; values
of the previous period are hatched light bars, so the two differ by pattern, not only by colour.
The map uses one sequential blue scale (ColorBrewer "Blues", safe for colour-blind readers) with a
hatch for "no data" and a legend with the class bounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import get_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mpp.regions import geo

INK = "#1b1b1b"
CURRENT = "#0b3d63"
PREVIOUS = "#8a8a8a"
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
_ids = itertools.count(1)


NumberFormat = Callable[..., str]


def _django_fmt(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)


def number_formatter() -> NumberFormat:
    """:func:`fmt` for the active language, its separators looked up once: for a loop over many
    numbers (Django's ``number_format`` asks for the active language and three formats on every
    call, which was most of the time of a national table's 1,500 cells). The same text as
    ``number_format`` with grouping forced, for the languages that group by thousands."""
    language = get_language()
    if get_format("NUMBER_GROUPING", language) != 3:
        return _django_fmt
    separators = str.maketrans(
        {
            ",": get_format("THOUSAND_SEPARATOR", language),
            ".": get_format("DECIMAL_SEPARATOR", language),
        }
    )

    def format_number(value: float | None, decimals: int = 0) -> str:
        if value is None:
            return "—"
        if type(value) is int and not decimals:
            return f"{value:,}".translate(separators)
        if type(value) is not float and type(value) is not int:
            return _django_fmt(value, decimals)
        return f"{round(value, decimals):,.{decimals}f}".translate(separators)

    return format_number


def fmt(value: float | None, decimals: int = 0) -> str:
    """``value`` with ``decimals`` decimals and grouped thousands in the active language ("—"
    for no value)."""
    return number_formatter()(value, decimals)


def _defs(prefix: str) -> str:
    return (
        f'<defs><pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{PREVIOUS}" stroke-width="3"/></pattern></defs>'
    )


@dataclass
class BarRow:
    label: str
    value: float | None
    previous: float | None = None


def _svg_start(
    chart: str, width: float, height: float, title: str, description: str, *, kind: str = "chart"
) -> str:
    """The opening of a chart's or map's ``<svg>``, named by its title and described for screen
    readers. A chart is one image (``role="img"``); the map is not, as its provinces are links."""
    role = ' role="img"' if kind == "chart" else ""
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" width="100%"'
        + role
        + ' aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        kind,
        int(width),
        int(height),
        chart,
        chart,
        chart,
        title,
        chart,
        description,
    )


def bar_chart(
    title: str,
    description: str,
    rows: list[BarRow],
    *,
    unit: str = "",
    decimals: int = 0,
    previous_label: str = "",
) -> SafeString:
    """Horizontal bars, one group per row (label above its bars), values written at the bar end;
    ``previous_label`` (the previous period's dates) is added to the description."""
    if previous_label and any(r.previous is not None for r in rows):
        description = f"{description} " + _("Batang berarsir: %(period)s.") % {
            "period": previous_label
        }
    chart = f"chart-{next(_ids)}"
    width, left, right = 340.0, 4.0, 70.0
    has_previous = any(r.previous is not None for r in rows)
    row_height = 50 if has_previous else 38
    top = 22 if has_previous else 4
    height = top + row_height * max(len(rows), 1) + 4
    peak = max([r.value or 0 for r in rows] + [r.previous or 0 for r in rows] + [1])
    span = width - left - right
    parts = [_svg_start(chart, width, height, title, description), mark_safe(_defs(chart))]
    if has_previous:
        parts.append(
            format_html(
                '<rect x="4" y="4" width="14" height="10" fill="{}"/>'
                '<text x="22" y="13" font-size="13" fill="{}">{}</text>'
                '<rect x="120" y="4" width="14" height="10" fill="url(#{}-hatch)" stroke="{}"/>'
                '<text x="138" y="13" font-size="13" fill="{}">{}</text>',
                CURRENT,
                INK,
                _("Periode ini"),
                chart,
                PREVIOUS,
                INK,
                _("Periode sebelumnya"),
            )
        )
    for index, row in enumerate(rows):
        y = top + index * row_height
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" fill="{}">{}</text>',
                left,
                y + 13,
                INK,
                row.label[:40] + ("…" if len(row.label) > 40 else ""),
            )
        )
        length = span * (row.value or 0) / peak
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="14" fill="{}"/>'
                '<text x="{}" y="{}" font-size="14" fill="{}">{}</text>',
                left,
                y + 18,
                f"{max(length, 1):.1f}",
                CURRENT,
                f"{left + max(length, 1) + 4:.1f}",
                y + 30,
                INK,
                f"{fmt(row.value, decimals)}{unit}",
            )
        )
        if has_previous:
            previous = span * (row.previous or 0) / peak
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="10" fill="url(#{}-hatch)" '
                    'stroke="{}" stroke-width="0.5"/>'
                    '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                    left,
                    y + 35,
                    f"{max(previous, 1):.1f}",
                    chart,
                    PREVIOUS,
                    f"{left + max(previous, 1) + 4:.1f}",
                    y + 45,
                    INK,
                    f"{fmt(row.previous, decimals)}{unit}",
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def column_chart(
    title: str, description: str, labels: list[str], values: list[float]
) -> SafeString:
    """A trend: one column per bucket, the first, middle and last labelled on the axis."""
    chart = f"chart-{next(_ids)}"
    width, height, bottom, top = 340.0, 170.0, 24.0, 20.0
    peak = max([*values, 1])
    count = max(len(values), 1)
    step = (width - 8) / count
    parts = [
        _svg_start(chart, width, height, title, description),
        format_html(
            '<text x="4" y="14" font-size="14" fill="{}">{}</text>'
            '<line x1="4" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            INK,
            _("tertinggi %(value)s") % {"value": fmt(peak)},
            height - bottom,
            width - 4,
            height - bottom,
            INK,
        ),
    ]
    usable = height - bottom - top
    for index, value in enumerate(values):
        h = usable * value / peak
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                f"{4 + index * step + step * 0.15:.1f}",
                f"{height - bottom - h:.1f}",
                f"{max(step * 0.7, 1):.1f}",
                f"{h:.1f}",
                CURRENT,
            )
        )
    for index in sorted({0, (count - 1) // 2, count - 1}):
        if index < len(labels):
            anchor = "start" if index == 0 else ("end" if index == count - 1 else "middle")
            x = 4 if index == 0 else (width - 4 if index == count - 1 else 4 + (index + 0.5) * step)
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="14" text-anchor="{}" fill="{}">{}</text>',
                    f"{x:.1f}",
                    height - 6,
                    anchor,
                    INK,
                    labels[index],
                )
            )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


@dataclass
class MapClass:
    low: float
    high: float
    colour: str


def classes(values: list[float], count: int = 5) -> list[MapClass]:
    """Up to ``count`` quantile classes of the known values (fewer for few distinct values)."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    low, high = known[0], known[-1]
    if low == high:
        return [MapClass(low, high, BLUES[-1])]
    n = len(known)
    uppers = sorted({known[min(n - 1, int(n * q / count))] for q in range(1, count)} | {high})
    lows = [low, *uppers[:-1]]
    palette = BLUES[-len(uppers) :]
    return [
        MapClass(lo, hi, palette[i]) for i, (lo, hi) in enumerate(zip(lows, uppers, strict=True))
    ]


def colour_of(value: float | None, scale: list[MapClass]) -> str | None:
    if value is None or not scale:
        return None
    for item in scale:
        if value <= item.high:
            return item.colour
    return scale[-1].colour


def indonesia_map(
    title: str,
    description: str,
    province_values: dict[str, float | None],
    province_names: dict[str, str],
    region_points: list[tuple[str, float, float, float | None]],
    scale: list[MapClass],
    link_of,
    *,
    decimals: int = 0,
    unit: str = "",
) -> SafeString:
    """Provinces filled by class, each a link; kab/kota as dots at their capitals (decorative:
    the rankings table lists every kab/kota with its value and page)."""
    shapes = geo.province_shapes()
    chart = f"map-{next(_ids)}"
    parts = [
        _svg_start(chart, shapes["width"], shapes["height"], title, description, kind="map"),
        mark_safe(_defs(chart)),
    ]
    number = number_formatter()
    # The outline of every shape and dot is set once on its group (the dots are hundreds).
    parts.append(mark_safe(f'<g stroke="{INK}" stroke-width="0.6">'))
    for code, path in shapes["provinces"].items():
        value = province_values.get(code)
        colour = colour_of(value, scale)
        fill = colour or f"url(#{chart}-hatch)"
        label = f"{province_names.get(code, code)}: {number(value, decimals)}{unit if value is not None else ''}"
        parts.append(
            format_html(
                '<a href="{}"><title>{}</title><path d="{}" fill="{}"/></a>',
                link_of(code),
                label,
                path,
                fill,
            )
        )
    dots = [f'</g><g aria-hidden="true" stroke="{INK}" stroke-width="0.7">']
    for _code, lat, lon, value in region_points:
        x, y = geo.project(lon, lat)
        colour = colour_of(value, scale) or "#ffffff"
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{escape(colour)}"/>')
    dots.append("</g></svg>")
    parts.append(mark_safe("".join(dots)))
    return mark_safe("".join(str(p) for p in parts))
