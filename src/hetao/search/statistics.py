"""Figures of the no-match log for the operations dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.core.periods import DateRange
from hetao.search.models import SearchMiss


@dataclass(frozen=True)
class Miss:
    query: str
    locale: str
    count: int
    first_seen: datetime
    last_seen: datetime


def top_misses(session: Session, *, period: DateRange, limit: int = 10) -> list[Miss]:
    """The questions without a good answer asked during the range, most often asked first.

    The log keeps one row per question and language with a running count and the first and last time
    it was asked, not every asking: a question counts for the range when the span from its first to
    its last asking overlaps the range, and its count is the total since it was first asked."""
    rows = session.scalars(
        select(SearchMiss)
        .where(SearchMiss.first_seen < period.until, SearchMiss.last_seen >= period.since)
        .order_by(SearchMiss.count.desc(), SearchMiss.last_seen.desc(), SearchMiss.id)
        .limit(limit)
    )
    return [Miss(r.query, r.locale, r.count, r.first_seen, r.last_seen) for r in rows]
