"""The no-match log's top questions for a range of dates, on every backend."""

from __future__ import annotations

from datetime import date

from hetao.core.periods import DateRange
from hetao.search import top_misses
from hetao.search.models import SearchMiss
from tests.cases.statistics_helpers import at

MARCH = DateRange(date(2025, 3, 1), date(2025, 3, 31))


def miss(session, query, count, first, last, locale="en"):
    session.add(SearchMiss(query=query, locale=locale, count=count, first_seen=first, last_seen=last))
    session.flush()


def test_questions_asked_in_the_range_most_frequent_first(session):
    miss(session, "drone permit", 4, at("2025-03-02"), at("2025-03-20"))
    miss(
        session, "無人機", 9, at("2025-01-02"), at("2025-03-01", "00:05"), locale="zh-Hant"
    )  # spans into March
    miss(session, "pet visa", 7, at("2025-02-01"), at("2025-02-28", "23:55"))  # last asked before March
    miss(session, "boat licence", 5, at("2025-04-01", "00:01"), at("2025-04-03"))  # first asked after
    for n in range(12):
        miss(session, f"rare question {n}", 2, at("2025-03-10"), at("2025-03-11"))

    top = top_misses(session, period=MARCH, limit=10)
    assert [m.query for m in top[:2]] == ["無人機", "drone permit"]
    assert len(top) == 10 and all(m.count == 2 for m in top[2:])
    assert {"pet visa", "boat licence"}.isdisjoint(
        m.query for m in top_misses(session, period=MARCH, limit=50)
    )
    assert top_misses(session, period=DateRange(date(2003, 1, 1), date(2003, 1, 2))) == []
