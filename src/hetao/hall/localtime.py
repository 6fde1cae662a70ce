"""The hall's clock: times are stored in UTC and shown in Asia/Shanghai; forms give a local day
and a local time of day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hetao.core.errors import Problem
from hetao.core.i18n import N_

ZONE = ZoneInfo("Asia/Shanghai")


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC value (SQLite returns it without the zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime) -> datetime:
    return as_utc(value).astimezone(ZONE)


def local_today(now: datetime) -> date:
    return as_utc(now).astimezone(ZONE).date()


def at(day: date, clock: time) -> datetime:
    """The UTC instant of a local day and time of day."""
    return datetime.combine(day, clock, tzinfo=ZONE).astimezone(UTC)


def parse_day(value: str | None, path: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        problems.append(Problem(path, N_("Enter a date like 2027-03-15.")))
        return None


def parse_time(value: str | None, path: str, problems: list[Problem]) -> time | None:
    text = (value or "").strip()
    try:
        hours, minutes = text.split(":")
        if len(minutes) != 2:
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError:
        problems.append(Problem(path, N_("Enter a time like 14:30.")))
        return None
