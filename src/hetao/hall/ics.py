"""iCalendar (RFC 5545) files for visits, room bookings and events: one VEVENT per file, times in
UTC, text escaped and lines folded at 75 octets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODUCT_ID = "-//Hetao One-Stop//Hall//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    #: CONFIRMED, TENTATIVE or CANCELLED
    status: str = "CONFIRMED"
    #: Raised on every change, so calendar clients replace the earlier copy.
    sequence: int = 0


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render(event: CalendarEvent, *, now: datetime) -> str:
    """The .ics file for one event, with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{event.status}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
