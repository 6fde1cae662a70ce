"""The mainland working-day calendar: holidays, adjusted working days (補班), the counting convention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hetao.core.workdays import (
    Calendar,
    CalendarDataError,
    add_working_days,
    is_working_day,
    mainland_calendar,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Spring Festival
        (date(2026, 2, 14), True),  # Saturday, adjusted working day
        (date(2026, 2, 16), False),  # Monday, Spring Festival
        (date(2026, 2, 23), False),  # Monday, last day of the holiday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, adjusted working day
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 9, 20), True),  # Sunday, adjusted for National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday, adjusted for National Day
        (date(2026, 1, 4), True),  # Sunday, adjusted for New Year
        (date(2025, 1, 26), True),
        (date(2025, 10, 8), False),
    ],
)
def test_holidays_and_adjusted_working_days(day, working):
    assert is_working_day(day) is working


def test_the_day_after_start_is_day_one():
    monday = date(2026, 3, 2)
    assert add_working_days(monday, 0) == monday
    assert add_working_days(monday, 1) == date(2026, 3, 3)
    assert add_working_days(monday, 5) == date(2026, 3, 9)  # skips the weekend
    saturday = date(2026, 3, 7)
    assert add_working_days(saturday, 1) == date(2026, 3, 9)


def test_across_spring_festival_2026():
    # Thursday 12 Feb + 5: Fri 13, Sat 14 (補班), Tue 24, Wed 25, Thu 26.
    assert add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5


def test_across_national_day_2026():
    # Friday 18 Sep + 3: Sun 20 Sep (補班), Mon 21, Tue 22.
    assert add_working_days(date(2026, 9, 18), 3) == date(2026, 9, 22)
    # Wed 30 Sep + 2: Thu 8 Oct, Fri 9 Oct (1–7 Oct off); + 3 reaches Sat 10 Oct (補班).
    assert add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_between_and_add_agree_over_two_years():
    cal = mainland_calendar()
    start = date(2025, 1, 1)
    for n in range(0, 500, 7):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_between_counts_day_by_day():
    cal = mainland_calendar()
    a, b = date(2025, 12, 20), date(2026, 10, 15)
    expected = sum(1 for i in range(1, (b - a).days + 1) if cal.is_working_day(a + timedelta(days=i)))
    assert cal.working_days_between(a, b) == expected
    assert cal.working_days_between(b, a) == -expected
    assert cal.working_days_between(a, a) == 0


def test_the_table_covers_2025_and_2026_only():
    cal = mainland_calendar()
    assert cal.covers(2025) and cal.covers(2026)
    assert not cal.covers(2027)
    # Outside the table: Monday to Friday.
    assert is_working_day(date(2027, 1, 1))  # a Friday: no table, so a working day
    assert not is_working_day(date(2027, 1, 2))


def test_holiday_names():
    cal = mainland_calendar()
    assert cal.holiday_name(date(2026, 2, 17), "zh-Hant") == "春節"
    assert cal.holiday_name(date(2026, 10, 1), "en") == "National Day"
    assert cal.holiday_name(date(2026, 3, 2), "en") is None


def test_explicit_sets_for_tests():
    cal = Calendar.from_sets(holidays={date(2030, 1, 1)}, working_days={date(2030, 1, 5)})
    assert cal.covers(2030)
    assert not cal.is_working_day(date(2030, 1, 1))
    assert cal.is_working_day(date(2030, 1, 5))
    assert cal.add_working_days(date(2029, 12, 31), 1) == date(2030, 1, 2)
    with pytest.raises(CalendarDataError):
        Calendar.from_sets(holidays={date(2030, 1, 1)}, working_days={date(2030, 1, 1)})


def test_bad_tables_are_refused_with_the_place():
    with pytest.raises(CalendarDataError, match="years.2030.working_days"):
        Calendar.from_yaml("years:\n  2030:\n    working_days: [2030-01-07]\n")  # a Monday
    with pytest.raises(CalendarDataError, match="holidays\\[0\\]"):
        Calendar.from_yaml("years:\n  2030:\n    holidays:\n      - {from: 2030-01-03, to: 2030-01-01}\n")


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
