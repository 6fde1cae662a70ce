"""Events of the hall (展示交流 · 創新創業交流): roadshows, seminars, exhibitions and exchanges that
people register for, with a waitlist once they are full.

Every change of an event's places runs with the event's row locked (``SELECT … FOR UPDATE`` on
PostgreSQL; a writing unit of work on SQLite holds the write lock from its start), so the capacity is
never exceeded and the waitlist keeps its order. Cancelling a place promotes the first person on
the waitlist in the same transaction and tells them by e-mail."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hetao.accounts import Principal, User, user_by_email
from hetao.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationFailed,
)
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.hall.ics import CalendarEvent
from hetao.hall.localtime import as_utc, at, local, parse_day, parse_time
from hetao.hall.notices import notify_person
from hetao.hall.room_event_models import Event, EventRegistration

#: Kinds of events and their labels (translated where shown).
KINDS = {
    "roadshow": N_("Roadshow"),
    "seminar": N_("Seminar"),
    "exhibition": N_("Exhibition"),
    "exchange": N_("Innovation and entrepreneurship exchange"),
}
#: Fields written in each of the three languages.
TRANSLATED = {
    "title": "titles",
    "summary": "summaries",
    "description": "descriptions",
    "place": "places",
    "organiser": "organisers",
}
LIMITS = {"title": 200, "summary": 500, "description": 5000, "place": 200, "organiser": 200}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_CAPACITY = 5000


class EventEdited(Conflict):
    code = "hall.event_edited"
    message = N_(
        "Someone else saved this event after you opened it. Your changes are not saved: reload the "
        "page to see the current version, then make them again."
    )


class RegistrationClosed(InvalidTransition):
    code = "hall.registration_closed"
    message = N_("Registration for this event is closed.")


def list_upcoming_events(session: Session, *, now: datetime) -> list[Event]:
    """Events that have not ended, the soonest first."""
    return list(
        session.scalars(
            select(Event).where(Event.ends_at > as_utc(now)).order_by(Event.starts_at, Event.slug)
        )
    )


def list_events(session: Session) -> list[Event]:
    """Every event, the latest first (administration)."""
    return list(session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.slug)))


def get_event(session: Session, slug: str) -> Event:
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound()
    return event


def registration_of(session: Session, event: Event, user_id: str) -> EventRegistration | None:
    return session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.user_id == user_id
        )
    )


@dataclass(frozen=True)
class Places:
    registered: int
    waitlisted: int
    capacity: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.registered)


def places(session: Session, event: Event) -> Places:
    counts = dict(
        session.execute(
            select(EventRegistration.state, func.count())
            .where(EventRegistration.event_id == event.id)
            .group_by(EventRegistration.state)
        ).all()
    )
    return Places(counts.get("registered", 0), counts.get("waitlisted", 0), event.capacity)


def waitlist_position(session: Session, registration: EventRegistration) -> int:
    """1 for the first person on the waitlist."""
    ahead = session.scalar(
        select(func.count()).where(
            EventRegistration.event_id == registration.event_id,
            EventRegistration.state == "waitlisted",
            EventRegistration.position < registration.position,
        )
    )
    return (ahead or 0) + 1


def _lock(session: Session, event: Event) -> None:
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    session.refresh(event)


def register(session: Session, principal: Principal, *, slug: str, now: datetime) -> EventRegistration:
    """A place for the person, or a place on the waitlist when the event is full. Registering again
    while registered or waitlisted changes nothing."""
    event = get_event(session, slug)
    _lock(session, event)
    if not event.registration_open or as_utc(event.starts_at) <= as_utc(now):
        raise RegistrationClosed()
    mine = registration_of(session, event, principal.user_id)
    if mine is not None and mine.state in ("registered", "waitlisted"):
        return mine
    full = places(session, event).registered >= event.capacity
    last = session.scalar(
        select(func.max(EventRegistration.position)).where(EventRegistration.event_id == event.id)
    )
    values = {
        "state": "waitlisted" if full else "registered",
        "position": (last or 0) + 1,
        "updated_at": as_utc(now),
        "promoted_at": None,
    }
    if mine is None:
        mine = EventRegistration(
            event_id=event.id, user_id=principal.user_id, created_at=as_utc(now), **values
        )
        session.add(mine)
    else:
        for key, value in values.items():
            setattr(mine, key, value)
    session.flush()
    return mine


def _fill(session: Session, event: Event, *, now: datetime) -> list[EventRegistration]:
    """Promote people from the waitlist, first come first, while there are places; e-mail them."""
    promoted = []
    free = event.capacity - places(session, event).registered
    if free <= 0:
        return promoted
    waiting = session.scalars(
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.state == "waitlisted")
        .order_by(EventRegistration.position)
        .limit(free)
    ).all()
    for registration in waiting:
        registration.state = "registered"
        registration.promoted_at = registration.updated_at = as_utc(now)
        promoted.append(registration)
        notify_person(
            session,
            registration.user_id,
            kind="hall.event_promoted",
            subject=N_("You have a place at %(event)s"),
            body=N_(
                "A place has become free at %(event)s on %(day)s from %(start)s, and it is yours: you "
                "were first on the waitlist. If you cannot come, cancel on the event page so the next "
                "person can take it."
            ),
            event=event.titles,
            day=local(event.starts_at).date().isoformat(),
            start=local(event.starts_at).strftime("%H:%M"),
        )
    session.flush()
    return promoted


def cancel_registration(
    session: Session, principal: Principal, *, slug: str, now: datetime
) -> list[EventRegistration]:
    """Give up a place (or a place on the waitlist). Returns who was promoted in its stead."""
    event = get_event(session, slug)
    _lock(session, event)
    mine = registration_of(session, event, principal.user_id)
    if mine is None or mine.state not in ("registered", "waitlisted"):
        raise InvalidTransition(N_("You are not registered for this event."))
    if as_utc(event.ends_at) <= as_utc(now):
        raise InvalidTransition(N_("This event is over."))
    was_registered = mine.state == "registered"
    mine.state, mine.updated_at = "cancelled", as_utc(now)
    session.flush()
    return _fill(session, event, now=now) if was_registered else []


# --- administration ---------------------------------------------------------------------------


def empty_form() -> dict[str, str]:
    return {
        "kind": "seminar",
        "starts_time": "14:00",
        "ends_time": "16:00",
        "capacity": "50",
        "registration_open": "yes",
    }


def form_of(session: Session, event: Event) -> dict[str, str]:
    """The edit form's values of a stored event."""
    values = {
        "slug": event.slug,
        "kind": event.kind,
        "starts_day": local(event.starts_at).date().isoformat(),
        "starts_time": local(event.starts_at).strftime("%H:%M"),
        "ends_day": local(event.ends_at).date().isoformat(),
        "ends_time": local(event.ends_at).strftime("%H:%M"),
        "capacity": str(event.capacity),
        "registration_open": "yes" if event.registration_open else "",
        "version": str(event.version),
        "organiser_email": "",
    }
    if event.organiser_id:
        user = session.get(User, event.organiser_id)
        values["organiser_email"] = user.email if user else ""
    for field in TRANSLATED:
        for locale in LOCALES:
            values[f"{field}-{locale}"] = (getattr(event, TRANSLATED[field]) or {}).get(locale, "")
    return values


