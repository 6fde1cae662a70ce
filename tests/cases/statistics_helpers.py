"""Rows for dashboard tests: cases, tasks and ratings at chosen moments (local times in the zone)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from hetao import cases
from hetao.core.periods import ZONE
from hetao.directory import Organization


def at(day: str, clock: str = "10:00") -> datetime:
    """A moment given as local date and time, in UTC as stored."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZONE).astimezone(UTC)


def department_id(session, slug: str) -> str:
    return session.scalar(select(Organization.id).where(Organization.slug == slug))


def case_row(session, applicant, *, submitted: datetime | None, status: str = "submitted") -> cases.Case:
    case = cases.Case(
        applicant_id=applicant.user_id,
        reference=f"T-{uuid.uuid4().hex[:12]}" if submitted else None,
        journey="company-setup",
        title={"en": "Test case"},
        answers={},
        values={},
        status=status,
        created_at=submitted or at("2025-01-01"),
        updated_at=submitted or at("2025-01-01"),
        submitted_at=submitted,
    )
    session.add(case)
    session.flush()
    return case


def task_row(
    session,
    case: cases.Case,
    *,
    department: str,
    state: str,
    due_on: date | None,
    decided: datetime | None = None,
) -> cases.Task:
    task = cases.Task(
        case_id=case.id,
        position=len(case.tasks),
        item_key=f"item-{uuid.uuid4().hex[:8]}",
        names={"en": "A step"},
        department_id=department,
        state=state,
        due_on=due_on,
        time_limit_days=5 if due_on else None,
        decided_at=decided,
    )
    session.add(task)
    session.flush()
    return task


def rating_row(session, case: cases.Case, score: int, rated: datetime) -> cases.Rating:
    rating = cases.Rating(case_id=case.id, score=score, rated_at=rated)
    session.add(rating)
    session.flush()
    return rating
