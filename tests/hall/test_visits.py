"""An appointment holder checks in and gets a ticket in the appointment lane; serving it completes
the appointment; served tickets and completed appointments can be rated once, by the right person."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hetao import hall
from hetao.catalog import get_service
from hetao.core.errors import HetaoError
from hetao.hall import visit_for_service
from tests.cases.helpers import person

#: Tuesday 1 December 2026, 09:00 in the hall; the visit is on Monday 7 December at 09:00.
BOOKED_AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
MONDAY = date(2026, 12, 7)
ON_THE_DAY = datetime(2026, 12, 7, 0, 50, tzinfo=UTC)  # 08:50 in the hall
SERVED_AT = datetime(2026, 12, 7, 1, 20, tzinfo=UTC)
FINANCE = "hk-resident-personal-rmb-account"


def booked(session, email="visitor@example.org"):
    who = person(session, email)
    appointment = hall.book(
        session,
        who,
        visit=visit_for_service(get_service(session, FINANCE)),
        day=MONDAY,
        start_minute=9 * 60,
        locale="en",
        now=BOOKED_AT,
    )
    return who, appointment


def serve(session, ticket):
    counter = hall.get_counter(session, "C02")
    called = hall.call_next(session, counter=counter, now=ON_THE_DAY)
    assert called.id == ticket.id
    started = hall.start_serving(
        session, ticket_id=called.id, counter=counter, version=called.version, now=ON_THE_DAY
    )
    return hall.finish_visit(
        session, ticket_id=started.id, counter=counter, version=started.version, now=SERVED_AT
    )


def test_check_in_gives_an_appointment_ticket_called_before_walk_ins(session):
    who, appointment = booked(session)
    walk_in = hall.take_ticket(session, category="finance", now=ON_THE_DAY)
    ticket = hall.check_in_visit(session, appointment.code, now=ON_THE_DAY)
    assert ticket.lane == "appointment" and ticket.category == "finance"
    assert ticket.appointment_code == appointment.code and ticket.holder_id == who.user_id
    assert appointment.state == "checked_in"
    called = hall.call_next(session, counter=hall.get_counter(session, "C02"), now=ON_THE_DAY)
    assert called.id == ticket.id != walk_in.id


def test_check_in_is_refused_on_another_day_and_twice(session):
    _, appointment = booked(session)
    with pytest.raises(hall.NotToday):
        hall.check_in_visit(session, appointment.code, now=BOOKED_AT)
    hall.check_in_visit(session, appointment.code, now=ON_THE_DAY)
    with pytest.raises(hall.NotActive):
        hall.check_in_visit(session, appointment.code, now=ON_THE_DAY)
    with pytest.raises(hall.AppointmentNotFound):
        hall.check_in_visit(session, "ZZZZ-ZZZZ", now=ON_THE_DAY)


def test_serving_the_ticket_completes_the_appointment_and_both_can_be_rated(session):
    who, appointment = booked(session)
    ticket = hall.check_in_visit(session, appointment.code, now=ON_THE_DAY)
    with pytest.raises(hall.NotYetServed):
        hall.check_subject(session, subject_kind="ticket", subject_id=ticket.token, rater_id=None)
    serve(session, ticket)
    assert appointment.state == "completed"

    hall.record_rating(
        session,
        subject_kind="ticket",
        subject_id=ticket.token,
        rater_id=None,
        score=5,
        comment="",
        now=SERVED_AT,
    )
    with pytest.raises(hall.AlreadyRated):
        hall.check_subject(session, subject_kind="ticket", subject_id=ticket.token, rater_id=None)

    other = person(session, "someone.else@example.org")
    with pytest.raises(hall.UnknownSubject):  # another person's appointment is not theirs to rate
        hall.check_subject(
            session, subject_kind="appointment", subject_id=appointment.code, rater_id=other.user_id
        )
    rating = hall.record_rating(
        session,
        subject_kind="appointment",
        subject_id=appointment.code,
        rater_id=who.user_id,
        score=1,
        comment="Waited too long.",
        now=SERVED_AT,
    )
    assert rating.followup is not None  # a poor rating opens a follow-up


def test_a_walk_in_ticket_served_completes_no_appointment(session):
    _, appointment = booked(session)
    ticket = hall.take_ticket(session, category="finance", now=ON_THE_DAY)
    served = serve(session, ticket)
    assert served.state == "served" and appointment.state == "booked"


def test_a_ticket_that_does_not_exist_cannot_be_rated(session):
    with pytest.raises(HetaoError):
        hall.check_subject(session, subject_kind="ticket", subject_id="no-such-token", rater_id=None)
