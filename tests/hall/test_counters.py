"""The hall's counters: which serve a category, and when they are open."""

from datetime import date, time

from hetao.hall import counters_serving, get_counter, list_counters, opening_periods
from hetao.hall.models import Counter


def test_sample_counters_are_loaded_with_departments(session):
    counters = list_counters(session)
    assert [c.code for c in counters][:3] == ["A01", "A02", "A03"]
    assert all(c.department_id for c in counters)


def test_a_category_is_served_by_its_own_windows_first_then_comprehensive_ones(session):
    codes = [c.code for c in counters_serving(session, "public_security")]
    assert codes[0] == "B01"
    assert set(codes[1:]) == {"A01", "A02", "A03"}
    assert "B02" not in codes


def test_opening_periods_follow_the_mainland_calendar():
    counter = Counter(
        code="X", names={}, categories=[], hours={"1": [["09:00", "12:00"]]}, calendars=["mainland"]
    )
    assert opening_periods(counter, date(2026, 11, 30)) == [(time(9), time(12))]  # a Monday
    assert opening_periods(counter, date(2026, 11, 29)) == []  # a Sunday
    assert opening_periods(counter, date(2026, 10, 5)) == []  # National Day holiday, a Monday


def test_a_make_up_working_day_opens_with_monday_hours():
    counter = Counter(
        code="X", names={}, categories=[], hours={"1": [["09:00", "12:00"]]}, calendars=["mainland"]
    )
    # 2026-01-04 (a Sunday) is a make-up working day (補班) for the New Year holiday.
    assert opening_periods(counter, date(2026, 1, 4)) == [(time(9), time(12))]


def test_get_counter_by_code(session):
    assert get_counter(session, "C02").capacity == 2
    assert get_counter(session, "Z99") is None
