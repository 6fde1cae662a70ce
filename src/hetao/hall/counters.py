"""Reading the hall's counters: which serve a category, and their opening periods on a day."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.core.workdays import Calendar, mainland_calendar
from hetao.hall.models import Counter


def list_counters(session: Session, *, active_only: bool = True) -> list[Counter]:
    query = select(Counter).order_by(Counter.position, Counter.code)
    if active_only:
        query = query.where(Counter.active.is_(True))
    return list(session.scalars(query))


def get_counter(session: Session, code: str) -> Counter | None:
    return session.scalar(select(Counter).where(Counter.code == code))


def counters_serving(session: Session, category: str) -> list[Counter]:
    """Active counters that take items of ``category``: its own windows first, then comprehensive ones."""
    counters = [c for c in list_counters(session) if c.serves(category)]
    return sorted(counters, key=lambda c: (c.comprehensive, c.position, c.code))


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def opening_periods(counter: Counter, day: date, calendar: Calendar | None = None) -> list[tuple[time, time]]:
    """The counter's opening periods on ``day``: none on a closed day of the mainland calendar
    (public holidays, and weekends unless they are make-up working days)."""
    calendar = calendar or mainland_calendar()
    if "mainland" in counter.calendars and not calendar.is_working_day(day):
        return []
    periods = counter.hours.get(str(day.isoweekday()), [])
    if not periods and "mainland" in counter.calendars and day.isoweekday() >= 6:
        # A make-up working day (補班) keeps the hours of a Monday.
        periods = counter.hours.get("1", [])
    return [(_parse(start), _parse(end)) for start, end in periods]
