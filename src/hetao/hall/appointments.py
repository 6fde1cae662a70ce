"""Booking, changing and cancelling visits to the hall, and the hall's side of a visit (check-in,
completion, no-show).

No double booking, ever: a place is taken by a conditional UPDATE of the slot's row
(``taken = taken + 1 WHERE taken < capacity``) with a check constraint behind it; a second active
booking of one item by one person is stopped by the unique ``active_key`` of the visit's items; and
every change of an appointment's state or time is a conditional UPDATE on its current state and
sequence, so two concurrent changes never both release its places. Each operation runs in a
SAVEPOINT, so an error leaves nothing half-done even when the caller goes on to commit."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload, selectinload

from hetao import notify
from hetao.accounts import Principal, User
from hetao.catalog import Service
from hetao.core.db import new_id
from hetao.core.errors import Conflict, HetaoError, InvalidTransition, NotFound
from hetao.core.i18n import N_, translator
from hetao.hall.appointment_models import (
    ACTIVE_STATES,
    Appointment,
    AppointmentItem,
    AppointmentState,
    SlotPlaces,
    active_key,
)
from hetao.hall.ics import CalendarEvent
from hetao.hall.models import Counter
from hetao.hall.slots import (
    SLOT_MINUTES,
    ZONE,
    Visit,
    counters_at,
    local_today,
    minute_text,
    starts_at,
)

#: Characters of confirmation codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B that people mix up.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
#: Reminders go out at this local time on the day before the visit.
REMINDER_TIME = time(10, 0)


class SlotTaken(Conflict):
    code = "hall.slot_taken"
    message = N_("Sorry, that time has just been taken. Choose another time.")


class AlreadyBooked(Conflict):
    code = "hall.already_booked"
    message = N_(
        "You already have an appointment for this service (code %(reference)s). Change or cancel it "
        "instead of booking another."
    )


class AppointmentNotFound(NotFound):
    code = "hall.appointment_not_found"
    message = N_("No appointment has that code.")


class NotActive(InvalidTransition):
    code = "hall.appointment_not_active"
    message = N_("This appointment was cancelled or has already taken place, so it cannot be changed.")


class NotToday(InvalidTransition):
    code = "hall.appointment_not_today"
    message = N_("This appointment is for %(day)s, not today.")


class SameTime(HetaoError):
    status = 422
    code = "hall.same_time"
    message = N_("That is already the time of your appointment. Choose another time.")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a person typed or scanned → the stored code (case, spaces and dashes ignored)."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def display_code(code: str) -> str:
    """``ACDE3479`` → ``ACDE-3479`` (easier to read out)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- places ----------------------------------------------------------------------------------


