"""Date ranges of reports (both ends included, in the zone's local time) and their validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_

#: The zone's clock (Shenzhen and Hong Kong keep the same time, without summer time).
ZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class DateRange:
    """From ``start`` to ``end``, both included, as local dates."""

    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def since(self) -> datetime:
        """The first instant of the range, in UTC."""
        return datetime.combine(self.start, time(), ZONE).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the range, in UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(), ZONE).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The local date of a stored timestamp (stored in UTC; SQLite may return it without zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE).date()


def last_days(today: date, days: int = DEFAULT_DAYS) -> DateRange:
    """The ``days`` days up to and including ``today``."""
    return DateRange(today - timedelta(days=days - 1), today)


def _parse(value: str, field: str, problems: list[Problem]) -> date | None:
    try:
        parsed = date.fromisoformat(value)
        if not 2000 <= parsed.year <= 2099:
            raise ValueError(value)
        return parsed
    except ValueError:
        problems.append(
            Problem(
                field,
                N_("Enter the date as year-month-day, for example %(example)s."),
                {"example": "2026-03-31"},
            )
        )
        return None


def parse_range(start: str | None, end: str | None, *, today: date) -> DateRange:
    """A range from the ``from`` and ``to`` fields of a form (ISO dates). A missing end is today; a
    missing start is 30 days before the end. Raises ValidationFailed naming the field at fault."""
    start, end = (start or "").strip(), (end or "").strip()
    problems: list[Problem] = []
    last = _parse(end, "to", problems) if end else today
    first = _parse(start, "from", problems) if start else None
    if problems:
        raise ValidationFailed(problems, N_("The dates are not valid."))
    assert last is not None
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed(
            [Problem("from", N_("The start date must be on or before the end date."))],
            N_("The dates are not valid."),
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            [Problem("from", N_("Choose a range of at most %(days)s days."), {"days": MAX_DAYS})],
            N_("The dates are not valid."),
        )
    return DateRange(first, last)
