"""Appointment slots, computed from the counters' opening periods, the public calendars (mainland
holidays and 補班; Hong Kong general holidays for counters that follow them), the hall's own
closures, the counters' capacity and the places already taken, within the booking horizon."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog import Service
from hetao.core.errors import HetaoError
from hetao.core.i18n import N_
from hetao.core.workdays import hong_kong_calendar, mainland_calendar
from hetao.hall.appointment_models import Closure, SlotPlaces
from hetao.hall.counters import counters_serving, list_counters, opening_periods
from hetao.hall.models import Counter

#: The hall's time zone: slots are local times.
ZONE = ZoneInfo("Asia/Shanghai")
#: Length of one slot, in minutes.
SLOT_MINUTES = 30
#: Bookings are taken up to this many (mainland) working days ahead.
HORIZON_WORKING_DAYS = 20
#: After this local time, no more slots are offered for the same day.
SAME_DAY_CUTOFF = time(12, 0)
#: A slot must start at least this long after the booking.
MIN_NOTICE = timedelta(hours=1)
#: A visit for a plan takes one slot per this many items (at most MAX_VISIT_SLOTS slots).
ITEMS_PER_SLOT = 3
MAX_VISIT_SLOTS = 4


class DayClosed(HetaoError):
    status = 422
    code = "hall.day_closed"
    message = N_("The hall is closed on %(day)s for this visit. Choose another day.")


class SlotPast(HetaoError):
    status = 422
    code = "hall.slot_past"
    message = N_("That time has passed or is too soon to book. Choose a later time.")


class NotBookable(HetaoError):
    status = 422
    code = "hall.not_bookable"
    message = N_(
        "Appointments can be booked from today up to %(days)d working days ahead, at the times listed. "
        "Choose a day and a time from the lists."
    )

    def __init__(self, message: str | None = None, **params: object):
        super().__init__(message, days=HORIZON_WORKING_DAYS, **params)


@dataclass(frozen=True)
class Visit:
    """What a visit is for: one service item, or the items of a journey plan ("one visit")."""

    services: tuple[Service, ...]
    journey: str | None = None

    @property
    def units(self) -> int:
        """How many consecutive slots the visit takes."""
        if self.journey is None:
            return 1
        return max(1, min(MAX_VISIT_SLOTS, math.ceil(len(self.services) / ITEMS_PER_SLOT)))

    @property
    def minutes(self) -> int:
        return self.units * SLOT_MINUTES


def visit_for_service(service: Service) -> Visit:
    return Visit(services=(service,))


def visit_for_plan(journey: str, services: Sequence[Service]) -> Visit:
    """A visit for the items of a plan, taken together at a comprehensive window (一窗)."""
    if not services:
        raise NotBookable()
    return Visit(services=tuple(services), journey=journey)


def counters_for(session: Session, visit: Visit) -> list[Counter]:
    """The counters that can take the visit, in the order places are given: an item's own windows
    first, then the comprehensive ones; a plan's visit only at comprehensive windows."""
    if visit.journey is not None:
        return [c for c in list_counters(session) if c.comprehensive]
    return counters_serving(session, visit.services[0].category)


@dataclass(frozen=True)
class TimeOption:
    """A start time of a day, with the places still free at all the counters that take the visit."""

    day: date
    start_minute: int
    end_minute: int
    free: int

    @property
    def value(self) -> str:
        return minute_text(self.start_minute)

    @property
    def label(self) -> str:
        return f"{minute_text(self.start_minute)}–{minute_text(self.end_minute)}"


@dataclass(frozen=True)
class DayOption:
    day: date
    free: int
    #: Why the day is closed (a holiday's or closure's name), when it is.
    closed: bool = False


def minute_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_minute(value: str) -> int | None:
    """``"09:30"`` → 570; None when it is not a time of day."""
    try:
        hours, minutes = value.strip().split(":")
        h, m = int(hours), int(minutes)
    except (ValueError, AttributeError):
        return None
    return h * 60 + m if 0 <= h < 24 and 0 <= m < 60 else None


def local_now(now: datetime) -> datetime:
    return now.astimezone(ZONE)


def local_today(now: datetime) -> date:
    return local_now(now).date()


