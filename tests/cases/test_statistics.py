"""The dashboard's figures from cases, on every backend: time limits per department counted by the
local date of the decision, open steps overdue today, submissions per local day, ratings."""

from __future__ import annotations

from datetime import date

from hetao import cases
from hetao.core.periods import DateRange
from tests.cases.helpers import person
from tests.cases.statistics_helpers import at, case_row, department_id, rating_row, task_row

MARCH = DateRange(date(2025, 3, 1), date(2025, 3, 31))
TODAY = date(2025, 4, 15)


def by_department(rows):
    return {r.department_id: r for r in rows}


def test_on_time_and_late_are_decided_by_the_local_date_of_the_decision(session):
    applicant = person(session, "stats@example.org")
    amr, tax = department_id(session, "futian-amr"), department_id(session, "futian-tax")
    case = case_row(session, applicant, submitted=at("2025-03-03"))
    due = date(2025, 3, 10)
    task_row(session, case, department=amr, state="approved", due_on=due, decided=at("2025-03-07"))
    # 23:30 in Shenzhen on the due date is 15:30 UTC: on time.
    task_row(session, case, department=amr, state="rejected", due_on=due, decided=at("2025-03-10", "23:30"))
    # 00:30 the next local day is still 16:30 UTC on the due date: late.
    task_row(session, case, department=amr, state="approved", due_on=due, decided=at("2025-03-11", "00:30"))
    task_row(session, case, department=tax, state="approved", due_on=due, decided=at("2025-03-20"))
    # Not counted: no time limit; decided outside the range; not decided.
    task_row(session, case, department=tax, state="approved", due_on=None, decided=at("2025-03-20"))
    task_row(session, case, department=tax, state="approved", due_on=due, decided=at("2025-04-01", "00:10"))
    task_row(session, case, department=tax, state="cancelled", due_on=due)

    rows = by_department(cases.compliance_by_department(session, period=MARCH, today=TODAY))
    assert (rows[amr].on_time, rows[amr].late, rows[amr].decided) == (2, 1, 3)
    assert (rows[tax].on_time, rows[tax].late) == (0, 1)


def test_overdue_counts_open_running_steps_past_due_today_whatever_the_range(session):
    applicant = person(session, "stats@example.org")
    hr = department_id(session, "futian-hr")
    case = case_row(session, applicant, submitted=at("2024-12-01"))
    task_row(session, case, department=hr, state="ready", due_on=date(2025, 4, 14))
    task_row(session, case, department=hr, state="in_progress", due_on=date(2024, 12, 20))
    task_row(session, case, department=hr, state="in_progress", due_on=TODAY)  # due today: not yet late
    task_row(session, case, department=hr, state="supplement_requested", due_on=date(2025, 1, 2))  # paused
    task_row(session, case, department=hr, state="waiting", due_on=None)

    rows = by_department(cases.compliance_by_department(session, period=MARCH, today=TODAY))
    assert (rows[hr].overdue_now, rows[hr].on_time, rows[hr].late) == (2, 0, 0)


def test_submissions_are_counted_per_local_day_with_empty_days(session):
    applicant = person(session, "stats@example.org")
    case_row(session, applicant, submitted=at("2025-02-28", "23:50"))  # before the range
    case_row(session, applicant, submitted=at("2025-03-01", "00:10"))  # 2025-02-28 UTC, but 1 March here
    case_row(session, applicant, submitted=at("2025-03-01", "17:00"))
    case_row(session, applicant, submitted=at("2025-03-31", "23:59"))
    case_row(session, applicant, submitted=None, status="draft")

    days = cases.submissions_per_day(session, period=MARCH)
    assert len(days) == 31 and days[0] == (date(2025, 3, 1), 2) and days[-1] == (date(2025, 3, 31), 1)
    assert sum(n for _, n in days) == 3


def test_ratings_are_spread_over_the_five_levels(session):
    applicant = person(session, "stats@example.org")
    scores = [5, 5, 4, 1]
    for score in scores:
        case = case_row(session, applicant, submitted=at("2025-03-02"), status="completed")
        rating_row(session, case, score, at("2025-03-05"))
    late = case_row(session, applicant, submitted=at("2025-03-02"), status="completed")
    rating_row(session, late, 3, at("2025-04-02"))

    assert cases.ratings_distribution(session, period=MARCH) == [(5, 2), (4, 1), (3, 0), (2, 0), (1, 1)]


def test_an_empty_range_gives_zeros_not_errors(session):
    quiet = DateRange(date(2003, 1, 1), date(2003, 1, 1))
    assert cases.submissions_per_day(session, period=quiet) == [(date(2003, 1, 1), 0)]
    assert cases.ratings_distribution(session, period=quiet) == [(s, 0) for s in (5, 4, 3, 2, 1)]
    assert all(r.decided == 0 for r in cases.compliance_by_department(session, period=quiet, today=TODAY))
