"""A person's rights over their data: a copy of everything held about them, and closing the account."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hetao import hall
from hetao.accounts import PasswordResetToken, Principal, User, WebSession, principal_for
from hetao.accounts.passwords import verify_password
from hetao.cases import Case, CaseDocument, Rating
from hetao.core.errors import NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.hall import Appointment, AppointmentState, EventRegistration, HallRating, RoomBooking, Ticket
from hetao.hall.events import cancel_registration
from hetao.hall.room_event_models import Event, Room
from hetao.hall.rooms import HOLDING, as_utc, cancel_booking
from hetao.notify.models import OutboxMessage
from hetao.privacy.retention import CLOSED_STATUSES, delete_cases, scrub_cases

EXPORT_FORMAT = "hetao-personal-data/1"
#: Shown instead of the name of a closed account.
CLOSED_NAME = "—"


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.closed_at is not None:
        raise NotFound()
    return user


def _document(document: CaseDocument) -> dict:
    return {
        "code": document.code,
        "filename": document.filename,
        "media_type": document.upload.media_type,
        "size": document.upload.size,
        "sha256": document.upload_id,
        "uploaded_at": _iso(document.uploaded_at),
        "purged_at": _iso(document.purged_at),
    }


def _case(session: Session, case: Case) -> dict:
    rating = session.get(Rating, case.id)
    return {
        "id": case.id,
        "reference": case.reference,
        "journey": case.journey,
        "title": case.title,
        "status": case.status,
        "answers": case.answers,
        "values": case.values,
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "submitted_at": _iso(case.submitted_at),
        "completed_at": _iso(case.completed_at),
        "steps": [
            {
                "item": t.item_key,
                "names": t.names,
                "state": t.state,
                "result": t.result,
                "decision_reason": t.decision_reason,
                "due_on": _iso(t.due_on),
                "decided_at": _iso(t.decided_at),
                "supplements": [
                    {
                        "reason": s.reason,
                        "fields": s.fields,
                        "documents": s.documents,
                        "requested_at": _iso(s.requested_at),
                        "answered_at": _iso(s.answered_at),
                    }
                    for s in t.supplements
                ],
            }
            for t in case.tasks
        ],
        "documents": [_document(d) for d in case.documents],
        "rating": (
            {"score": rating.score, "comment": rating.comment, "rated_at": _iso(rating.rated_at)}
            if rating
            else None
        ),
    }


def export_data(session: Session, principal: Principal, *, now: datetime) -> dict:
    """Everything held about the signed-in person, as one JSON-ready dictionary: the account, their
    applications (answers, form values, steps, document metadata, ratings), appointments, queue
    tickets taken while signed in, room bookings, event registrations, hall ratings and the
    messages sent to them. Files themselves are downloaded from each case's page."""
    user = _user(session, principal.user_id)
    uid = user.id
    cases = session.scalars(select(Case).where(Case.applicant_id == uid).order_by(Case.created_at))
    appointments = session.scalars(
        select(Appointment)
        .where(Appointment.user_id == uid)
        .order_by(Appointment.day, Appointment.start_minute)
    )
    tickets = session.scalars(select(Ticket).where(Ticket.holder_id == uid).order_by(Ticket.taken_at))
    rooms = {r.id: r for r in session.scalars(select(Room))}
    bookings = session.scalars(
        select(RoomBooking).where(RoomBooking.user_id == uid).order_by(RoomBooking.starts_at)
    )
    registrations = session.execute(
        select(EventRegistration, Event)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(EventRegistration.user_id == uid)
        .order_by(Event.starts_at)
    )
    ratings = session.scalars(
        select(HallRating).where(HallRating.rater_id == uid).order_by(HallRating.created_at)
    )
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.user_id == uid, OutboxMessage.secret.is_(False))
        .order_by(OutboxMessage.created_at)
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(now),
        "account": {
            "id": uid,
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "created_at": _iso(user.created_at),
            "password_changed_at": _iso(user.password_changed_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
            "roles": [
                {"role": g.role, "department_id": g.department_id, "granted_at": _iso(g.granted_at)}
                for g in user.grants
            ],
        },
        "cases": [_case(session, c) for c in cases],
        "appointments": [
            {
                "code": hall.display_code(a.code),
                "day": _iso(a.day),
                "time": f"{hall.minute_text(a.start_minute)}–{hall.minute_text(a.end_minute)}",
                "state": a.state,
                "journey": a.journey,
                "services": [s.id for s in hall.services_of(session, a)],
                "created_at": _iso(a.created_at),
                "cancelled_at": _iso(a.cancelled_at),
                "checked_in_at": _iso(a.checked_in_at),
                "completed_at": _iso(a.completed_at),
            }
            for a in appointments
        ],
        "queue_tickets": [
            {
                "code": t.code,
                "day": _iso(t.day),
                "category": t.category,
                "lane": t.lane,
                "state": t.state,
                "taken_at": _iso(t.taken_at),
                "called_at": _iso(t.called_at),
                "finished_at": _iso(t.finished_at),
            }
            for t in tickets
        ],
        "room_bookings": [
            {
                "room": rooms[b.room_id].slug if b.room_id in rooms else b.room_id,
                "starts_at": _iso(b.starts_at),
                "ends_at": _iso(b.ends_at),
                "purpose": b.purpose,
                "organisation": b.organisation,
                "attendees": b.attendees,
                "state": b.state,
                "decision_reason": b.decision_reason,
                "created_at": _iso(b.created_at),
            }
            for b in bookings
        ],
        "event_registrations": [
            {
                "event": e.slug,
                "title": e.titles,
                "starts_at": _iso(e.starts_at),
                "state": r.state,
                "created_at": _iso(r.created_at),
            }
            for r, e in registrations
        ],
        "ratings": [
            {
                "subject_kind": r.subject_kind,
                "score": r.score,
                "comment": r.comment,
                "created_at": _iso(r.created_at),
            }
            for r in ratings
        ],
        "messages": [
            {
                "kind": m.kind,
                "to": m.to_address,
                "subject": m.subject,
                "body": m.body,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages
        ],
    }


def closed_email(user_id: str) -> str:
    """The placeholder address of a closed account: unique, and names nobody (``.invalid`` never
    receives mail)."""
    return f"closed-{user_id}@closed.invalid"


def close_account(
    session: Session, principal: Principal, *, password: str, now: datetime, upload_dir: Path
) -> None:
    """Close the signed-in person's account, after checking their password.

    Their future appointments, room bookings and event registrations are cancelled through the
    hall's own verbs (places are released and waitlists promoted); their drafts are deleted (with
    files no other case uses); closed cases lose their answers and form values now, open ones when
    they close (``hetao purge``); sessions, reset links, roles and their messages go; the name,
    e-mail address and password are replaced, so the account can never sign in again. Queue tickets
    and hall ratings lose the link to the person."""
    user = _user(session, principal.user_id)
    if not verify_password(user.password_hash, password or ""):
        raise ValidationFailed([Problem("password", N_("The password is not right."))])
    if user.grants:
        raise ValidationFailed(
            [
                Problem(
                    "password",
                    N_(
                        "Officers and administrators cannot close their account: ask an administrator to remove your roles first."
                    ),
                )
            ]
        )
    principal = principal_for(user)
    utc_now = now.astimezone(UTC)
    today = hall.local_today(utc_now)
    for appointment in session.scalars(
        select(Appointment).where(
            Appointment.user_id == user.id,
            Appointment.state == AppointmentState.booked,
            Appointment.day >= today,
        )
    ).all():
        hall.cancel(session, principal, appointment.code, now=utc_now)
    for booking in session.scalars(
        select(RoomBooking).where(RoomBooking.user_id == user.id, RoomBooking.state.in_(HOLDING))
    ).all():
        if as_utc(booking.starts_at) > utc_now:
            cancel_booking(session, principal, booking.id, now=utc_now)
    for event in session.scalars(
        select(Event)
        .join(EventRegistration, Event.id == EventRegistration.event_id)
        .where(
            EventRegistration.user_id == user.id, EventRegistration.state.in_(("registered", "waitlisted"))
        )
    ).all():
        if as_utc(event.ends_at) > utc_now:
            cancel_registration(session, principal, slug=event.slug, now=utc_now)
    drafts = list(
        session.scalars(select(Case.id).where(Case.applicant_id == user.id, Case.status == "draft"))
    )
    delete_cases(session, drafts, now=utc_now, reason="account_closed", root=upload_dir)
    closed = list(
        session.scalars(
            select(Case.id).where(
                Case.applicant_id == user.id, Case.status.in_(CLOSED_STATUSES), Case.scrubbed_at.is_(None)
            )
        )
    )
    scrub_cases(session, closed, now=utc_now)
    session.execute(
        update(Ticket).where(Ticket.holder_id == user.id).values(holder_id=None, appointment_code=None)
    )
    session.execute(update(HallRating).where(HallRating.rater_id == user.id).values(rater_id=None))
    session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    user.email = closed_email(user.id)
    user.display_name = CLOSED_NAME
    user.password_hash = ""
    user.is_active = False
    user.last_sign_in_at = None
    user.closed_at = utc_now
    session.flush()