def _ensure_slot(session: Session, counter: Counter, day: date, minute: int) -> None:
    """Write the slot's row if it is not there yet (concurrent writers: one insert wins, quietly)."""
    values = {
        "id": new_id(),
        "counter_id": counter.id,
        "day": day,
        "start_minute": minute,
        "capacity": counter.capacity,
        "taken": 0,
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = pg_insert(SlotPlaces).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite_insert(SlotPlaces).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the two supported databases are above
        exists = session.scalar(
            select(SlotPlaces.id).where(
                SlotPlaces.counter_id == counter.id, SlotPlaces.day == day, SlotPlaces.start_minute == minute
            )
        )
        if exists:
            return
        session.add(SlotPlaces(**values))
        session.flush()
        return
    session.execute(statement)


def _take(session: Session, counter: Counter, day: date, start: int, units: int) -> bool:
    """Take one place in each of the visit's slots at ``counter``; False when one is full (the
    caller rolls back its savepoint)."""
    for i in range(units):
        minute = start + i * SLOT_MINUTES
        _ensure_slot(session, counter, day, minute)
        result = session.execute(
            update(SlotPlaces)
            .where(
                SlotPlaces.counter_id == counter.id,
                SlotPlaces.day == day,
                SlotPlaces.start_minute == minute,
                SlotPlaces.taken < SlotPlaces.capacity,
            )
            .values(taken=SlotPlaces.taken + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
    return True


def _take_first(session: Session, counters: Sequence[Counter], day: date, start: int, units: int) -> Counter:
    for counter in counters:
        attempt = session.begin_nested()
        if _take(session, counter, day, start, units):
            attempt.commit()
            return counter
        attempt.rollback()
    raise SlotTaken()


def _release(session: Session, appointment: Appointment) -> None:
    for minute in range(appointment.start_minute, appointment.end_minute, SLOT_MINUTES):
        session.execute(
            update(SlotPlaces)
            .where(
                SlotPlaces.counter_id == appointment.counter_id,
                SlotPlaces.day == appointment.day,
                SlotPlaces.start_minute == minute,
                SlotPlaces.taken > 0,
            )
            .values(taken=SlotPlaces.taken - 1)
            .execution_options(synchronize_session=False)
        )


# --- reading ---------------------------------------------------------------------------------


def appointment_by_code(session: Session, code: str) -> Appointment:
    """The appointment with this confirmation code (as typed or scanned); raises AppointmentNotFound."""
    appointment = session.scalar(select(Appointment).where(Appointment.code == normalise_code(code)))
    if appointment is None:
        raise AppointmentNotFound()
    return appointment


def own_appointment(session: Session, principal: Principal, code: str) -> Appointment:
    """The person's own appointment; another person's is "not found" (codes are not to be guessed)."""
    appointment = appointment_by_code(session, code)
    if appointment.user_id != principal.user_id:
        raise AppointmentNotFound()
    return appointment


def appointments_of(session: Session, principal: Principal) -> list[Appointment]:
    """The person's appointments: coming ones first (soonest first), then the rest, newest first."""
    rows = list(
        session.scalars(
            select(Appointment)
            .where(Appointment.user_id == principal.user_id)
            .order_by(Appointment.day.desc(), Appointment.start_minute.desc())
        )
    )
    active = sorted((a for a in rows if a.active), key=lambda a: (a.day, a.start_minute))
    return active + [a for a in rows if not a.active]


def appointments_on(
    session: Session, day: date, *, counter_ids: Sequence[str] | None = None
) -> list[Appointment]:
    """The day's appointments (every state), by counter and time."""
    query = select(Appointment).where(Appointment.day == day)
    if counter_ids is not None:
        query = query.where(Appointment.counter_id.in_(list(counter_ids)))
    return list(session.scalars(query.order_by(Appointment.counter_id, Appointment.start_minute)))


def appointments_per_day(session: Session, *, first: date, last: date) -> dict[date, dict[str, int]]:
    """For the operations dashboard: per day from ``first`` to ``last``, the number of appointments
    in each state (days without any are left out)."""
    rows = session.execute(
        select(Appointment.day, Appointment.state, func.count())
        .where(Appointment.day >= first, Appointment.day <= last)
        .group_by(Appointment.day, Appointment.state)
    )
    out: dict[date, dict[str, int]] = {}
    for day, state, count in rows:
        out.setdefault(day, {})[state] = count
    return dict(sorted(out.items()))


def services_of(session: Session, appointment: Appointment) -> list[Service]:
    """The visit's items with their names (documents, FAQs and organisation are not loaded)."""
    ids = [item.service_id for item in appointment.items]
    query = (
        select(Service)
        .where(Service.id.in_(ids))
        .options(
            selectinload(Service.texts),
            lazyload(Service.required_documents),
            lazyload(Service.faqs),
            lazyload(Service.organization),
        )
    )
    found = {s.id: s for s in session.scalars(query)}
    return [found[i] for i in ids if i in found]


def bookable_services(session: Session) -> list[Service]:
    """Active items given in the hall (at a department's window or any window)."""
    rows = session.scalars(select(Service).where(Service.status == "active"))
    return [s for s in rows if {"hall", "window"} & set(s.channels or [])]


def service_name(service: Service, locale: str) -> str:
    text = service.text("name", locale)
    return text.value if text is not None else service.slug


def visit_of(session: Session, appointment: Appointment) -> Visit:
    return Visit(services=tuple(services_of(session, appointment)), journey=appointment.journey)


def starts_at_utc(appointment: Appointment) -> datetime:
    return starts_at(appointment.day, appointment.start_minute)


def ends_at_utc(appointment: Appointment) -> datetime:
    return starts_at(appointment.day, appointment.end_minute)


def when_text(appointment: Appointment) -> str:
    """``2026-12-01 09:30–10:00`` (local hall time; the same in every language)."""
    return (
        f"{appointment.day.isoformat()} {minute_text(appointment.start_minute)}–"
        f"{minute_text(appointment.end_minute)}"
    )


def calendar_event(
    appointment: Appointment, *, summary: str, location: str = "", description: str = ""
) -> CalendarEvent:
    """The visit as a calendar event (times converted from Asia/Shanghai to UTC)."""
    cancelled = appointment.state == AppointmentState.cancelled
    return CalendarEvent(
        uid=f"appointment-{appointment.id}@hetao-one-stop",
        starts_at=starts_at_utc(appointment),
        ends_at=ends_at_utc(appointment),
        summary=summary,
        location=location,
        description=description,
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=appointment.sequence,
    )


# --- messages --------------------------------------------------------------------------------

SUBJECTS = {
    "booked": N_("Your appointment at the service hall: %(code)s"),
    "changed": N_("Your appointment has been changed: %(code)s"),
    "cancelled": N_("Your appointment is cancelled: %(code)s"),
    "reminder": N_("Reminder: your visit to the service hall tomorrow (%(code)s)"),
}
BODIES = {
    "booked": N_(
        "Your visit to the Hetao service hall is booked.\n\nWhen: %(when)s (Beijing time)\n"
        "Window: %(counter)s\nFor: %(items)s\nConfirmation code: %(code)s\n\n"
        "Show the code at the hall. You can change or cancel the appointment in your account."
    ),
    "changed": N_(
        "Your visit to the Hetao service hall has a new time.\n\nWhen: %(when)s (Beijing time)\n"
        "Window: %(counter)s\nFor: %(items)s\nConfirmation code: %(code)s\n\n"
        "The earlier time is released. You can change or cancel the appointment in your account."
    ),
    "cancelled": N_(
        "Your visit to the Hetao service hall on %(when)s (Beijing time) is cancelled.\n"
        "Confirmation code: %(code)s\n\nYou can book another time in your account."
    ),
    "reminder": N_(
        "This is a reminder of your visit to the Hetao service hall tomorrow.\n\n"
        "When: %(when)s (Beijing time)\nWindow: %(counter)s\nFor: %(items)s\n"
        "Confirmation code: %(code)s\n\nPlease bring the documents listed for each item."
    ),
}


def _message(
    session: Session,
    appointment: Appointment,
    kind: str,
    *,
    due_at: datetime | None = None,
    services: Sequence[Service] | None = None,
):
    """Put the message of ``kind`` about the appointment in the outbox, in the booking's language."""
    user = session.get(User, appointment.user_id)
    if user is None:
        return None
    locale = appointment.locale
    t = translator(locale)
    counter = session.get(Counter, appointment.counter_id)
    separator = "; " if locale == "en" else "；"
    items = services if services is not None else services_of(session, appointment)
    params = {
        "code": display_code(appointment.code),
        "when": when_text(appointment),
        "counter": counter.name(locale) if counter else "",
        "items": separator.join(service_name(s, locale) for s in items),
    }
    return notify.enqueue(
        session,
        kind=f"hall.appointment.{kind}",
        locale=locale,
        to_address=user.email,
        user_id=user.id,
        subject=t.gettext(SUBJECTS[kind], **params),
        body=t.gettext(BODIES[kind], **params),
        due_at=due_at,
    )


def reminder_due(appointment: Appointment) -> datetime:
    """When the reminder goes out: REMINDER_TIME local on the day before the visit."""
    local = datetime.combine(appointment.day - timedelta(days=1), REMINDER_TIME, tzinfo=ZONE)
    return local.astimezone(starts_at_utc(appointment).tzinfo)


def _schedule_reminder(
    session: Session, appointment: Appointment, *, now: datetime, services: Sequence[Service] | None = None
) -> None:
    """A reminder the day before, unless that time has already passed (then only the confirmation)."""
    if appointment.reminder_id:
        notify.withdraw(session, appointment.reminder_id)
        appointment.reminder_id = None
    due = reminder_due(appointment)
    if due > now:
        message = _message(session, appointment, "reminder", due_at=due, services=services)
        appointment.reminder_id = message.id if message is not None else None
    session.flush()


def _withdraw_reminder(session: Session, appointment: Appointment) -> None:
    if appointment.reminder_id:
        notify.withdraw(session, appointment.reminder_id)
        appointment.reminder_id = None


# --- changes ---------------------------------------------------------------------------------


def _existing_code(session: Session, user_id: str, services: Sequence[Service]) -> str | None:
    keys = [active_key(user_id, s.id) for s in services]
    return session.scalar(
        select(Appointment.code)
        .join(AppointmentItem, AppointmentItem.appointment_id == Appointment.id)
        .where(AppointmentItem.active_key.in_(keys))
        .limit(1)
    )


def book(
    session: Session,
    principal: Principal,
    *,
    visit: Visit,
    day: date,
    start_minute: int,
    locale: str,
    now: datetime,
) -> Appointment:
    """Book the visit at ``start_minute`` on ``day`` for the person. Raises NotBookable, DayClosed,
    SlotPast, SlotTaken or AlreadyBooked (each with nothing changed)."""
    counters = counters_at(session, visit, day, start_minute, now=now)
    existing = _existing_code(session, principal.user_id, visit.services)
    if existing is not None:
        raise AlreadyBooked(reference=display_code(existing))
    savepoint = session.begin_nested()
    try:
        counter = _take_first(session, counters, day, start_minute, visit.units)
        appointment = Appointment(
            code=_unused_code(session),
            user_id=principal.user_id,
            counter_id=counter.id,
            day=day,
            start_minute=start_minute,
            end_minute=start_minute + visit.minutes,
            journey=visit.journey,
            state=AppointmentState.booked,
            locale=locale,
            sequence=0,
            created_at=now,
            updated_at=now,
            items=[
                AppointmentItem(service_id=s.id, position=i, active_key=active_key(principal.user_id, s.id))
                for i, s in enumerate(visit.services)
            ],
        )
        session.add(appointment)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        code = _existing_code(session, principal.user_id, visit.services)
        raise AlreadyBooked(reference=display_code(code or "")) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    _message(session, appointment, "booked", services=visit.services)
    _schedule_reminder(session, appointment, now=now, services=visit.services)
    return appointment


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            return code


def _advance(
    session: Session, appointment: Appointment, from_states: Sequence[str], **values: object
) -> None:
    """Change the appointment only if it is still in one of ``from_states`` at the sequence read;
    a concurrent change makes this fail with NotActive/Conflict instead of acting twice."""
    session.flush()
    result = session.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment.id,
            Appointment.state.in_([str(s) for s in from_states]),
            Appointment.sequence == appointment.sequence,
        )
        .values(sequence=Appointment.sequence + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(appointment)
        if appointment.state not in from_states:
            raise NotActive()
        raise Conflict()
    session.refresh(appointment)


def _clear_keys(session: Session, appointment: Appointment) -> None:
    session.execute(
        update(AppointmentItem)
        .where(AppointmentItem.appointment_id == appointment.id)
        .values(active_key=None)
        .execution_options(synchronize_session=False)
    )
    for item in appointment.items:
        session.refresh(item)


def cancel(session: Session, principal: Principal, code: str, *, now: datetime) -> Appointment:
    """Cancel the person's booked visit: its places are free again and its reminder withdrawn."""
    appointment = own_appointment(session, principal, code)
    if appointment.state != AppointmentState.booked:
        raise NotActive()
    _advance(
        session,
        appointment,
        [AppointmentState.booked],
        state=AppointmentState.cancelled,
        cancelled_at=now,
        updated_at=now,
    )
    _release(session, appointment)
    _clear_keys(session, appointment)
    _withdraw_reminder(session, appointment)
    _message(session, appointment, "cancelled")
    return appointment


def reschedule(
    session: Session, principal: Principal, code: str, *, day: date, start_minute: int, now: datetime
) -> Appointment:
    """Move the person's booked visit to another time, atomically: the new place is taken and the
    old one released in the same transaction; if the new time cannot be had, nothing changes."""
    appointment = own_appointment(session, principal, code)
    if appointment.state != AppointmentState.booked:
        raise NotActive()
    if (appointment.day, appointment.start_minute) == (day, start_minute):
        raise SameTime()
    visit = visit_of(session, appointment)
    counters = counters_at(session, visit, day, start_minute, now=now)
    savepoint = session.begin_nested()
    try:
        # The state check first: it locks the appointment, so a concurrent change waits and then fails.
        _advance(session, appointment, [AppointmentState.booked], updated_at=now)
        _release(session, appointment)
        counter = _take_first(session, counters, day, start_minute, visit.units)
        session.execute(
            update(Appointment)
            .where(Appointment.id == appointment.id)
            .values(
                counter_id=counter.id,
                day=day,
                start_minute=start_minute,
                end_minute=start_minute + visit.minutes,
            )
            .execution_options(synchronize_session=False)
        )
    except BaseException:
        savepoint.rollback()
        session.refresh(appointment)
        raise
    savepoint.commit()
    session.refresh(appointment)
    _message(session, appointment, "changed", services=visit.services)
    _schedule_reminder(session, appointment, now=now, services=visit.services)
    return appointment


def check_in(session: Session, code: str, *, now: datetime) -> Appointment:
    """The person has arrived at the hall with the code (called by the queue-ticket desk): only on
    the appointment's day."""
    appointment = appointment_by_code(session, code)
    if appointment.state != AppointmentState.booked:
        raise NotActive()
    if appointment.day != local_today(now):
        raise NotToday(day=appointment.day.isoformat())
    _advance(
        session,
        appointment,
        [AppointmentState.booked],
        state=AppointmentState.checked_in,
        checked_in_at=now,
        updated_at=now,
    )
    _withdraw_reminder(session, appointment)
    return appointment


def complete(session: Session, code: str, *, now: datetime) -> Appointment:
    """The visit has been served: the person may book the items again."""
    appointment = appointment_by_code(session, code)
    if appointment.state != AppointmentState.checked_in:
        raise NotActive()
    _advance(
        session,
        appointment,
        [AppointmentState.checked_in],
        state=AppointmentState.completed,
        completed_at=now,
        updated_at=now,
    )
    _clear_keys(session, appointment)
    return appointment


def mark_no_show(session: Session, code: str, *, now: datetime) -> Appointment:
    """The person did not come: only once the visit's time has ended."""
    appointment = appointment_by_code(session, code)
    if appointment.state != AppointmentState.booked:
        raise NotActive()
    if ends_at_utc(appointment) > now:
        raise InvalidTransition()
    _advance(session, appointment, [AppointmentState.booked], state=AppointmentState.no_show, updated_at=now)
    _clear_keys(session, appointment)
    _withdraw_reminder(session, appointment)
    return appointment


__all__ = [
    "ACTIVE_STATES",
    "AlreadyBooked",
    "AppointmentNotFound",
    "NotActive",
    "NotToday",
    "SameTime",
    "SlotTaken",
    "appointment_by_code",
    "appointments_of",
    "appointments_on",
    "appointments_per_day",
    "book",
    "bookable_services",
    "calendar_event",
    "cancel",
    "check_in",
    "complete",
    "display_code",
    "mark_no_show",
    "normalise_code",
    "own_appointment",
    "reschedule",
    "service_name",
    "services_of",
    "visit_of",
    "when_text",
]