def _validate(session: Session, form: dict[str, str], *, current: Event | None, now: datetime) -> dict:
    problems: list[Problem] = []
    out: dict = {}
    slug = (form.get("slug") or "").strip().lower()
    if not slug:
        problems.append(
            Problem("slug", N_("Enter a short address for the event, like hk-founders-roadshow."))
        )
    elif len(slug) > 80 or not SLUG_RE.match(slug):
        problems.append(
            Problem(
                "slug", N_("Use lowercase letters a to z, digits and single hyphens, at most 80 characters.")
            )
        )
    elif (current is None or current.slug != slug) and session.scalar(
        select(Event.id).where(Event.slug == slug)
    ):
        problems.append(Problem("slug", N_("Another event already uses this address.")))
    out["slug"] = slug
    kind = form.get("kind", "")
    if kind not in KINDS:
        problems.append(Problem("kind", N_("Choose the kind of event.")))
    out["kind"] = kind
    for field in TRANSLATED:
        texts = {}
        for locale in LOCALES:
            path = f"{field}-{locale}"
            value = (form.get(path) or "").strip()
            if field != "description":
                value = " ".join(value.split())
            if not value:
                problems.append(Problem(path, N_("Fill this in.")))
            elif len(value) > LIMITS[field]:
                problems.append(
                    Problem(path, N_("Enter at most %(maximum)s characters."), {"maximum": LIMITS[field]})
                )
            texts[locale] = value
        out[TRANSLATED[field]] = texts
    starts_day = parse_day(form.get("starts_day"), "starts_day", problems)
    starts_time = parse_time(form.get("starts_time"), "starts_time", problems)
    ends_day = parse_day(form.get("ends_day"), "ends_day", problems)
    ends_time = parse_time(form.get("ends_time"), "ends_time", problems)
    if None not in (starts_day, starts_time, ends_day, ends_time):
        starts = at(starts_day, starts_time)  # type: ignore[arg-type]
        ends = at(ends_day, ends_time)  # type: ignore[arg-type]
        if ends <= starts:
            problems.append(Problem("ends_day", N_("The end must be after the start.")))
        elif ends - starts > timedelta(days=31):
            problems.append(Problem("ends_day", N_("An event lasts at most 31 days.")))
        elif current is None and starts <= as_utc(now):
            problems.append(Problem("starts_day", N_("A new event must start in the future.")))
        out["starts_at"], out["ends_at"] = starts, ends
    try:
        capacity = int((form.get("capacity") or "").strip())
    except ValueError:
        capacity = 0
    if not 1 <= capacity <= MAX_CAPACITY:
        problems.append(
            Problem(
                "capacity", N_("Enter a number of places from 1 to %(maximum)s."), {"maximum": MAX_CAPACITY}
            )
        )
    elif current is not None and capacity < places(session, current).registered:
        problems.append(
            Problem(
                "capacity",
                N_("%(registered)s people are already registered: the capacity cannot be lower."),
                {"registered": places(session, current).registered},
            )
        )
    out["capacity"] = capacity
    out["registration_open"] = form.get("registration_open") in ("yes", "on", "1", "true")
    email = (form.get("organiser_email") or "").strip()
    out["organiser_id"] = None
    if email:
        user = user_by_email(session, email)
        if user is None:
            problems.append(Problem("organiser_email", N_("No account has this e-mail address.")))
        else:
            out["organiser_id"] = user.id
    if problems:
        raise ValidationFailed(problems)
    return out


