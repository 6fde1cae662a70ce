"""Appointment pages through HTTP: choose the item, day and time, confirm; the appointment with its
code, QR code and calendar file; cancel and change; the clear errors (taken, closed, outside the
horizon, a second booking of an item) that change nothing; the officers' day list; closed days."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hetao import hall
from hetao.core.db import utcnow
from hetao.hall import Appointment, SlotPlaces
from tests.cases.helpers import person
from tests.pages import csrf_of
from tests.web.test_case_pages import signed_in

FINANCE = "hk-resident-personal-rmb-account"


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        person(s, "visitor@example.org")
        person(s, "other@example.org")
        person(s, "officer@example.org", officer_of=["partner-banks"])
        person(s, "admin@example.org", admin=True)


def first_value(response, name):
    field = response.soup.find("input", attrs={"name": name, "type": "radio"})
    assert field is not None, f"no {name} to choose"
    return field["value"]


def choose(client, service=FINANCE):
    days = client.get(f"/en/hall/appointments/new/day?service={service}")
    assert days.status_code == 200, days.text
    day = first_value(days, "day")
    times = client.get(f"/en/hall/appointments/new/time?service={service}&day={day}")
    assert times.status_code == 200
    time = first_value(times, "time")
    page = client.get(f"/en/hall/appointments/new/confirm?service={service}&day={day}&time={time}")
    assert page.status_code == 200 and "Book this time" in page.text
    return day, time, page


def book(client, service=FINANCE):
    day, time, page = choose(client, service)
    response = client.post(
        "/en/hall/appointments/new",
        data={"csrf_token": csrf_of(page), "service": service, "day": day, "time": time},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    code = re.search(r"/hall/appointments/([A-Z0-9]+)\?done=booked", response.headers["location"]).group(1)
    return code, day, time


def count(session_factory, model=Appointment):
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def taken(session_factory):
    with session_factory() as s:
        return s.scalar(select(func.coalesce(func.sum(SlotPlaces.taken), 0)))


def test_pages_need_sign_in(client):
    response = client.get("/en/hall/appointments", follow_redirects=False)
    assert response.status_code == 303 and "/en/account/sign-in" in response.headers["location"]
    response = client.get(f"/en/hall/appointments/new/day?service={FINANCE}", follow_redirects=False)
    assert response.status_code == 303 and "next=" in response.headers["location"]


def test_book_see_download_and_cancel(app, people, session_factory):
    me = signed_in(app, "visitor@example.org")
    base = taken(session_factory)  # browser journeys may have committed bookings of their own
    start = me.get("/en/hall/appointments/new")
    assert start.status_code == 200 and start.soup.find("select", id="service")
    assert me.get(f"/en/hall/appointments/new?service={FINANCE}", follow_redirects=False).status_code == 303
    code, day, time = book(me)
    page = me.get(f"/en/hall/appointments/{code}?done=booked")
    assert page.status_code == 200
    shown = hall.display_code(code)
    assert page.soup.h1.get_text() == f"Appointment {shown}"
    assert "Your appointment is booked" in page.text and page.soup.find("svg", attrs={"role": "img"})
    assert page.soup.select_one(".appointment-state").get_text() == "Booked"

    ics = me.get(f"/en/hall/appointments/{code}/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    hour, minute = map(int, time.split(":"))
    utc_hour = (hour - 8) % 24
    stamp = date.fromisoformat(day) - timedelta(days=1 if hour < 8 else 0)
    assert f"DTSTART:{stamp.strftime('%Y%m%d')}T{utc_hour:02d}{minute:02d}00Z" in ics.text
    assert f"SUMMARY:Service hall visit ({shown})" in ics.text and "\r\n" in ics.text

    listing = me.get("/en/hall/appointments")
    assert shown in listing.text and "Booked" in listing.text

    cancel = me.post(
        f"/en/hall/appointments/{code}/cancel", data={"csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert cancel.status_code == 303
    after = me.get(cancel.headers["location"])
    assert after.soup.select_one(".appointment-state").get_text() == "Cancelled"
    assert "Cancel this appointment" not in after.text
    assert taken(session_factory) == base
    assert "STATUS:CANCELLED" in me.get(f"/en/hall/appointments/{code}/calendar.ics").text


def test_a_second_booking_of_the_same_item_is_refused(app, people, session_factory):
    me = signed_in(app, "visitor@example.org")
    code, _, _ = book(me)
    day, time, page = choose(me)
    before = (count(session_factory), taken(session_factory))
    response = me.post(
        "/en/hall/appointments/new",
        data={"csrf_token": csrf_of(page), "service": FINANCE, "day": day, "time": time},
    )
    assert response.status_code == 409
    assert (
        f"You already have an appointment for this service (code {hall.display_code(code)})" in response.text
    )
    assert response.soup.select_one(".error-summary")
    assert (count(session_factory), taken(session_factory)) == before


def test_a_taken_time_is_explained_and_nothing_changes(app, people, session_factory):
    me = signed_in(app, "visitor@example.org")
    day, time, page = choose(me)
    with session_factory() as s, s.begin():  # others take every place still free at that time
        visit, when, minute = (
            hall.visit_for_service(_finance(s)),
            date.fromisoformat(day),
            hall.parse_minute(time),
        )
        free = next(t.free for t in hall.times_on(s, visit, when, now=utcnow()) if t.start_minute == minute)
        assert free >= 1
        for i in range(free):
            hall.book(
                s,
                person(s, f"quick{i}@example.org"),
                visit=visit,
                day=when,
                start_minute=minute,
                locale="en",
                now=utcnow(),
            )
    before = (count(session_factory), taken(session_factory))
    response = me.post(
        "/en/hall/appointments/new",
        data={"csrf_token": csrf_of(page), "service": FINANCE, "day": day, "time": time},
    )
    assert response.status_code == 409
    assert "Sorry, that time has just been taken. Choose another time." in response.text
    assert response.soup.h1.get_text() == "Choose a time"  # choose again, on the same day
    assert (count(session_factory), taken(session_factory)) == before
    zh = me.post(
        "/zh-hant/hall/appointments/new",
        data={"csrf_token": csrf_of(page), "service": FINANCE, "day": day, "time": time},
    )
    assert zh.status_code == 409 and "Sorry, that time" not in zh.text


def _finance(s):
    from hetao.catalog import get_service

    return get_service(s, FINANCE)


def test_closed_days_and_days_outside_the_horizon_are_refused(app, people, session_factory):
    me = signed_in(app, "visitor@example.org")
    _, _, page = choose(me)
    before = count(session_factory)
    today = hall.local_today(utcnow())
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    closed = me.post(
        "/en/hall/appointments/new",
        data={"csrf_token": csrf_of(page), "service": FINANCE, "day": sunday.isoformat(), "time": "09:00"},
    )
    assert closed.status_code == 422
    assert f"The hall is closed on {sunday.isoformat()} for this visit" in closed.text
    assert closed.soup.h1.get_text() == "Choose a day"
    past = me.post(
        "/en/hall/appointments/new",
        data={
            "csrf_token": csrf_of(page),
            "service": FINANCE,
            "day": (today - timedelta(days=1)).isoformat(),
            "time": "09:00",
        },
    )
    assert (
        past.status_code == 422
        and "Appointments can be booked from today up to 20 working days ahead" in past.text
    )
    assert count(session_factory) == before
    # The day page marks the hall's own closures.
    with session_factory() as s, s.begin():
        admin = person(s, "closer@example.org", admin=True)
        horizon_day = next(
            d.day for d in hall.days_for(s, hall.visit_for_service(_finance(s)), now=utcnow()) if d.free
        )
        hall.add_closure(s, admin, day=horizon_day, counter_id=None, reasons={"en": "Training"}, now=utcnow())
    days = me.get(f"/en/hall/appointments/new/day?service={FINANCE}")
    assert not days.soup.find("input", attrs={"value": horizon_day.isoformat()})
    assert "The hall is closed" in days.text


def test_change_the_time(app, people, session_factory):
    me = signed_in(app, "visitor@example.org")
    base = taken(session_factory)
    code, day, time = book(me)
    start = me.get(f"/en/hall/appointments/{code}/reschedule", follow_redirects=False)
    assert start.status_code == 303 and f"change={code}" in start.headers["location"]
    times = me.get(f"/en/hall/appointments/new/time?change={code}&day={day}")
    assert f"Changing appointment {hall.display_code(code)}" in times.text
    options = [i["value"] for i in times.soup.find_all("input", attrs={"name": "time", "type": "radio"})]
    new_time = next(t for t in options if t != time)
    confirm = me.get(f"/en/hall/appointments/new/confirm?change={code}&day={day}&time={new_time}")
    assert "Change to this time" in confirm.text
    form = confirm.soup.find(id="main").find("form", attrs={"method": "post"})
    assert form["action"] == f"/en/hall/appointments/{code}/reschedule"
    same = me.post(form["action"], data={"csrf_token": csrf_of(confirm), "day": day, "time": time})
    assert same.status_code == 422 and "That is already the time of your appointment" in same.text
    moved = me.post(
        form["action"],
        data={"csrf_token": csrf_of(confirm), "day": day, "time": new_time},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = me.get(moved.headers["location"])
    assert f"{new_time}–" in page.text and "has a new time" in page.text
    assert taken(session_factory) == base + 1


def test_another_persons_appointment_is_not_found(app, people):
    me = signed_in(app, "visitor@example.org")
    code, _, _ = book(me)
    other = signed_in(app, "other@example.org")
    assert other.get(f"/en/hall/appointments/{code}").status_code == 404
    assert other.get(f"/en/hall/appointments/{code}/calendar.ics").status_code == 404
    page = other.get("/en/hall/appointments")
    assert (
        other.post(
            f"/en/hall/appointments/{code}/cancel", data={"csrf_token": csrf_of_any(other)}
        ).status_code
        == 404
    )
    assert "You have no appointments." in page.text


def csrf_of_any(client):
    return csrf_of(client.get("/en/hall/appointments/new"))


def test_officers_see_the_days_appointments_per_counter(app, people):
    me = signed_in(app, "visitor@example.org")
    code, day, time = book(me)
    officer = signed_in(app, "officer@example.org")
    page = officer.get(f"/en/officer/hall/appointments?date={day}")
    assert page.status_code == 200 and hall.display_code(code) in page.text and "visitor" in page.text
    assert page.soup.find("h2", id="counter-C02")
    bad = officer.get("/en/officer/hall/appointments?date=tomorrow")
    assert bad.status_code == 422 and "Enter the date as YYYY-MM-DD." in bad.text
    assert me.get(f"/en/officer/hall/appointments?date={day}").status_code == 403


def test_administrators_add_and_remove_closed_days(app, people, session_factory):
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/en/admin/hall/closures")
    assert page.status_code == 200 and page.soup.find("select", id="counter")
    later = (hall.local_today(utcnow()) + timedelta(days=30)).isoformat()
    bad = admin.post("/en/admin/hall/closures", data={"csrf_token": csrf_of(page), "day": "soon"})
    assert bad.status_code == 422 and "Enter the date as YYYY-MM-DD." in bad.text
    assert "Give the reason in at least one language." in bad.text
    past = admin.post(
        "/en/admin/hall/closures", data={"csrf_token": csrf_of(page), "day": "2020-01-02", "reason-en": "x"}
    )
    assert past.status_code == 422 and "That day has passed." in past.text
    added = admin.post(
        "/en/admin/hall/closures",
        data={"csrf_token": csrf_of(page), "day": later, "counter": "", "reason-en": "Maintenance"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = admin.get(added.headers["location"])
    assert "Maintenance" in page.text and "The closed day was added." in page.text
    again = admin.post(
        "/en/admin/hall/closures",
        data={"csrf_token": csrf_of(page), "day": later, "reason-en": "Twice"},
    )
    assert again.status_code == 422 and "already closed" in again.text
    with session_factory() as s:
        closure = next(c for c in hall.list_closures(s) if c.reason("en") == "Maintenance")
    removed = admin.post(
        f"/en/admin/hall/closures/{closure.id}/remove",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert removed.status_code == 303 and "Maintenance" not in admin.get("/en/admin/hall/closures").text
    visitor = signed_in(app, "visitor@example.org")
    assert visitor.get("/en/admin/hall/closures").status_code == 403


def test_service_and_plan_pages_link_to_booking(client):
    page = client.get(f"/en/services/{FINANCE}")
    link = page.soup.find("a", string="Book a visit")
    assert link["href"] == f"/en/hall/appointments/new/day?service={FINANCE}"