def starts_at(day: date, minute: int) -> datetime:
    """The local start of a slot, as an aware datetime in UTC."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZONE)
    return local.astimezone(UTC)


def horizon(now: datetime) -> tuple[date, date]:
    """The first and last day that can be booked."""
    today = local_today(now)
    return today, mainland_calendar().add_working_days(today, HORIZON_WORKING_DAYS)


def closures_between(session: Session, first: date, last: date) -> dict[date, list[Closure]]:
    rows = session.scalars(select(Closure).where(Closure.day >= first, Closure.day <= last))
    out: dict[date, list[Closure]] = {}
    for row in rows:
        out.setdefault(row.day, []).append(row)
    return out


def counter_periods(counter: Counter, day: date, closures: Sequence[Closure] = ()) -> list[tuple[int, int]]:
    """The counter's opening periods on ``day`` in minutes, after the public calendars and the
    hall's closures."""
    if any(c.counter_id in (None, counter.id) for c in closures):
        return []
    if "hong_kong" in counter.calendars and day in hong_kong_calendar().holidays:
        return []
    return [(s.hour * 60 + s.minute, e.hour * 60 + e.minute) for s, e in opening_periods(counter, day)]


def starts_in(periods: Sequence[tuple[int, int]], minutes: int) -> list[int]:
    """Start times (minutes) of a visit of ``minutes`` that fit wholly inside one period."""
    out = []
    for first, last in periods:
        minute = first
        while minute + minutes <= last:
            out.append(minute)
            minute += SLOT_MINUTES
    return out


def too_soon(day: date, minute: int, *, now: datetime) -> bool:
    """Whether a slot is in the past, too soon, or today after the same-day cutoff."""
    local = local_now(now)
    if day < local.date():
        return True
    if day == local.date() and local.time() >= SAME_DAY_CUTOFF:
        return True
    return starts_at(day, minute) < now + MIN_NOTICE


def _taken(session: Session, counters: Sequence[Counter], first: date, last: date) -> dict:
    rows = session.execute(
        select(
            SlotPlaces.counter_id,
            SlotPlaces.day,
            SlotPlaces.start_minute,
            SlotPlaces.capacity,
            SlotPlaces.taken,
        )
        .where(SlotPlaces.counter_id.in_([c.id for c in counters]))
        .where(SlotPlaces.day >= first, SlotPlaces.day <= last)
    )
    return {(r.counter_id, r.day, r.start_minute): r.capacity - r.taken for r in rows}


def _free_at(counter: Counter, day: date, start: int, units: int, free: dict) -> int:
    return min(free.get((counter.id, day, start + i * SLOT_MINUTES), counter.capacity) for i in range(units))


def times_on(session: Session, visit: Visit, day: date, *, now: datetime) -> list[TimeOption]:
    """Every start time of ``day`` for the visit, with its free places (0 when fully booked).
    Raises NotBookable outside the horizon and DayClosed on a closed day."""
    first, last = horizon(now)
    if not first <= day <= last:
        raise NotBookable()
    counters = counters_for(session, visit)
    closures = closures_between(session, day, day).get(day, [])
    free = _taken(session, counters, day, day)
    totals: dict[int, int] = {}
    for counter in counters:
        for start in starts_in(counter_periods(counter, day, closures), visit.minutes):
            totals[start] = totals.get(start, 0) + max(0, _free_at(counter, day, start, visit.units, free))
    if not totals:
        raise DayClosed(day=day.isoformat())
    return [
        TimeOption(day, start, start + visit.minutes, n)
        for start, n in sorted(totals.items())
        if not too_soon(day, start, now=now)
    ]


def days_for(session: Session, visit: Visit, *, now: datetime) -> list[DayOption]:
    """Each day of the horizon with the visit's free places (closed days marked)."""
    first, last = horizon(now)
    counters = counters_for(session, visit)
    closures = closures_between(session, first, last)
    free = _taken(session, counters, first, last)
    out = []
    day = first
    while day <= last:
        total, open_ = 0, False
        for counter in counters:
            for start in starts_in(counter_periods(counter, day, closures.get(day, [])), visit.minutes):
                open_ = True
                if not too_soon(day, start, now=now):
                    total += max(0, _free_at(counter, day, start, visit.units, free))
        if open_ and not (day == first and total == 0):
            out.append(DayOption(day, total))
        elif not open_ and day.isoweekday() < 6:
            out.append(DayOption(day, 0, closed=True))
        day += timedelta(days=1)
    return out


def counters_at(session: Session, visit: Visit, day: date, start: int, *, now: datetime) -> list[Counter]:
    """The counters where the visit may start at ``start`` on ``day`` (in the order places are
    given); raises NotBookable, DayClosed or SlotPast with what is wrong."""
    first, last = horizon(now)
    if not first <= day <= last:
        raise NotBookable()
    closures = closures_between(session, day, day).get(day, [])
    candidates = [
        (counter, starts_in(counter_periods(counter, day, closures), visit.minutes))
        for counter in counters_for(session, visit)
    ]
    if not any(starts for _, starts in candidates):
        raise DayClosed(day=day.isoformat())
    fitting = [counter for counter, starts in candidates if start in starts]
    if not fitting:
        raise NotBookable()
    if too_soon(day, start, now=now):
        raise SlotPast()
    return fitting