def create_event(session: Session, principal: Principal, *, form: dict[str, str], now: datetime) -> Event:
    principal.require_admin()
    values = _validate(session, form, current=None, now=now)
    event = Event(**values, version=1, created_at=as_utc(now), updated_at=as_utc(now))
    session.add(event)
    session.flush()
    return event


def _version(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def update_event(
    session: Session, principal: Principal, *, slug: str, form: dict[str, str], now: datetime
) -> Event:
    """Save an edit made on the version the editor saw (``form["version"]``); if someone else saved
    in between, raise :class:`EventEdited` and change nothing. A larger capacity promotes people
    from the waitlist."""
    principal.require_admin()
    event = get_event(session, slug)
    _lock(session, event)
    version = _version(form.get("version"))
    if version is None or version != event.version:
        raise EventEdited()
    values = _validate(session, form, current=event, now=now)
    saved = session.execute(
        update(Event)
        .where(Event.id == event.id, Event.version == version)
        .values(version=version + 1, updated_at=as_utc(now), **values)
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:
        raise EventEdited()
    session.refresh(event)
    _fill(session, event, now=now)
    return event


def may_see_attendees(principal: Principal, event: Event) -> bool:
    return principal.is_admin or (event.organiser_id is not None and event.organiser_id == principal.user_id)


def attendees(session: Session, principal: Principal, event: Event) -> list[tuple[EventRegistration, User]]:
    """Registered people, then the waitlist, each in order of arrival (organiser or administrators)."""
    if not may_see_attendees(principal, event):
        raise PermissionDenied()
    rows = session.execute(
        select(EventRegistration, User)
        .join(User, User.id == EventRegistration.user_id)
        .where(
            EventRegistration.event_id == event.id, EventRegistration.state.in_(("registered", "waitlisted"))
        )
        .order_by(EventRegistration.state, EventRegistration.position)
    ).all()
    return [(r, u) for r, u in rows]


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def attendees_csv(
    session: Session, principal: Principal, event: Event, *, header: list[str], states: dict[str, str]
) -> bytes:
    """The attendee list as CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese names):
    ``header`` are the translated column titles, ``states`` the translated state names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    for registration, user in attendees(session, principal, event):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    states.get(registration.state, registration.state),
                    registration.position,
                    user.display_name,
                    user.email,
                    local(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def event_calendar(event: Event, locale: str) -> CalendarEvent:
    return CalendarEvent(
        uid=f"event-{event.id}@hetao-one-stop",
        starts_at=as_utc(event.starts_at),
        ends_at=as_utc(event.ends_at),
        summary=event.text("titles", locale),
        location=event.text("places", locale),
        description=event.text("summaries", locale),
        sequence=event.version,
    )


@dataclass(frozen=True)
class EventFigures:
    event: Event
    registered: int
    waitlisted: int
    cancelled: int


def registrations_between(session: Session, *, first: date, last: date) -> list[EventFigures]:
    """For the operations dashboard: events starting on local days ``first`` to ``last``
    (inclusive), soonest first, with their numbers of registered, waitlisted and cancelled people."""
    events = session.scalars(
        select(Event)
        .where(Event.starts_at >= at(first, time(0)), Event.starts_at < at(last + timedelta(days=1), time(0)))
        .order_by(Event.starts_at, Event.slug)
    ).all()
    counts: dict[tuple[str, str], int] = {}
    if events:
        for event_id, state, n in session.execute(
            select(EventRegistration.event_id, EventRegistration.state, func.count())
            .where(EventRegistration.event_id.in_([e.id for e in events]))
            .group_by(EventRegistration.event_id, EventRegistration.state)
        ):
            counts[(event_id, state)] = n
    return [
        EventFigures(
            e,
            counts.get((e.id, "registered"), 0),
            counts.get((e.id, "waitlisted"), 0),
            counts.get((e.id, "cancelled"), 0),
        )
        for e in events
    ]
