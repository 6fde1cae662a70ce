"""Event pages through HTTP: the list and an event in each language; register, the waitlist and the
automatic promotion; .ics; the attendee CSV for the organiser; creating and editing events with the
version check; every denial."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from hetao import notify
from hetao.accounts import user_by_email
from hetao.core.db import utcnow
from hetao.hall.localtime import local_today
from hetao.hall.room_event_models import Event, EventRegistration
from tests.cases.helpers import person
from tests.pages import CheckingClient, csrf_of
from tests.web.test_room_pages import signed_in


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


DAY = (local_today(utcnow()) + timedelta(days=40)).isoformat()


def event_form(**changes) -> dict[str, str]:
    values = {
        "slug": "small-seminar",
        "kind": "seminar",
        "starts_day": DAY,
        "starts_time": "10:00",
        "ends_day": DAY,
        "ends_time": "11:30",
        "capacity": "1",
        "registration_open": "yes",
        "organiser_email": "organiser@example.org",
    }
    for field, (hant, hans, en) in {
        "title": ("小型講座", "小型讲座", "Small seminar"),
        "summary": ("一個示例講座。", "一个示例讲座。", "An example seminar."),
        "description": ("內容。", "内容。", "Contents."),
        "place": ("洽談室", "洽谈室", "Meeting room"),
        "organiser": ("服務中心", "服务中心", "Service centre"),
    }.items():
        values.update({f"{field}-zh-Hant": hant, f"{field}-zh-Hans": hans, f"{field}-en": en})
    values.update(changes)
    return values


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        for email in ("first@example.org", "second@example.org", "organiser@example.org"):
            person(s, email)
        person(s, "admin.events@example.org", admin=True)


@pytest.fixture
def admin(app, people):
    return signed_in(app, "admin.events@example.org")


@pytest.fixture
def seminar(admin):
    page = admin.get("/en/admin/hall/events/new")
    created = admin.post(
        "/en/admin/hall/events/new",
        data={"csrf_token": csrf_of(page), **event_form()},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    return "small-seminar"


def post(client, url, data=None, page_url=None):
    page = client.get(page_url or url.rsplit("/", 1)[0])
    return client.post(url, data={"csrf_token": csrf_of(page), **(data or {})}, follow_redirects=False)


@pytest.mark.parametrize("prefix", ["zh-hant", "zh-hans", "en"])
def test_the_event_list_and_a_sample_event_in_each_language(client, prefix):
    listing = client.get(f"/{prefix}/hall/events")
    assert listing.status_code == 200
    links = [a["href"] for a in listing.soup.select("main h2 a")]
    assert f"/{prefix}/hall/events/hk-founders-roadshow" in links
    page = client.get(f"/{prefix}/hall/events/hk-founders-roadshow")
    assert page.status_code == 200 and page.soup.select_one("a[href*='/account/sign-in?next=']")
    assert client.get(f"/{prefix}/hall/events/no-such-event").status_code == 404


def test_register_wait_and_be_promoted_when_someone_cancels(app, people, seminar, session_factory):
    first, second = signed_in(app, "first@example.org"), signed_in(app, "second@example.org")
    url = f"/en/hall/events/{seminar}"
    assert "Register" in first.get(url).soup.select_one("form[action$='/register'] button").get_text()
    registered = post(first, f"{url}/register", page_url=url)
    assert registered.headers["location"].endswith("?done=registered")
    page = second.get(url)
    assert page.soup.select_one("form[action$='/register'] button").get_text() == "Join the waitlist"
    waiting = post(second, f"{url}/register", page_url=url)
    assert waiting.headers["location"].endswith("?done=waitlisted")
    assert "You are number 1 on the waitlist." in second.get(url).text
    assert second.get(f"{url}/calendar.ics").status_code == 404

    calendar = first.get(f"{url}/calendar.ics")
    assert calendar.status_code == 200 and "SUMMARY:Small seminar" in calendar.text

    cancelled = post(first, f"{url}/cancel", page_url=url)
    assert cancelled.headers["location"].endswith("?done=cancelled")
    assert "You are registered." in second.get(url).text
    with session_factory() as s:
        promoted = user_by_email(s, "second@example.org")
        assert notify.messages_for(s, promoted.id)[0].subject == "You have a place at Small seminar"
        event = s.scalar(select(EventRegistration.event_id).where(EventRegistration.user_id == promoted.id))
        rows = s.scalars(
            select(EventRegistration)
            .where(EventRegistration.event_id == event)
            .order_by(EventRegistration.position)
        ).all()
        assert [r.state for r in rows] == ["cancelled", "registered"]


def test_registration_needs_a_signed_in_person_and_a_form_token(app, people, seminar, client):
    url = f"/en/hall/events/{seminar}"
    anonymous = client.post(f"{url}/register", data={"csrf_token": "x"}, follow_redirects=False)
    assert anonymous.status_code == 403
    first = signed_in(app, "first@example.org")
    assert first.post(f"{url}/register", data={}).status_code == 403
    assert first.post(f"{url}/cancel", data={"csrf_token": csrf_of(first.get(url))}).status_code == 409


def test_the_attendee_list_is_for_the_organiser_and_administrators(app, people, seminar, admin):
    url = f"/en/hall/events/{seminar}"
    first = signed_in(app, "first@example.org")
    post(first, f"{url}/register", page_url=url)
    assert first.get(f"{url}/attendees.csv").status_code == 403
    organiser = signed_in(app, "organiser@example.org")
    assert organiser.get(url).soup.select_one("a[href$='/attendees.csv']")
    for who in (organiser, admin):
        data = who.get(f"{url}/attendees.csv")
        assert data.status_code == 200 and data.headers["content-type"].startswith("text/csv")
        assert data.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Status" and rows[1][3] == "first@example.org"


def test_admin_pages_are_for_administrators(app, people):
    first = signed_in(app, "first@example.org")
    assert first.get("/en/admin/hall/events").status_code == 403
    assert first.get("/en/admin/hall/events/new").status_code == 403


def test_creating_an_event_with_mistakes_shows_them_and_writes_nothing(admin, session_factory):
    bad = post(
        admin,
        "/en/admin/hall/events/new",
        event_form(**{"slug": "Small Seminar", "title-zh-Hans": "", "capacity": "none"}),
        page_url="/en/admin/hall/events/new",
    )
    assert bad.status_code == 422
    assert [a["href"] for a in bad.soup.select(".error-summary a")] == [
        "#slug",
        "#title-zh-Hans",
        "#capacity",
    ]
    assert "Title, 简体: Fill this in." in bad.soup.select_one(".error-summary").get_text()
    assert bad.soup.select_one("#title-en")["value"] == "Small seminar"
    with session_factory() as s:
        assert s.scalar(select(Event).where(Event.slug.like("small%"))) is None


def test_two_editors_the_second_is_told_and_nothing_is_overwritten(app, admin, seminar, session_factory):
    edit = f"/en/admin/hall/events/{seminar}/edit"
    other_admin = CheckingClient(app, cookies=admin.cookies)
    mine, theirs = admin.get(edit), other_admin.get(edit)
    assert mine.soup.select_one("input[name=version]")["value"] == "1"
    saved = admin.post(
        edit,
        data={
            "csrf_token": csrf_of(mine),
            **event_form(version="1", **{"title-en": "Small seminar (moved)"}),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    lost = other_admin.post(
        edit,
        data={
            "csrf_token": csrf_of(theirs),
            **event_form(version="1", **{"title-en": "Small seminar (renamed)"}),
        },
        follow_redirects=False,
    )
    assert lost.status_code == 409 and "Someone else saved this event" in lost.text
    assert lost.soup.select_one("#title-en")["value"] == "Small seminar (renamed)"
    with session_factory() as s:
        event = s.scalar(select(Event).where(Event.slug == seminar))
        assert event.titles["en"] == "Small seminar (moved)" and event.version == 2


def test_the_admin_list_shows_events_with_their_numbers(admin, seminar):
    page = admin.get("/zh-hant/admin/hall/events")
    assert page.status_code == 200
    assert page.soup.select_one(f"a[href='/zh-hant/admin/hall/events/{seminar}/edit']")
