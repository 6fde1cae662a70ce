"""Negotiation rooms (商務洽談): booking a time range, approval by an administrator where the room
needs it, cancelling, and the day's availability.

No two bookings of a room that hold their time (pending or confirmed) ever overlap: a booking is
checked and written with the room's row locked (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a
writing unit of work holds the database's write lock from its start, ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationFailed,
)
from hetao.core.i18n import N_
from hetao.core.workdays import Calendar
from hetao.hall.counters import opening_periods
from hetao.hall.ics import CalendarEvent
from hetao.hall.localtime import as_utc, at, local, local_today, parse_day, parse_time
from hetao.hall.models import Counter
from hetao.hall.notices import notify_person
from hetao.hall.room_event_models import Room, RoomBooking

#: The rooms' opening hours: the hall's opening days (the mainland calendar, with make-up working
#: days), 09:00–17:30 without the counters' lunch break, since meetings often run across it.
ROOM_HOURS = {str(d): [["09:00", "17:30"]] for d in range(1, 6)}
#: Bookings start and end on the half hour.
STEP = timedelta(minutes=30)
#: How far ahead people may book.
HORIZON_DAYS = 90
HOLDING = ("pending", "confirmed")
STATES = ("pending", "confirmed", "rejected", "cancelled")

#: Equipment keys and their labels (translated where shown).
EQUIPMENT = {
    "display": N_("Large display"),
    "video_conference": N_("Video conferencing"),
    "whiteboard": N_("Whiteboard"),
    "projector": N_("Projector"),
    "microphones": N_("Microphones"),
    "interpretation": N_("Interpretation booth"),
}


class RoomTaken(Conflict):
    code = "hall.room_taken"
    message = N_("That time overlaps another booking of this room. Choose another time.")


class BookingChanged(Conflict):
    code = "hall.booking_changed"
    message = N_("This booking has just been changed by someone else. Reload the page to see it.")


def _hours_counter() -> Counter:
    return Counter(code="ROOMS", names={}, categories=[], hours=ROOM_HOURS, calendars=["mainland"])


def room_periods(day: date, calendar: Calendar | None = None) -> list[tuple[time, time]]:
    """The rooms' opening periods on ``day`` (none on days the hall is closed)."""
    return opening_periods(_hours_counter(), day, calendar)


def time_options(day: date | None = None) -> list[str]:
    """Every half hour of the rooms' opening hours ("09:00" … "17:30"), for the form's lists."""
    periods = room_periods(day) if day else [(time(9), time(17, 30))]
    if not periods:
        periods = [(time(9), time(17, 30))]
    out: list[str] = []
    for start, end in periods:
        moment = datetime.combine(date(2000, 1, 1), start)
        while moment.time() <= end:
            out.append(moment.strftime("%H:%M"))
            moment += STEP
    return out


def list_rooms(session: Session, *, active_only: bool = True) -> list[Room]:
    query = select(Room).order_by(Room.position, Room.slug)
    if active_only:
        query = query.where(Room.active.is_(True))
    return list(session.scalars(query))


def get_room(session: Session, slug: str) -> Room:
    room = session.scalar(select(Room).where(Room.slug == slug, Room.active.is_(True)))
    if room is None:
        raise NotFound()
    return room


def bookings_on(session: Session, room: Room, day: date) -> list[RoomBooking]:
    """The bookings of ``room`` that hold time on the local ``day``, earliest first."""
    first, last = at(day, time(0)), at(day + timedelta(days=1), time(0))
    return list(
        session.scalars(
            select(RoomBooking)
            .where(
                RoomBooking.room_id == room.id,
                RoomBooking.state.in_(HOLDING),
                RoomBooking.starts_at < last,
                RoomBooking.ends_at > first,
            )
            .order_by(RoomBooking.starts_at)
        )
    )


@dataclass(frozen=True)
class Slot:
    """A half hour of a day's availability."""

    start: time
    end: time
    free: bool


def availability(session: Session, room: Room, day: date, *, now: datetime) -> list[Slot]:
    """Each half hour of the room's opening periods on ``day``: free, or taken (or past)."""
    taken = [(as_utc(b.starts_at), as_utc(b.ends_at)) for b in bookings_on(session, room, day)]
    slots = []
    for start, end in room_periods(day):
        moment = at(day, start)
        while moment < at(day, end):
            following = moment + STEP
            busy = moment < as_utc(now) or any(s < following and e > moment for s, e in taken)
            slots.append(Slot(local(moment).time(), local(following).time(), not busy))
            moment = following
    return slots


def _text(value: str | None, path: str, problems: list[Problem], *, maximum: int, required: str) -> str:
    value = " ".join((value or "").split()) if maximum <= 200 else (value or "").strip()
    if not value:
        problems.append(Problem(path, required))
    elif len(value) > maximum:
        problems.append(Problem(path, N_("Enter at most %(maximum)s characters."), {"maximum": maximum}))
    return value


