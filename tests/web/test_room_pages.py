"""Room pages through HTTP: the rooms, a day's availability, booking (and its errors), my bookings
with cancel and .ics, and the administrators' approvals; every denial."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hetao.accounts.models import User
from hetao.core.db import utcnow
from hetao.hall import rooms
from hetao.hall.localtime import local_today
from hetao.hall.room_event_models import RoomBooking
from tests.cases.helpers import person
from tests.pages import CheckingClient, csrf_of, signed_in


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


def working_day(after_days: int = 7) -> str:
    day = local_today(utcnow()) + timedelta(days=after_days)
    while not rooms.room_periods(day):
        day += timedelta(days=1)
    return day.isoformat()


@pytest.fixture
def accounts_(session_factory):
    with session_factory() as s, s.begin():
        person(s, "booker@example.org")
        person(s, "someone@example.org")
        person(s, "admin.hall@example.org", admin=True)


def book(client, slug, **changes):
    page = client.get(f"/en/hall/rooms/{slug}")
    data = {
        "csrf_token": csrf_of(page),
        "day": working_day(),
        "start": "10:00",
        "end": "11:30",
        "purpose": "Meeting with an investor",
        "organisation": "Example Robotics Ltd",
        "attendees": "4",
        **changes,
    }
    return client.post(f"/en/hall/rooms/{slug}/book", data=data, follow_redirects=False)


#: The people of these tests: browser journeys commit bookings of their own to the shared database.
PEOPLE = ("booker@example.org", "someone@example.org", "admin.hall@example.org")


def bookings(session_factory):
    with session_factory() as s:
        return s.scalars(
            select(RoomBooking)
            .join(User, User.id == RoomBooking.user_id)
            .where(User.email.in_(PEOPLE))
            .order_by(RoomBooking.created_at)
        ).all()


@pytest.mark.parametrize("prefix", ["zh-hant", "zh-hans", "en"])
def test_rooms_and_a_room_page_in_each_language(client, prefix):
    listing = client.get(f"/{prefix}/hall/rooms")
    assert listing.status_code == 200
    links = [a["href"] for a in listing.soup.select("main a[href*='/hall/rooms/']")]
    assert f"/{prefix}/hall/rooms/negotiation-room-1" in links
    page = client.get(f"/{prefix}/hall/rooms/negotiation-room-1?day={working_day()}")
    assert page.status_code == 200
    assert page.soup.select("table.availability tbody tr")
    # Not signed in: no booking form, a sign-in link that comes back.
    assert not page.soup.select("form[action$='/book']")
    assert page.soup.select_one("a[href*='/account/sign-in?next=']")


def test_an_unknown_room_is_not_found(client):
    assert client.get("/en/hall/rooms/no-such-room").status_code == 404


def test_book_see_download_and_cancel(app, accounts_, session_factory):
    me = signed_in(app, "booker@example.org")
    done = book(me, "negotiation-room-1")
    assert done.status_code == 303 and done.headers["location"].endswith("/hall/room-bookings?done=booked")
    page = me.get(done.headers["location"])
    assert "The room is booked" in page.text and "Example Robotics Ltd" in page.text
    (booking,) = bookings(session_factory)
    assert booking.state == "confirmed"

    calendar = me.get(f"/en/hall/room-bookings/{booking.id}/calendar.ics")
    assert calendar.status_code == 200 and calendar.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in calendar.text and "Negotiation room 1" in calendar.text

    # The day's availability now shows the time as taken.
    day_page = me.get(f"/en/hall/rooms/negotiation-room-1?day={working_day()}")
    taken = [row.td.get_text() for row in day_page.soup.select("table.availability tr.taken")]
    assert "10:00–10:30" in taken and "11:00–11:30" in taken

    # Someone else can neither see the calendar file nor cancel.
    other = signed_in(app, "someone@example.org")
    assert other.get(f"/en/hall/room-bookings/{booking.id}/calendar.ics").status_code == 404
    token = csrf_of(other.get("/en/hall/rooms/negotiation-room-1"))
    denied = other.post(
        f"/en/hall/room-bookings/{booking.id}/cancel", data={"csrf_token": token}, follow_redirects=False
    )
    assert denied.status_code == 404

    page = me.get("/en/hall/room-bookings")
    cancelled = me.post(
        f"/en/hall/room-bookings/{booking.id}/cancel",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    assert bookings(session_factory)[0].state == "cancelled"
    assert me.get(f"/en/hall/room-bookings/{booking.id}/calendar.ics").status_code == 404


def test_booking_errors_are_shown_and_nothing_is_written(app, accounts_, session_factory):
    me = signed_in(app, "booker@example.org")
    bad = book(me, "negotiation-room-1", attendees="50", purpose="", start="12:00", end="11:00")
    assert bad.status_code == 422
    targets = [a["href"] for a in bad.soup.select(".error-summary a")]
    assert targets == ["#purpose", "#attendees"]
    assert bad.soup.select_one("#organisation")["value"] == "Example Robotics Ltd"
    order = book(me, "negotiation-room-1", start="12:00", end="11:00")
    assert order.status_code == 422 and "#end" in [a["href"] for a in order.soup.select(".error-summary a")]
    zh = CheckingClient(app, cookies=me.cookies)
    page = zh.get("/zh-hant/hall/rooms/negotiation-room-1")
    localised = zh.post(
        "/zh-hant/hall/rooms/negotiation-room-1/book",
        data={"csrf_token": csrf_of(page), "day": "tomorrow"},
        follow_redirects=False,
    )
    assert (
        localised.status_code == 422
        and "2027-03-15" in localised.text
        and "Enter a date" not in localised.text
    )
    assert bookings(session_factory) == []


def test_an_overlap_is_refused_with_a_clear_message(app, accounts_, session_factory):
    me, other = signed_in(app, "booker@example.org"), signed_in(app, "someone@example.org")
    assert book(me, "negotiation-room-1").status_code == 303
    clash = book(other, "negotiation-room-1", start="11:00", end="12:00")
    assert clash.status_code == 409 and "overlaps another booking" in clash.text
    assert len(bookings(session_factory)) == 1


def test_posts_without_the_form_token_are_refused(app, accounts_, session_factory):
    me = signed_in(app, "booker@example.org")
    refused = me.post(
        "/en/hall/rooms/negotiation-room-1/book",
        data={
            "day": working_day(),
            "start": "10:00",
            "end": "11:00",
            "purpose": "x",
            "organisation": "y",
            "attendees": "2",
        },
    )
    assert refused.status_code == 403 and bookings(session_factory) == []


def test_bookings_need_a_signed_in_person(client):
    assert (
        client.get("/en/hall/room-bookings", follow_redirects=False)
        .headers["location"]
        .startswith("/en/account/sign-in?next=")
    )


def test_administrators_approve_and_reject(app, accounts_, session_factory):
    me = signed_in(app, "booker@example.org")
    slug = "cross-boundary-meeting-room"
    first = book(me, slug)
    assert first.headers["location"].endswith("done=requested")
    assert book(me, slug, start="14:00", end="15:00").status_code == 303
    pending = bookings(session_factory)
    assert [b.state for b in pending] == ["pending", "pending"]

    assert me.get("/en/admin/hall/rooms").status_code == 403
    admin = signed_in(app, "admin.hall@example.org")
    page = admin.get("/en/admin/hall/rooms")
    assert page.status_code == 200 and len(page.soup.select("form[action$='/approve']")) == 2
    token = csrf_of(page)

    missing = admin.post(
        f"/en/admin/hall/room-bookings/{pending[0].id}/reject",
        data={"csrf_token": token, "version": str(pending[0].version), "reason": ""},
        follow_redirects=False,
    )
    assert missing.status_code == 422
    assert [a["href"] for a in missing.soup.select(".error-summary a")] == [f"#reason-{pending[0].id}"]
    assert bookings(session_factory)[0].state == "pending"

    rejected = admin.post(
        f"/en/admin/hall/room-bookings/{pending[0].id}/reject",
        data={
            "csrf_token": token,
            "version": str(pending[0].version),
            "reason": "The room is being repaired.",
        },
        follow_redirects=False,
    )
    approved = admin.post(
        f"/en/admin/hall/room-bookings/{pending[1].id}/approve",
        data={"csrf_token": token, "version": str(pending[1].version)},
        follow_redirects=False,
    )
    assert rejected.status_code == approved.status_code == 303
    assert [b.state for b in bookings(session_factory)] == ["rejected", "confirmed"]
    again = admin.post(
        f"/en/admin/hall/room-bookings/{pending[1].id}/approve",
        data={"csrf_token": token, "version": str(pending[1].version)},
        follow_redirects=False,
    )
    assert again.status_code == 409
    mine = me.get("/en/hall/room-bookings")
    assert "The room is being repaired." in mine.text and "Not approved" in mine.text
    assert len(bookings(session_factory)) == 2
