"""A person's copy of their data and closing the account, on every backend: the export holds the
person's data and nothing of anyone else; closing ends sessions, cancels coming bookings through the
hall's verbs (places released, waitlists promoted), removes personal fields, and leaves a second
person untouched."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hetao import accounts, cases, hall, notify, privacy
from hetao.accounts import User, WebSession
from hetao.catalog import get_service
from hetao.core.errors import NotFound, ValidationFailed
from hetao.hall import events, rooms, visit_for_service
from hetao.hall.appointment_models import SlotPlaces
from hetao.hall.room_event_models import EventRegistration, RoomBooking
from tests.cases.helpers import ANSWERS, PASSWORD, PDF, VALID, company_plan, person
from tests.hall.test_events import form

#: Tuesday 1 December 2026, 09:00 in the hall.
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
MONDAY = date(2026, 12, 7)
FINANCE = "hk-resident-personal-rmb-account"


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


def application(session, who, root, *, submit: bool):
    journey, plan = company_plan(session)
    case = cases.start_application(session, who, journey=journey, answers=dict(ANSWERS), plan=plan, now=NOW)
    cases.save_answers(
        session, who, case.id, {f: VALID[f] for f in cases.needed_fields(case)}, version=None, now=NOW
    )
    for code in cases.needed_documents(case):
        cases.attach_document(
            session, who, case.id, code=code, data=PDF, filename=f"{code}.pdf", root=root, now=NOW
        )
    if submit:
        cases.submit(session, who, case.id, version=None, now=NOW)
    return case


def booked(session, who, minute=9 * 60):
    visit = visit_for_service(get_service(session, FINANCE))
    return hall.book(session, who, visit=visit, day=MONDAY, start_minute=minute, locale="en", now=NOW)


def room_booking(session, who):
    return rooms.book_room(
        session,
        who,
        room_slug="negotiation-room-1",
        day="2026-12-07",
        start="10:00",
        end="11:00",
        purpose="Term sheet discussion",
        organisation="Example Robotics Ltd",
        attendees="4",
        now=NOW,
    )


@pytest.fixture
def two(session, root):
    """Two people with applications, a visit, a room booking and a place at a full event."""
    me = person(session, "closer@example.org")
    other = person(session, "bystander@example.org")
    waiting = person(session, "waiting@example.org")
    admin = person(session, "admin.privacy@example.org", admin=True)
    event = events.create_event(
        session,
        admin,
        form=form(slug="privacy-day", starts_day="2026-12-10", ends_day="2026-12-10", capacity="2"),
        now=NOW,
    )
    for who in (me, other):
        application(session, who, root, submit=True)
        application(session, who, root, submit=False)
        events.register(session, who, slug="privacy-day", now=NOW)
    events.register(session, waiting, slug="privacy-day", now=NOW)
    mine = booked(session, me)
    theirs = booked(session, other, minute=10 * 60)
    my_room = room_booking(session, me)
    accounts.start_session(session, session.get(User, me.user_id), now=NOW)
    accounts.start_session(session, session.get(User, other.user_id), now=NOW)
    return {
        "me": me,
        "other": other,
        "waiting": waiting,
        "event": event,
        "visit": mine,
        "their_visit": theirs,
        "room": my_room,
    }


def test_the_export_holds_the_persons_data_and_nothing_of_anyone_else(session, two):
    data = privacy.export_data(session, two["me"], now=NOW)
    text = json.dumps(data, ensure_ascii=False)
    assert data["format"] == privacy.EXPORT_FORMAT
    assert data["account"]["email"] == "closer@example.org"
    assert {c["status"] for c in data["cases"]} == {"draft", "submitted"}
    submitted = next(c for c in data["cases"] if c["status"] == "submitted")
    assert submitted["values"]["full_name"] == VALID["full_name"] and submitted["answers"] == ANSWERS
    assert submitted["documents"] and submitted["documents"][0]["media_type"] == "application/pdf"
    assert submitted["steps"] and submitted["reference"]
    assert data["appointments"][0]["day"] == "2026-12-07" and data["appointments"][0]["state"] == "booked"
    assert data["room_bookings"][0]["organisation"] == "Example Robotics Ltd"
    assert data["event_registrations"][0]["event"] == "privacy-day"
    assert data["messages"] and all(m["to"] in (None, "closer@example.org") for m in data["messages"])
    assert "bystander" not in text and two["other"].user_id not in text
    assert "waiting@example.org" not in text
    # Secret messages (reset links) are never in it.
    assert all(m["kind"] != "password_reset" for m in data["messages"])


def test_closing_needs_the_password_and_changes_nothing_without_it(session, two, root):
    with pytest.raises(ValidationFailed):
        privacy.close_account(session, two["me"], password="wrong", now=NOW, upload_dir=root)
    assert session.get(User, two["me"].user_id).email == "closer@example.org"


def test_officers_and_administrators_cannot_close_their_account(session, root):
    admin = person(session, "admin.stays@example.org", admin=True)
    with pytest.raises(ValidationFailed):
        privacy.close_account(session, admin, password=PASSWORD, now=NOW, upload_dir=root)


def test_closing_cancels_bookings_promotes_the_waitlist_and_removes_personal_fields(session, two, root):
    me, other = two["me"], two["other"]
    slot = select(SlotPlaces.taken).where(SlotPlaces.day == MONDAY, SlotPlaces.start_minute == 9 * 60)
    taken_before = session.scalar(slot)
    their_before = privacy.export_data(session, other, now=NOW)

    privacy.close_account(session, me, password=PASSWORD, now=NOW, upload_dir=root)
    session.flush()
    session.expire_all()

    user = session.get(User, me.user_id)
    assert user.email == privacy.closed_email(me.user_id) and "closer" not in user.display_name
    assert user.password_hash == "" and not user.is_active and user.closed_at is not None
    assert session.scalars(select(WebSession).where(WebSession.user_id == me.user_id)).all() == []
    assert (
        accounts.sign_in(session, email="closer@example.org", password=PASSWORD, address=None, now=NOW)
        is None
    )
    # The visit is cancelled and its place free again; the room booking is cancelled.
    visit = hall.appointment_by_code(session, two["visit"].code)
    assert visit.state == "cancelled" and session.scalar(slot) == taken_before - 1
    assert session.get(RoomBooking, two["room"].id).state == "cancelled"
    # The place at the full event goes to the first person waiting.
    states = dict(
        session.execute(
            select(EventRegistration.user_id, EventRegistration.state).where(
                EventRegistration.event_id == two["event"].id
            )
        ).all()
    )
    assert states[me.user_id] == "cancelled" and states[two["waiting"].user_id] == "registered"
    assert notify.messages_for(session, two["waiting"].user_id)
    # Drafts are gone; the submitted case stays (open) with its values until it is closed.
    mine = session.scalars(select(cases.Case).where(cases.Case.applicant_id == me.user_id)).all()
    assert [c.status for c in mine] == ["submitted"] and mine[0].values
    assert notify.messages_for(session, me.user_id) == []
    assert cases.verify(session).ok
    # A second person is untouched (their exported data is as before).
    after = privacy.export_data(session, other, now=NOW)
    assert after == their_before
    assert session.get(User, other.user_id).is_active
    # The closed account has no data to export, and can be closed only once.
    with pytest.raises(NotFound):
        privacy.export_data(session, me, now=NOW)
    with pytest.raises(NotFound):
        privacy.close_account(session, me, password=PASSWORD, now=NOW, upload_dir=root)
    # The address is free for a new account.
    again = person(session, "closer@example.org")
    assert again.user_id != me.user_id
