"""The MPP's programme as an iCalendar feed (RFC 5545), written by hand: a few properties only.

Times are in UTC (``...Z``), so no VTIMEZONE is needed and every calendar shows them in the
reader's own zone. Text values are escaped (backslash, semicolon, comma, newline) and lines are
folded at 75 octets without splitting a UTF-8 character; lines end with CRLF. A cancelled
activity stays in the feed as ``STATUS:CANCELLED`` with a higher ``SEQUENCE``, so subscribed
calendars remove it instead of keeping a stale copy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .models import Activity

PRODUCT = "-//MPP Digital//Program Kegiatan MPP//ID"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with one space)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # the leading space counts
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    name: str,
    activities: Iterable[Activity],
    *,
    host: str,
    url_of: dict[int, str],
    stamp: datetime.datetime,
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for activity in activities:
        description = activity.description
        if activity.accessibility:
            description += "\n\n" + activity.accessibility
        lines += [
            "BEGIN:VEVENT",
            f"UID:kegiatan-{activity.pk}@{host}",
            f"DTSTAMP:{utc(stamp)}",
            f"LAST-MODIFIED:{utc(activity.updated_at)}",
            f"SEQUENCE:{activity.sequence}",
            f"DTSTART:{utc(activity.starts_at)}",
            f"DTEND:{utc(activity.ends_at)}",
            f"SUMMARY:{escape_text(activity.title)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"LOCATION:{escape_text(f'{activity.place}, {activity.mpp.name}')}",
            f"CATEGORIES:{escape_text(activity.get_category_display())}",
            f"ORGANIZER;CN={_param(activity.organiser)}:mailto:{activity.mpp.email or 'noreply@' + host}",
            f"URL:{url_of[activity.pk]}",
            f"STATUS:{'CANCELLED' if activity.is_cancelled else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _param(value: str) -> str:
    """A parameter value: quoted, without the characters a quoted value may not hold."""
    cleaned = "".join(c for c in value if c not in '"\r\n' and (c == "\t" or c >= " "))
    return f'"{cleaned}"'
