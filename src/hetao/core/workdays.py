"""The mainland working-day calendar: public holidays and adjusted working days (補班).

Time limits of service items are counted in working days on the mainland calendar. A weekday is a
working day and a weekend day is not, unless the official yearly schedule says otherwise: the
project keeps that schedule as an override table, ``core/data/calendar/cn-mainland.yaml``. Years
missing from the table fall back to Monday–Friday; ``Calendar.covers(year)`` tells callers when an
estimate is therefore approximate.

Counting convention (the one the departments use for 「X個工作日內」): the day a thing starts does
not count; **the first working day after ``start`` is day 1**. So ``add_working_days(start, n)`` is
the n-th working day strictly after ``start`` (``start`` itself when ``n`` is 0, whatever day it is),
and ``working_days_between(a, b)`` counts the working days ``d`` with ``a < d <= b``. The two agree:
``working_days_between(a, add_working_days(a, n)) == n``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

CALENDAR_FILE = ("core", "data", "calendar", "cn-mainland.yaml")
#: Hong Kong general holidays, for the hall's counters that follow them (no make-up working days).
HONG_KONG_CALENDAR_FILE = ("core", "data", "calendar", "hong-kong.yaml")
_WEEKEND = (5, 6)


class CalendarDataError(ValueError):
    """The calendar table is inconsistent (the message names the year and date)."""


@dataclass(frozen=True)
class Calendar:
    """A working-day calendar: weekends off, except ``working_days``; weekdays on, except ``holidays``.

    ``years`` are the years the override table covers; outside them only the Monday–Friday rule
    applies. ``holiday_names`` maps a holiday date to its name per locale (for display)."""

    holidays: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    holiday_names: Mapping[date, Mapping[str, str]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_sets(
        cls,
        *,
        holidays: Iterable[date] = (),
        working_days: Iterable[date] = (),
        years: Iterable[int] | None = None,
    ) -> Calendar:
        """A calendar from explicit sets (tests); ``years`` defaults to the years of the dates given."""
        hol, work = frozenset(holidays), frozenset(working_days)
        both = hol & work
        if both:
            raise CalendarDataError(f"{min(both).isoformat()} is both a holiday and a working day")
        covered = frozenset(years) if years is not None else frozenset(d.year for d in hol | work)
        return cls(hol, work, covered)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "calendar") -> Calendar:
        """A calendar from the parsed YAML table (see ``cn-mainland.yaml`` for the format)."""
        holidays: set[date] = set()
        working: set[date] = set()
        names: dict[date, Mapping[str, str]] = {}
        label_of = data.get("names") or {}
        for year, entry in (data.get("years") or {}).items():
            where = f"{source}: years.{year}"
            if not isinstance(year, int):
                raise CalendarDataError(f"{where}: the year must be a number")
            for index, period in enumerate(entry.get("holidays") or []):
                first, last = period.get("from"), period.get("to")
                if not isinstance(first, date) or not isinstance(last, date) or last < first:
                    raise CalendarDataError(f"{where}.holidays[{index}]: needs dates from <= to")
                day = first
                while day <= last:
                    if day.year != year:
                        raise CalendarDataError(f"{where}.holidays[{index}]: {day} is not in {year}")
                    holidays.add(day)
                    if period.get("name") in label_of:
                        names[day] = label_of[period["name"]]
                    day += timedelta(days=1)
            for day in entry.get("working_days") or []:
                if not isinstance(day, date) or day.year != year:
                    raise CalendarDataError(f"{where}.working_days: {day!r} is not a date in {year}")
                if day.weekday() not in _WEEKEND:
                    raise CalendarDataError(f"{where}.working_days: {day} is a weekday already")
                working.add(day)
        calendar = cls.from_sets(holidays=holidays, working_days=working, years=data.get("years") or {})
        return cls(calendar.holidays, calendar.working_days, calendar.years, names)

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "calendar") -> Calendar:
        return cls.from_mapping(yaml.safe_load(text) or {}, source=source)

    def covers(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is in the table (else: Monday–Friday only)."""
        return year in self.years

    def covers_span(self, first: date, last: date) -> bool:
        return all(self.covers(y) for y in range(min(first, last).year, max(first, last).year + 1))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in _WEEKEND

    def holiday_name(self, day: date, locale: str) -> str | None:
        names = self.holiday_names.get(day)
        return None if names is None else names.get(locale) or next(iter(names.values()), None)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (the first working day after ``start`` is day 1)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b``; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        # Whole weeks hold five Monday–Friday days; the override table then corrects the count.
        span = (b - a).days
        weeks, rest = divmod(span, 7)
        count = weeks * 5
        for offset in range(1, rest + 1):
            if (a + timedelta(days=offset)).weekday() not in _WEEKEND:
                count += 1
        count -= sum(1 for d in self.holidays if a < d <= b and d.weekday() not in _WEEKEND)
        count += sum(1 for d in self.working_days if a < d <= b and d.weekday() in _WEEKEND)
        return count


@lru_cache(maxsize=1)
def mainland_calendar() -> Calendar:
    """The mainland calendar of the shipped override table (read once per process)."""
    resource = files("hetao").joinpath(*CALENDAR_FILE)
    return Calendar.from_yaml(resource.read_text(encoding="utf-8"), source="/".join(CALENDAR_FILE))


@lru_cache(maxsize=1)
def hong_kong_calendar() -> Calendar:
    """The Hong Kong general-holiday calendar of the shipped override table (read once per process)."""
    resource = files("hetao").joinpath(*HONG_KONG_CALENDAR_FILE)
    return Calendar.from_yaml(resource.read_text(encoding="utf-8"), source="/".join(HONG_KONG_CALENDAR_FILE))


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    """Whether ``day`` is a working day (on the mainland calendar unless another is given)."""
    return (calendar or mainland_calendar()).is_working_day(day)


def add_working_days(start: date, n: int, calendar: Calendar | None = None) -> date:
    """The n-th working day after ``start``: the first working day after ``start`` is day 1."""
    return (calendar or mainland_calendar()).add_working_days(start, n)


def working_days_between(a: date, b: date, calendar: Calendar | None = None) -> int:
    """The number of working days ``d`` with ``a < d <= b`` (negative when ``b`` is before ``a``)."""
    return (calendar or mainland_calendar()).working_days_between(a, b)
