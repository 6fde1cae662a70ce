"""Browser journeys of the hall's rooms and events, with an axe-core scan of each page on the way:
a founder books a negotiation room; two people and a full event: one waits, the other cancels, the
first is given the place automatically."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from hetao.core.db import utcnow
from hetao.hall import events, rooms
from hetao.hall.localtime import local_today
from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD, person
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(lean_server):
    """The site without the search index: these journeys never search."""
    return lean_server


def sign_in(browser, live_server, prefix, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/{prefix}/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form[action$='/account/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def a_free_working_day(seeded_engine, slug: str) -> str:
    """A working day a week or more ahead on which the room has no booking yet (runs share a database)."""
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    day = local_today(utcnow()) + timedelta(days=45)  # away from the page tests' days
    with unit_of_work(factory) as s:
        room = rooms.get_room(s, slug)
        while not rooms.room_periods(day) or rooms.bookings_on(s, room, day):
            day += timedelta(days=1)
    return day.isoformat()


@pytest.mark.parametrize("prefix", ["zh-hant", "en"])
def test_a_founder_books_a_negotiation_room(browser, live_server, seeded_engine, backend, prefix):
    run = uuid.uuid4().hex[:8]
    email = f"booker-{run}@example.org"
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    with unit_of_work(factory, write=True) as s:
        person(s, email)
    day = a_free_working_day(seeded_engine, "negotiation-room-2")

    context, page = sign_in(browser, live_server, prefix, email)
    page.goto(f"{live_server}/{prefix}/hall/rooms")
    assert_accessible(page, f"rooms-{prefix}", backend)
    page.locator(f"a[href='/{prefix}/hall/rooms/negotiation-room-2']").click()
    page.fill("#show-day", day)
    page.locator("main form[method=get] button[type=submit]").click()
    assert page.url.endswith(f"day={day}")
    assert page.locator("table.availability tr.taken").count() == 0
    assert_accessible(page, f"room-{prefix}", backend)

    # A mistake first: too many people. The error is shown and linked; nothing is booked.
    page.fill("#day", day)
    page.select_option("#start", "10:00")
    page.select_option("#end", "11:30")
    page.fill("#purpose", "Meeting with an investor" if prefix == "en" else "與投資者會談")
    page.fill("#organisation", "Example Robotics Ltd")
    page.fill("#attendees", "40")
    page.locator("form[action$='/book'] button[type=submit]").click()
    assert page.locator(".error-summary a[href='#attendees']").is_visible()
    assert_accessible(page, f"room-error-{prefix}", backend)
    page.fill("#attendees", "5")
    page.locator("form[action$='/book'] button[type=submit]").click()
    assert page.url.endswith("/hall/room-bookings?done=booked"), page.url
    assert page.locator("p.notice").is_visible()
    assert page.locator("a[href$='/calendar.ics']").count() == 1
    assert_accessible(page, f"room-bookings-{prefix}", backend)

    # The day's availability now shows the booked time as taken.
    page.goto(f"{live_server}/{prefix}/hall/rooms/negotiation-room-2?day={day}")
    assert page.locator("table.availability tr.taken").count() == 3
    context.close()


def test_a_full_event_waitlist_and_automatic_promotion(browser, live_server, seeded_engine, backend):
    run = uuid.uuid4().hex[:8]
    first, second = f"first-{run}@example.org", f"second-{run}@example.org"
    slug = f"full-seminar-{run}"
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    day = (local_today(utcnow()) + timedelta(days=20)).isoformat()
    with unit_of_work(factory, write=True) as s:
        admin = person(s, f"admin-{run}@example.org", admin=True)
        person(s, first)
        person(s, second)
        form = {"slug": slug, "kind": "seminar", "capacity": "1", "registration_open": "yes"}
        form |= {"starts_day": day, "starts_time": "10:00", "ends_day": day, "ends_time": "11:00"}
        for field, text in (
            ("title", "一人講座"),
            ("summary", "只有一個名額的示例講座。"),
            ("description", "示例。"),
            ("place", "展示交流區"),
            ("organiser", "服務中心"),
        ):
            form |= {f"{field}-zh-Hant": text, f"{field}-zh-Hans": text, f"{field}-en": f"{field} {run}"}
        events.create_event(s, admin, form=form, now=datetime.now(UTC))
    url = f"{live_server}/zh-hant/hall/events/{slug}"

    one_context, one = sign_in(browser, live_server, "zh-hant", first)
    one.goto(url)
    one.get_by_role("button", name="報名").click()
    assert "done=registered" in one.url and one.locator("a[href$='/calendar.ics']").is_visible()
    assert_accessible(one, "event-registered", backend)

    two_context, two = sign_in(browser, live_server, "zh-hant", second)
    two.goto(f"{live_server}/zh-hant/hall/events")
    two.locator(f"a[href='/zh-hant/hall/events/{slug}']").click()
    assert_accessible(two, "event-full", backend)
    two.get_by_role("button", name="登記候補").click()
    assert "done=waitlisted" in two.url
    assert "你在候補名單排第 1 位。" in two.locator("main").inner_text()
    assert_accessible(two, "event-waitlisted", backend)

    one.get_by_role("button", name="取消我的報名").click()
    assert "done=cancelled" in one.url
    two.reload()
    assert "你已報名。" in two.locator("main").inner_text()
    assert two.locator("a[href$='/calendar.ics']").is_visible()
    one_context.close()
    two_context.close()


def test_an_administrator_approves_a_request_and_creates_an_event(
    browser, live_server, seeded_engine, backend
):
    run = uuid.uuid4().hex[:8]
    booker, admin = f"requester-{run}@example.org", f"hall-admin-{run}@example.org"
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    with unit_of_work(factory, write=True) as s:
        person(s, booker)
        person(s, admin, admin=True)
    slug = "cross-boundary-meeting-room"
    day = a_free_working_day(seeded_engine, slug)

    context, page = sign_in(browser, live_server, "en", booker)
    page.goto(f"{live_server}/en/hall/rooms/{slug}?day={day}")
    page.fill("#day", day)
    page.select_option("#start", "14:00")
    page.select_option("#end", "16:00")
    page.fill("#purpose", "Cross-boundary partners' meeting")
    page.fill("#organisation", "Example Quantum Ltd")
    page.fill("#attendees", "12")
    page.get_by_role("button", name="Ask to book the room").click()
    assert page.url.endswith("done=requested")
    assert "Waiting for approval" in page.locator("main").inner_text()
    with unit_of_work(factory) as s:
        room = rooms.get_room(s, slug)
        (booking,) = rooms.bookings_on(s, room, datetime.fromisoformat(day).date())
        booking_id = booking.id

    admin_context, desk = sign_in(browser, live_server, "zh-hant", admin)
    desk.goto(f"{live_server}/zh-hant/admin/hall/rooms")
    assert_accessible(desk, "admin-rooms", backend)
    desk.locator(f"#request-{booking_id} form[action$='/approve'] button").click()
    assert desk.url.endswith("done=approved")
    page.reload()
    assert "Confirmed" in page.locator("main").inner_text()

    desk.goto(f"{live_server}/zh-hant/admin/hall/events/new")
    assert_accessible(desk, "admin-event-new", backend)
    desk.fill("#slug", f"admin-made-{run}")
    desk.get_by_role("button", name="儲存活動").click()
    assert desk.locator(".error-summary a[href='#title-zh-Hant']").is_visible()
    assert_accessible(desk, "admin-event-errors", backend)
    context.close()
    admin_context.close()
