"""Case reference numbers: HT-<year>-<six digits>, one sequence per year, never given out twice."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hetao.cases.models import CaseCounter
from hetao.core.errors import Conflict


def next_reference(session: Session, year: int) -> str:
    for _ in range(50):
        last = session.scalar(
            select(CaseCounter.last)
            .where(CaseCounter.year == year)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if last is None:
            try:
                with session.begin_nested():
                    session.add(CaseCounter(year=year, last=1))
                return f"HT-{year}-{1:06d}"
            except IntegrityError:
                continue
        moved = session.execute(
            update(CaseCounter)
            .where(CaseCounter.year == year, CaseCounter.last == last)
            .values(last=last + 1)
        )
        if moved.rowcount == 1:
            return f"HT-{year}-{last + 1:06d}"
    raise Conflict()