def book_room(
    session: Session,
    principal: Principal,
    *,
    room_slug: str,
    day: str,
    start: str,
    end: str,
    purpose: str,
    organisation: str,
    attendees: str,
    now: datetime,
) -> RoomBooking:
    """Book ``room_slug`` on the local ``day`` from ``start`` to ``end``. All problems are reported
    at once; nothing is written if there is any. Raises :class:`RoomTaken` on an overlap."""
    room = get_room(session, room_slug)
    problems: list[Problem] = []
    the_day = parse_day(day, "day", problems)
    starts, ends = parse_time(start, "start", problems), parse_time(end, "end", problems)
    purpose = _text(purpose, "purpose", problems, maximum=1000, required=N_("Say what the meeting is for."))
    organisation = _text(
        organisation, "organisation", problems, maximum=200, required=N_("Enter the organisation's name.")
    )
    try:
        people = int((attendees or "").strip())
    except ValueError:
        people = 0
        problems.append(Problem("attendees", N_("Enter the number of people, like 6.")))
    else:
        if people < 1:
            problems.append(Problem("attendees", N_("Enter the number of people, like 6.")))
        elif people > room.capacity:
            problems.append(
                Problem(
                    "attendees",
                    N_("This room takes at most %(capacity)s people."),
                    {"capacity": room.capacity},
                )
            )
    if the_day is not None:
        today = local_today(now)
        if the_day < today:
            problems.append(Problem("day", N_("Choose a day from today on.")))
        elif the_day > today + timedelta(days=HORIZON_DAYS):
            problems.append(
                Problem("day", N_("Rooms can be booked up to %(days)s days ahead."), {"days": HORIZON_DAYS})
            )
        elif not room_periods(the_day):
            problems.append(Problem("day", N_("The hall is closed on that day. Choose a working day.")))
    if the_day is not None and starts is not None and ends is not None and not problems:
        on_step = all(t.minute in (0, 30) and t.second == 0 for t in (starts, ends))
        if not on_step:
            problems.append(Problem("start", N_("Start and end on the hour or the half hour.")))
        elif ends <= starts:
            problems.append(Problem("end", N_("The end must be after the start.")))
        elif not any(s <= starts and ends <= e for s, e in room_periods(the_day)):
            problems.append(Problem("start", N_("Book a time within the opening hours, 09:00 to 17:30.")))
        elif at(the_day, starts) <= as_utc(now):
            problems.append(Problem("start", N_("That time has already begun. Choose a later time.")))
    if problems:
        raise ValidationFailed(problems)
    assert the_day is not None and starts is not None and ends is not None
    begin, finish = at(the_day, starts), at(the_day, ends)

    # Serialise bookings of this room: lock its row, then look for overlaps.
    session.execute(select(Room.id).where(Room.id == room.id).with_for_update())
    overlapping = session.scalar(
        select(RoomBooking.id)
        .where(
            RoomBooking.room_id == room.id,
            RoomBooking.state.in_(HOLDING),
            RoomBooking.starts_at < finish,
            RoomBooking.ends_at > begin,
        )
        .limit(1)
    )
    if overlapping is not None:
        raise RoomTaken()
    booking = RoomBooking(
        room_id=room.id,
        user_id=principal.user_id,
        starts_at=begin,
        ends_at=finish,
        purpose=purpose,
        organisation=organisation,
        attendees=people,
        state="pending" if room.needs_approval else "confirmed",
        created_at=as_utc(now),
        version=1,
    )
    session.add(booking)
    session.flush()
    params = _mail_params(room, booking)
    if booking.state == "pending":
        notify_person(
            session,
            principal.user_id,
            kind="hall.room_booking",
            subject=N_("Room request received: %(room)s on %(day)s"),
            body=N_(
                "We have your request for %(room)s on %(day)s from %(start)s to %(end)s. The time is held "
                "for you while an administrator checks the request; we will write again with the answer."
            ),
            **params,
        )
    else:
        notify_person(
            session,
            principal.user_id,
            kind="hall.room_booking",
            subject=N_("Room booked: %(room)s on %(day)s"),
            body=N_(
                "%(room)s is booked for you on %(day)s from %(start)s to %(end)s. Add it to your calendar "
                "from your room bookings page."
            ),
            **params,
        )
    return booking


def _mail_params(room: Room, booking: RoomBooking) -> dict[str, object]:
    return {
        "room": room.names,
        "day": local(booking.starts_at).date().isoformat(),
        "start": local(booking.starts_at).strftime("%H:%M"),
        "end": local(booking.ends_at).strftime("%H:%M"),
    }


def get_booking(session: Session, booking_id: str) -> RoomBooking:
    booking = session.get(RoomBooking, booking_id)
    if booking is None:
        raise NotFound()
    return booking


def own_booking(session: Session, principal: Principal, booking_id: str) -> RoomBooking:
    """The person's own booking; another person's is reported as not found."""
    booking = session.get(RoomBooking, booking_id)
    if booking is None or booking.user_id != principal.user_id:
        raise NotFound()
    return booking


def bookings_of(session: Session, principal: Principal) -> list[RoomBooking]:
    """The person's bookings, the latest time first."""
    return list(
        session.scalars(
            select(RoomBooking)
            .where(RoomBooking.user_id == principal.user_id)
            .order_by(RoomBooking.starts_at.desc())
        )
    )


