"""Time limits of tasks: due dates on the mainland working-day calendar, paused during supplements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hetao.cases.models import Task
from hetao.core.workdays import Calendar, add_working_days, mainland_calendar, working_days_between

ZONE = ZoneInfo("Asia/Shanghai")
OPEN_STATES = ("ready", "in_progress", "supplement_requested")


def local_today(now: datetime) -> date:
    return now.astimezone(ZONE).date()


def due_date(start: date, task: Task, calendar: Calendar | None = None) -> date | None:
    if task.time_limit_days is None:
        return None
    if task.time_limit_unit == "calendar_day":
        return start + timedelta(days=task.time_limit_days)
    return add_working_days(start, task.time_limit_days, calendar or mainland_calendar())


def pause(task: Task, today: date) -> None:
    if task.clock_paused_on is None:
        task.clock_paused_on = today


def resume(task: Task, today: date, calendar: Calendar | None = None) -> None:
    """Move the due date on by the working days the clock was paused."""
    if task.clock_paused_on is None:
        return
    if task.due_on is not None:
        paused = working_days_between(task.clock_paused_on, today, calendar or mainland_calendar())
        task.due_on = add_working_days(task.due_on, paused, calendar or mainland_calendar())
    task.clock_paused_on = None


def is_overdue(task: Task, today: date) -> bool:
    return task.state in ("ready", "in_progress") and task.due_on is not None and task.due_on < today


def utc_naive(value: datetime) -> datetime:
    """Comparable timestamps whether or not the database kept the zone (all are stored in UTC)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
