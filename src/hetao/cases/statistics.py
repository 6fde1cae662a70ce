"""Figures for the operations dashboard: time-limit compliance per department, applications per
day and the ratings of completed cases, over a range of local dates. Read-only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hetao.cases.applications import SCALE
from hetao.cases.models import Case, Rating, Task
from hetao.core.periods import DateRange, local_date

DECIDED = ("approved", "rejected")
#: States in which the clock runs (as in ``clock.is_overdue``; a supplement pauses it).
RUNNING = ("ready", "in_progress")


@dataclass(frozen=True)
class Compliance:
    """One department's time limits: tasks decided in the range by their due date or after it, and
    its open tasks past their due date today. Tasks without a time limit are not counted."""

    department_id: str | None
    on_time: int = 0
    late: int = 0
    overdue_now: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late


def compliance_by_department(session: Session, *, period: DateRange, today: date) -> list[Compliance]:
    """Per department with any such task, in no particular order (the caller sorts by name)."""
    on_time: Counter[str | None] = Counter()
    late: Counter[str | None] = Counter()
    rows = session.execute(
        select(Task.department_id, Task.due_on, Task.decided_at).where(
            Task.state.in_(DECIDED),
            Task.due_on.is_not(None),
            Task.decided_at >= period.since,
            Task.decided_at < period.until,
        )
    )
    for department_id, due_on, decided_at in rows:
        if local_date(decided_at) <= due_on:
            on_time[department_id] += 1
        else:
            late[department_id] += 1
    overdue = Counter(
        dict(
            session.execute(
                select(Task.department_id, func.count())
                .where(Task.state.in_(RUNNING), Task.due_on < today)
                .group_by(Task.department_id)
            ).all()
        )
    )
    return [
        Compliance(department_id=d, on_time=on_time[d], late=late[d], overdue_now=overdue[d])
        for d in sorted(set(on_time) | set(late) | set(overdue), key=lambda d: d or "")
    ]


def submissions_per_day(session: Session, *, period: DateRange) -> list[tuple[date, int]]:
    """Applications submitted on each local day of the range (every day, zero included)."""
    moments = session.scalars(
        select(Case.submitted_at).where(
            Case.submitted_at.is_not(None),
            Case.submitted_at >= period.since,
            Case.submitted_at < period.until,
        )
    )
    counts = Counter(local_date(m) for m in moments)
    return [(day, counts[day]) for day in period.days]


def ratings_distribution(session: Session, *, period: DateRange) -> list[tuple[int, int]]:
    """(score, number of ratings) for each level of the five-level scale, 5 first, zero included."""
    counts = dict(
        session.execute(
            select(Rating.score, func.count())
            .where(Rating.rated_at >= period.since, Rating.rated_at < period.until)
            .group_by(Rating.score)
        ).all()
    )
    return [(score, counts.get(score, 0)) for score in SCALE]