def rooms_by_id(session: Session) -> dict[str, Room]:
    return {r.id: r for r in session.scalars(select(Room))}


def _move(
    session: Session, booking: RoomBooking, version: int | None, *, states: tuple[str, ...], **values
) -> None:
    """Apply ``values`` only if the booking is still in one of ``states`` (and at ``version``)."""
    if version is not None and booking.version != version:
        raise BookingChanged()
    if booking.state not in states:
        raise InvalidTransition()
    moved = session.execute(
        update(RoomBooking)
        .where(
            RoomBooking.id == booking.id,
            RoomBooking.version == booking.version,
            RoomBooking.state.in_(states),
        )
        .values(version=booking.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise BookingChanged()
    session.refresh(booking)


def cancel_booking(session: Session, principal: Principal, booking_id: str, *, now: datetime) -> RoomBooking:
    """The person cancels their pending or confirmed booking before it starts; the time is free again."""
    booking = own_booking(session, principal, booking_id)
    if as_utc(booking.starts_at) <= as_utc(now):
        raise InvalidTransition(N_("A booking that has begun can no longer be cancelled."))
    _move(session, booking, None, states=HOLDING, state="cancelled")
    return booking


def pending_bookings(session: Session) -> list[RoomBooking]:
    return list(
        session.scalars(
            select(RoomBooking).where(RoomBooking.state == "pending").order_by(RoomBooking.starts_at)
        )
    )


def upcoming_bookings(session: Session, *, now: datetime, limit: int = 100) -> list[RoomBooking]:
    return list(
        session.scalars(
            select(RoomBooking)
            .where(RoomBooking.state == "confirmed", RoomBooking.ends_at > as_utc(now))
            .order_by(RoomBooking.starts_at)
            .limit(limit)
        )
    )


def approve_booking(
    session: Session, principal: Principal, booking_id: str, *, version: int | None, now: datetime
) -> RoomBooking:
    principal.require_admin()
    booking = get_booking(session, booking_id)
    _move(
        session,
        booking,
        version,
        states=("pending",),
        state="confirmed",
        decided_by=principal.user_id,
        decided_at=as_utc(now),
    )
    room = session.get(Room, booking.room_id)
    assert room is not None
    notify_person(
        session,
        booking.user_id,
        kind="hall.room_booking",
        subject=N_("Room booking approved: %(room)s on %(day)s"),
        body=N_(
            "Your request for %(room)s on %(day)s from %(start)s to %(end)s is approved. Add it to your "
            "calendar from your room bookings page."
        ),
        **_mail_params(room, booking),
    )
    return booking


def reject_booking(
    session: Session,
    principal: Principal,
    booking_id: str,
    *,
    version: int | None,
    reason: str,
    now: datetime,
) -> RoomBooking:
    principal.require_admin()
    booking = get_booking(session, booking_id)
    problems: list[Problem] = []
    reason = _text(reason, "reason", problems, maximum=1000, required=N_("Give the reason for the decision."))
    if problems:
        raise ValidationFailed(problems)
    _move(
        session,
        booking,
        version,
        states=("pending",),
        state="rejected",
        decision_reason=reason,
        decided_by=principal.user_id,
        decided_at=as_utc(now),
    )
    room = session.get(Room, booking.room_id)
    assert room is not None
    notify_person(
        session,
        booking.user_id,
        kind="hall.room_booking",
        subject=N_("Room booking not approved: %(room)s on %(day)s"),
        body=N_(
            "Your request for %(room)s on %(day)s from %(start)s to %(end)s was not approved. "
            "Reason: %(reason)s"
        ),
        reason=reason,
        **_mail_params(room, booking),
    )
    return booking


def booking_calendar(booking: RoomBooking, room: Room, locale: str, *, title: str) -> CalendarEvent:
    """The calendar entry of a confirmed booking (``title`` is the translated summary)."""
    if booking.state != "confirmed":
        raise PermissionDenied()
    return CalendarEvent(
        uid=f"room-booking-{booking.id}@hetao-one-stop",
        starts_at=as_utc(booking.starts_at),
        ends_at=as_utc(booking.ends_at),
        summary=title,
        location=" · ".join(x for x in (room.name(locale), room.place(locale)) if x),
        description=booking.purpose,
        sequence=booking.version,
    )


def bookings_per_day(session: Session, *, first: date, last: date) -> list[tuple[date, int, int]]:
    """For the operations dashboard: per local day from ``first`` to ``last`` (inclusive), the
    number of confirmed and of pending room bookings starting that day."""
    rows = session.execute(
        select(RoomBooking.starts_at, RoomBooking.state).where(
            RoomBooking.state.in_(HOLDING),
            RoomBooking.starts_at >= at(first, time(0)),
            RoomBooking.starts_at < at(last + timedelta(days=1), time(0)),
        )
    ).all()
    tally = Tally((local(starts).date(), state) for starts, state in rows)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(d, tally[(d, "confirmed")], tally[(d, "pending")]) for d in days]
