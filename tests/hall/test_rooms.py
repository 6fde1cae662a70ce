"""Negotiation rooms: booking within opening hours, no overlaps (also under concurrency, with real
commits on each backend), approval and rejection, cancelling, availability, .ics, dashboard counts."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from hetao import notify
from hetao.accounts import principal_for, user_by_email
from hetao.core.errors import HetaoError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from hetao.core.settings import Settings
from hetao.hall import ics, rooms
from hetao.hall.room_event_models import Room, RoomBooking
from hetao.hall.sample import load_rooms
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade
from tests.cases.helpers import person

# Friday 2027-02-26, 10:00 in Shenzhen; Monday 2027-03-01 is a working day.
NOW = datetime(2027, 2, 26, 2, 0, tzinfo=UTC)
MONDAY = "2027-03-01"


def book(session, who, *, room="negotiation-room-1", day=MONDAY, start="10:00", end="11:00", attendees="4"):
    return rooms.book_room(
        session,
        who,
        room_slug=room,
        day=day,
        start=start,
        end=end,
        purpose="Term sheet discussion",
        organisation="Example Robotics Ltd",
        attendees=attendees,
        now=NOW,
    )


def count(session, model=RoomBooking):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def people(session):
    return person(session, "founder@example.org"), person(session, "other@example.org")


@pytest.fixture
def admin(session):
    return person(session, "admin.rooms@example.org", admin=True)


def test_sample_rooms_have_names_in_three_languages_and_known_equipment(session):
    listed = rooms.list_rooms(session)
    assert len(listed) >= 3
    for room in listed:
        assert set(room.names) == {"zh-Hant", "zh-Hans", "en"}
        assert set(room.equipment) <= set(rooms.EQUIPMENT)
    assert any(r.needs_approval for r in listed) and not all(r.needs_approval for r in listed)


def test_a_booking_is_confirmed_and_mailed(session, people):
    me, _ = people
    booking = book(session, me)
    assert booking.state == "confirmed"
    assert rooms.local(booking.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-03-01 10:00"
    mail = notify.messages_for(session, me.user_id)[0]
    assert "Negotiation room 1" in mail.subject and "10:00" in mail.body and "11:00" in mail.body


def test_overlapping_bookings_are_refused_and_adjacent_ones_accepted(session, people):
    me, other = people
    book(session, me, start="10:00", end="11:00")
    before = count(session)
    for start, end in (("10:00", "11:00"), ("09:30", "10:30"), ("10:30", "12:00"), ("09:00", "17:30")):
        with pytest.raises(rooms.RoomTaken):
            book(session, other, start=start, end=end)
    assert count(session) == before
    assert book(session, other, start="11:00", end="12:00").state == "confirmed"
    assert book(session, other, start="09:00", end="10:00").state == "confirmed"
    # Another room at the same time is free.
    assert book(session, other, room="negotiation-room-2").state == "confirmed"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attendees": "7"}, "attendees"),  # room 1 takes 6
        ({"attendees": "0"}, "attendees"),
        ({"attendees": "many"}, "attendees"),
        ({"day": "2027-02-28"}, "day"),  # a Sunday
        ({"day": "2027-02-25"}, "day"),  # yesterday
        ({"day": "2027-12-01"}, "day"),  # too far ahead
        ({"day": "1 March"}, "day"),
        ({"start": "08:00", "end": "09:30"}, "start"),  # before opening
        ({"start": "17:00", "end": "18:00"}, "start"),  # after closing
        ({"start": "10:15", "end": "11:00"}, "start"),
        ({"start": "11:00", "end": "10:00"}, "end"),
        ({"start": "ten"}, "start"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_write_nothing(session, people, changes, field):
    me, _ = people
    before = count(session)
    with pytest.raises(ValidationFailed) as failed:
        book(session, me, **changes)
    assert field in [p.path for p in failed.value.problems]
    assert count(session) == before


def test_a_time_that_has_begun_today_cannot_be_booked(session, people):
    me, _ = people
    with pytest.raises(ValidationFailed) as failed:
        book(session, me, day="2027-02-26", start="09:30", end="10:30")
    assert [p.path for p in failed.value.problems] == ["start"]
    assert book(session, me, day="2027-02-26", start="10:30", end="11:00").state == "confirmed"


def test_pending_bookings_hold_the_time_until_decided(session, people, admin):
    me, other = people
    room = "cross-boundary-meeting-room"
    pending = book(session, me, room=room, attendees="12")
    assert pending.state == "pending"
    assert any("held" in m.body for m in notify.messages_for(session, me.user_id))
    with pytest.raises(rooms.RoomTaken):
        book(session, other, room=room, start="10:30", end="11:30")
    assert [b.id for b in rooms.pending_bookings(session)] == [pending.id]

    with pytest.raises(PermissionDenied):
        rooms.approve_booking(session, other, pending.id, version=pending.version, now=NOW)
    with pytest.raises(ValidationFailed):
        rooms.reject_booking(session, admin, pending.id, version=pending.version, reason=" ", now=NOW)
    rejected = rooms.reject_booking(
        session, admin, pending.id, version=pending.version, reason="The room is closed for repairs.", now=NOW
    )
    assert rejected.state == "rejected" and rejected.decision_reason == "The room is closed for repairs."
    assert any("repairs" in m.body for m in notify.messages_for(session, me.user_id))
    # The time is free again; the second request is approved.
    second = book(session, other, room=room, start="10:30", end="11:30")
    approved = rooms.approve_booking(session, admin, second.id, version=second.version, now=NOW)
    assert approved.state == "confirmed"
    assert any("approved" in m.subject for m in notify.messages_for(session, other.user_id))
    with pytest.raises(InvalidTransition):
        rooms.approve_booking(session, admin, second.id, version=approved.version, now=NOW)


def test_an_approval_on_a_stale_version_is_refused(session, people, admin):
    me, _ = people
    pending = book(session, me, room="cross-boundary-meeting-room")
    rooms.cancel_booking(session, me, pending.id, now=NOW)
    with pytest.raises(rooms.BookingChanged):
        rooms.approve_booking(session, admin, pending.id, version=1, now=NOW)
    assert session.get(RoomBooking, pending.id).state == "cancelled"


def test_cancelling_frees_the_time_and_only_the_booker_can_cancel(session, people):
    me, other = people
    booking = book(session, me)
    with pytest.raises(NotFound):
        rooms.cancel_booking(session, other, booking.id, now=NOW)
    rooms.cancel_booking(session, me, booking.id, now=NOW)
    assert session.get(RoomBooking, booking.id).state == "cancelled"
    with pytest.raises(InvalidTransition):
        rooms.cancel_booking(session, me, booking.id, now=NOW)
    assert book(session, other).state == "confirmed"
    assert [b.id for b in rooms.bookings_of(session, me)] == [booking.id]


def test_a_booking_that_has_begun_cannot_be_cancelled(session, people):
    me, _ = people
    booking = book(session, me)
    with pytest.raises(InvalidTransition):
        rooms.cancel_booking(session, me, booking.id, now=datetime(2027, 3, 1, 2, 30, tzinfo=UTC))


def test_availability_marks_taken_half_hours(session, people):
    me, _ = people
    book(session, me, start="10:00", end="11:00")
    room = rooms.get_room(session, "negotiation-room-1")
    slots = rooms.availability(session, room, date(2027, 3, 1), now=NOW)
    assert slots[0].start.strftime("%H:%M") == "09:00" and slots[-1].end.strftime("%H:%M") == "17:30"
    taken = [s.start.strftime("%H:%M") for s in slots if not s.free]
    assert taken == ["10:00", "10:30"]
    assert rooms.availability(session, room, date(2027, 2, 28), now=NOW) == []


def test_a_confirmed_booking_has_a_calendar_file(session, people):
    me, _ = people
    booking = book(session, me)
    room = session.get(Room, booking.room_id)
    text = ics.render(rooms.booking_calendar(booking, room, "en", title="Meeting"), now=NOW)
    assert "DTSTART:20270301T020000Z" in text and "DTEND:20270301T030000Z" in text
    pending = book(session, me, room="cross-boundary-meeting-room")
    with pytest.raises(PermissionDenied):
        rooms.booking_calendar(pending, session.get(Room, pending.room_id), "en", title="Meeting")


def test_bookings_per_day_for_the_dashboard(session, people):
    me, other = people
    book(session, me)
    book(session, other, start="14:00", end="15:00")
    book(session, me, room="cross-boundary-meeting-room")
    cancelled = book(session, other, day="2027-03-02")
    rooms.cancel_booking(session, other, cancelled.id, now=NOW)
    figures = rooms.bookings_per_day(session, first=date(2027, 3, 1), last=date(2027, 3, 2))
    assert figures == [(date(2027, 3, 1), 2, 1), (date(2027, 3, 2), 0, 0)]


def test_concurrent_overlapping_requests_book_the_room_once(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    emails = [f"racer{n}@example.org" for n in range(6)]
    with unit_of_work(factory) as session:
        load_rooms(session)
        for email in emails:
            person(session, email)

    barrier = threading.Barrier(len(emails))
    outcomes: dict[str, str] = {}

    def act(n: int, email: str) -> None:
        try:
            barrier.wait(timeout=20)
            with unit_of_work(factory, write=True) as session:
                who = principal_for(user_by_email(session, email))
                # Every request overlaps every other at 10:30–11:00.
                book(session, who, start=f"{9 + n % 2}:{'30' if n % 2 == 0 else '00'}", end="11:00")
            outcomes[email] = "won"
        except HetaoError as error:
            outcomes[email] = error.code

    threads = [threading.Thread(target=act, args=(n, e)) for n, e in enumerate(emails)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes.values()) == ["hall.room_taken"] * (len(emails) - 1) + ["won"], outcomes
    with unit_of_work(factory) as session:
        stored = session.scalars(select(RoomBooking)).all()
        assert len(stored) == 1 and stored[0].state == "confirmed"
    engine.dispose()
