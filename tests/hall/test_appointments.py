"""Appointments: slots on holidays, make-up working days and closures; capacity; one active booking
per person per item; cancel and reschedule; confirmations and reminders in the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from hetao import hall
from hetao.catalog import get_service
from hetao.hall import Counter, counter_periods, visit_for_plan, visit_for_service
from hetao.hall.appointment_models import SlotPlaces
from hetao.notify import OutboxMessage
from tests.cases.helpers import person

#: Tuesday 1 December 2026, 09:00 in the hall (Asia/Shanghai).
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
FINANCE = "hk-resident-personal-rmb-account"  # C02 (two places) and the three comprehensive windows
MONDAY = date(2026, 12, 7)
NINE = 9 * 60


def visit(session, slug=FINANCE):
    return visit_for_service(get_service(session, slug))


def outbox(session, user_id):
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.user_id == user_id).order_by(OutboxMessage.created_at)
        )
    )


def test_slots_follow_opening_hours_and_capacity(session):
    times = hall.times_on(session, visit(session), MONDAY, now=NOW)
    assert [t.value for t in times][:3] == ["09:00", "09:30", "10:00"]
    assert "12:00" not in [t.value for t in times] and "13:30" in [t.value for t in times]
    assert times[-1].label == "17:00–17:30"
    assert {t.free for t in times} == {5}  # C02 (2) + A01 + A02 + A03


def test_no_slots_on_weekends_holidays_and_hall_closures_but_on_make_up_days(session):
    with pytest.raises(hall.DayClosed):
        hall.times_on(session, visit(session), date(2026, 12, 6), now=NOW)  # a Sunday
    with pytest.raises(hall.DayClosed):
        hall.times_on(session, visit(session), date(2026, 12, 18), now=NOW)  # sample hall closure
    # A one-counter closure: C02 is closed on 2026-12-22, the comprehensive windows are open.
    assert {t.free for t in hall.times_on(session, visit(session), date(2026, 12, 22), now=NOW)} == {3}
    days = {d.day: d for d in hall.days_for(session, visit(session), now=NOW)}
    assert days[date(2026, 12, 18)].closed and not days[date(2026, 12, 17)].closed
    assert date(2026, 12, 5) not in days  # weekends are not offered at all

    new_year = datetime(2025, 12, 29, 1, 0, tzinfo=UTC)
    with pytest.raises(hall.DayClosed):
        hall.times_on(session, visit(session), date(2026, 1, 1), now=new_year)  # 元旦
    # Sunday 2026-01-04 is a make-up working day (補班): open with Monday's hours.
    assert hall.times_on(session, visit(session), date(2026, 1, 4), now=new_year)[0].value == "09:00"


def test_counters_on_the_hong_kong_calendar_close_on_hong_kong_holidays():
    hk = Counter(
        code="H1",
        names={},
        categories=[],
        hours={"5": [["09:00", "12:00"]]},
        calendars=["mainland", "hong_kong"],
    )
    mainland = Counter(
        code="M1", names={}, categories=[], hours={"5": [["09:00", "12:00"]]}, calendars=["mainland"]
    )
    good_friday = date(2026, 4, 3)
    assert counter_periods(hk, good_friday) == []
    assert counter_periods(mainland, good_friday) == [(540, 720)]


def test_no_slots_in_the_past_today_after_the_cutoff_or_beyond_the_horizon(session):
    v = visit(session)
    today = hall.times_on(session, v, date(2026, 12, 1), now=NOW)
    assert today[0].value == "10:00"  # at least an hour's notice
    after_cutoff = datetime(2026, 12, 1, 4, 5, tzinfo=UTC)  # 12:05 in the hall: no more slots today
    assert hall.times_on(session, v, date(2026, 12, 1), now=after_cutoff) == []
    assert hall.days_for(session, v, now=after_cutoff)[0].day == date(2026, 12, 2)
    with pytest.raises(hall.SlotPast):
        hall.book(
            session,
            person(session, "a@example.org"),
            visit=v,
            day=date(2026, 12, 1),
            start_minute=NINE,
            locale="en",
            now=NOW,
        )
    with pytest.raises(hall.NotBookable):
        hall.times_on(session, v, date(2027, 3, 1), now=NOW)
    with pytest.raises(hall.NotBookable):
        hall.book(
            session,
            person(session, "b@example.org"),
            visit=v,
            day=MONDAY,
            start_minute=NINE + 7,
            locale="en",
            now=NOW,
        )


def test_capacity_is_never_exceeded_and_the_sixth_person_is_told(session):
    v = visit(session)
    booked = [
        hall.book(
            session,
            person(session, f"p{i}@example.org"),
            visit=v,
            day=MONDAY,
            start_minute=NINE,
            locale="en",
            now=NOW,
        )
        for i in range(5)
    ]
    counters = [session.get(Counter, a.counter_id).code for a in booked]
    assert counters[:2] == ["C02", "C02"] and sorted(counters[2:]) == ["A01", "A02", "A03"]
    before = session.scalars(select(SlotPlaces.taken).where(SlotPlaces.day == MONDAY)).all()
    with pytest.raises(hall.SlotTaken) as error:
        hall.book(
            session,
            person(session, "late@example.org"),
            visit=v,
            day=MONDAY,
            start_minute=NINE,
            locale="en",
            now=NOW,
        )
    assert error.value.code == "hall.slot_taken"
    assert session.scalars(select(SlotPlaces.taken).where(SlotPlaces.day == MONDAY)).all() == before
    assert hall.times_on(session, v, MONDAY, now=NOW)[0].free == 0


def test_one_active_booking_per_person_per_item(session):
    me = person(session, "me@example.org")
    v = visit(session)
    first = hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE, locale="en", now=NOW)
    assert len(first.code) == 8 and set(first.code) <= set(hall.appointments.CODE_ALPHABET)
    with pytest.raises(hall.AlreadyBooked) as error:
        hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE + 60, locale="en", now=NOW)
    assert error.value.params["reference"] == hall.display_code(first.code)
    # A plan visit holding the same item is a second booking of it too.
    services = [get_service(session, FINANCE), get_service(session, "hk-invested-company-registration")]
    with pytest.raises(hall.AlreadyBooked):
        hall.book(
            session,
            me,
            visit=visit_for_plan("company-setup", services),
            day=MONDAY,
            start_minute=NINE,
            locale="en",
            now=NOW,
        )
    hall.cancel(session, me, first.code, now=NOW)
    again = hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE + 60, locale="en", now=NOW)
    assert again.state == "booked" and again.code != first.code


def test_the_database_refuses_a_second_active_key(session):
    me = person(session, "me@example.org")
    v = visit(session)
    hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE, locale="en", now=NOW)
    # Even when the friendly check is bypassed (a race), the unique key stops the second booking.
    original = hall.appointments._existing_code
    hall.appointments._existing_code = lambda *a, **k: None
    try:
        with pytest.raises(hall.AlreadyBooked):
            hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE + 30, locale="en", now=NOW)
    finally:
        hall.appointments._existing_code = original
    assert session.scalar(
        select(SlotPlaces.taken).where(SlotPlaces.day == MONDAY, SlotPlaces.start_minute == NINE + 30)
    ) in (None, 0)


def test_a_plan_visit_takes_consecutive_slots_at_a_comprehensive_window(session):
    me = person(session, "me@example.org")
    slugs = [
        "hk-invested-company-registration",
        "hk-invested-company-basic-account",
        "new-company-tax-info-confirmation",
        "company-change-registration",
    ]
    v = visit_for_plan("company-setup", [get_service(session, s) for s in slugs])
    assert v.units == 2 and v.minutes == 60
    appointment = hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE, locale="en", now=NOW)
    assert session.get(Counter, appointment.counter_id).comprehensive
    assert (appointment.start_minute, appointment.end_minute) == (540, 600)
    assert [t.value for t in hall.times_on(session, v, MONDAY, now=NOW)][-1] == "16:30"
    assert len(appointment.items) == 4


def test_cancel_frees_the_place_and_withdraws_the_reminder(session):
    me = person(session, "me@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="en", now=NOW
    )
    messages = outbox(session, me.user_id)
    assert [m.kind for m in messages] == ["hall.appointment.booked", "hall.appointment.reminder"]
    reminder = messages[1]
    # Due the day before at 10:00 in the hall (02:00 UTC).
    assert reminder.due_at.replace(tzinfo=UTC) == datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    assert hall.display_code(appointment.code) in messages[0].subject
    hall.cancel(session, me, appointment.code, now=NOW)
    assert appointment.state == "cancelled" and appointment.reminder_id is None
    assert [m.kind for m in outbox(session, me.user_id)] == [
        "hall.appointment.booked",
        "hall.appointment.cancelled",
    ]
    assert hall.times_on(session, visit(session), MONDAY, now=NOW)[0].free == 5
    with pytest.raises(hall.NotActive):
        hall.cancel(session, me, appointment.code, now=NOW)


def test_reschedule_moves_the_place_and_the_reminder(session):
    me = person(session, "me@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="en", now=NOW
    )
    old_reminder = appointment.reminder_id
    moved = hall.reschedule(
        session, me, appointment.code, day=date(2026, 12, 9), start_minute=14 * 60, now=NOW
    )
    assert (moved.day, moved.start_minute, moved.sequence) == (date(2026, 12, 9), 840, 1)
    times = {t.value: t.free for t in hall.times_on(session, visit(session), MONDAY, now=NOW)}
    assert times["09:00"] == 5
    assert {t.value: t.free for t in hall.times_on(session, visit(session), date(2026, 12, 9), now=NOW)}[
        "14:00"
    ] == 4
    kinds = [m.kind for m in outbox(session, me.user_id)]
    assert kinds == ["hall.appointment.booked", "hall.appointment.changed", "hall.appointment.reminder"]
    assert session.get(OutboxMessage, old_reminder) is None
    new_reminder = session.get(OutboxMessage, moved.reminder_id)
    assert new_reminder.due_at.replace(tzinfo=UTC) == datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def test_a_failed_reschedule_changes_nothing(session):
    me = person(session, "me@example.org")
    v = visit(session)
    mine = hall.book(session, me, visit=v, day=MONDAY, start_minute=NINE, locale="en", now=NOW)
    for i in range(5):
        hall.book(
            session,
            person(session, f"o{i}@example.org"),
            visit=v,
            day=MONDAY,
            start_minute=NINE + 30,
            locale="en",
            now=NOW,
        )
    with pytest.raises(hall.SlotTaken):
        hall.reschedule(session, me, mine.code, day=MONDAY, start_minute=NINE + 30, now=NOW)
    session.refresh(mine)
    assert (mine.start_minute, mine.sequence, mine.state) == (NINE, 0, "booked")
    taken = dict(
        session.execute(
            select(SlotPlaces.start_minute, SlotPlaces.taken).where(
                SlotPlaces.day == MONDAY, SlotPlaces.counter_id == mine.counter_id
            )
        ).all()
    )
    assert taken[NINE] == 1
    with pytest.raises(hall.SameTime):
        hall.reschedule(session, me, mine.code, day=MONDAY, start_minute=NINE, now=NOW)
    with pytest.raises(hall.DayClosed):
        hall.reschedule(session, me, mine.code, day=date(2026, 12, 18), start_minute=NINE, now=NOW)


def test_check_in_and_complete_for_the_queue_desk(session):
    me = person(session, "me@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="en", now=NOW
    )
    code = hall.display_code(appointment.code).lower()  # as typed at the desk
    assert hall.appointment_by_code(session, code).id == appointment.id
    with pytest.raises(hall.NotToday):
        hall.check_in(session, code, now=NOW)
    on_the_day = datetime(2026, 12, 7, 0, 50, tzinfo=UTC)
    with pytest.raises(hall.NotActive):
        hall.complete(session, code, now=on_the_day)
    assert hall.check_in(session, code, now=on_the_day).state == "checked_in"
    assert appointment.reminder_id is None
    with pytest.raises(hall.NotActive):
        hall.cancel(session, me, code, now=on_the_day)
    assert hall.complete(session, code, now=on_the_day + timedelta(minutes=20)).state == "completed"
    assert all(item.active_key is None for item in appointment.items)
    with pytest.raises(hall.AppointmentNotFound):
        hall.appointment_by_code(session, "ZZZZ-ZZZZ")
    per_day = hall.appointments_per_day(session, first=MONDAY, last=MONDAY)
    assert per_day == {MONDAY: {"completed": 1}}


def test_another_persons_code_is_not_found(session):
    me = person(session, "me@example.org")
    other = person(session, "other@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="en", now=NOW
    )
    with pytest.raises(hall.AppointmentNotFound):
        hall.cancel(session, other, appointment.code, now=NOW)


def test_calendar_event_is_in_utc(session):
    me = person(session, "me@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="en", now=NOW
    )
    event = hall.calendar_event(appointment, summary="Visit")
    assert event.starts_at == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)


def test_the_reminder_is_not_sent_or_shown_before_it_is_due(session):
    from hetao.notify import messages_for
    from hetao.notify.outbox import claim_due

    me = person(session, "me@example.org")
    appointment = hall.book(
        session, me, visit=visit(session), day=MONDAY, start_minute=NINE, locale="zh-Hans", now=NOW
    )
    reminder = session.get(OutboxMessage, appointment.reminder_id)
    claimed = {m.kind for m in claim_due(session, NOW) if m.user_id == me.user_id}
    assert claimed == {"hall.appointment.booked"}
    later = {m.kind for m in claim_due(session, reminder.due_at.replace(tzinfo=UTC) + timedelta(minutes=1))}
    assert "hall.appointment.reminder" in later
    assert "提醒" in reminder.subject and "預" not in reminder.body  # in the booking's language
    shown = {m.kind for m in messages_for(session, me.user_id)}
    assert "hall.appointment.booked" in shown
