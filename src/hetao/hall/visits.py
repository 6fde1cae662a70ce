"""Where appointments meet the queue and ratings: an appointment holder checks in and gets a ticket
in the appointment lane; serving that ticket completes the appointment; a served ticket and a
completed appointment can be rated (好差評)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.categories import Category
from hetao.catalog.models import Service
from hetao.core.errors import PermissionDenied
from hetao.core.i18n import N_
from hetao.hall import appointments, ratings, tickets
from hetao.hall.appointment_models import Appointment, AppointmentItem, AppointmentState
from hetao.hall.models import Counter
from hetao.hall.queue_models import Lane, Ticket, TicketState


class NotYetServed(PermissionDenied):
    code = "hall.not_yet_served"
    message = N_("You can rate the service once you have been served.")


def visit_category(session: Session, appointment: Appointment) -> str:
    """The queue category of a visit: its first item's category (a plan visit is at a comprehensive
    window, which serves every category)."""
    category = session.scalar(
        select(Service.category)
        .join(AppointmentItem, AppointmentItem.service_id == Service.id)
        .where(AppointmentItem.appointment_id == appointment.id)
        .order_by(AppointmentItem.position)
        .limit(1)
    )
    if category is None:  # an item withdrawn from the catalogue since: the counter's own category
        counter = session.get(Counter, appointment.counter_id)
        # A comprehensive window lists no category (it serves them all): the catalogue's first one.
        category = counter.categories[0] if counter and counter.categories else next(iter(Category)).value
    return str(category)


def check_in_visit(session: Session, code: str, *, now: datetime, holder_id: str | None = None) -> Ticket:
    """Check the appointment in (on its day only) and give its holder a ticket in the appointment
    lane, which is called before walk-ins. One transaction: both happen or neither."""
    appointment = appointments.check_in(session, code, now=now)
    return tickets.take_ticket(
        session,
        category=visit_category(session, appointment),
        lane=Lane.appointment,
        appointment_code=appointment.code,
        holder_id=holder_id or appointment.user_id,
        now=now,
    )


def finish_visit(session: Session, **kwargs) -> Ticket:
    """Finish serving a ticket (see ``tickets.finish``); a ticket of a checked-in appointment
    completes that appointment too."""
    ticket = tickets.finish(session, **kwargs)
    if ticket.appointment_code:
        appointment = session.scalar(select(Appointment).where(Appointment.code == ticket.appointment_code))
        if appointment is not None and appointment.state == AppointmentState.checked_in:
            appointments.complete(session, appointment.code, now=kwargs["now"])
    return ticket


def _check_ticket(session: Session, subject_id: str, rater_id: str | None) -> None:
    """A ticket is rated through its unguessable token (walk-ins have no account), once served."""
    ticket = session.scalar(select(Ticket).where(Ticket.token == subject_id))
    if ticket is None:
        raise ratings.UnknownSubject()
    if ticket.state != TicketState.served:
        raise NotYetServed()


def _check_appointment(session: Session, subject_id: str, rater_id: str | None) -> None:
    """An appointment is rated by its holder once the visit is completed."""
    appointment = session.scalar(select(Appointment).where(Appointment.code == subject_id))
    if appointment is None or rater_id is None or appointment.user_id != rater_id:
        raise ratings.UnknownSubject()
    if appointment.state != AppointmentState.completed:
        raise NotYetServed()


def register_rating_subjects() -> None:
    ratings.register_subject("ticket", _check_ticket)
    ratings.register_subject("appointment", _check_appointment)


register_rating_subjects()
