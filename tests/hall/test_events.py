"""Events: registration up to the capacity, then the waitlist; cancelling promotes the first person
waiting (and tells them); capacity never exceeded under concurrency on each backend; editing with a
version check; the attendee CSV; calendar files; dashboard figures."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hetao import accounts, notify
from hetao.accounts import principal_for, user_by_email
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError, InvalidTransition, PermissionDenied, ValidationFailed
from hetao.core.settings import Settings
from hetao.hall import events, ics
from hetao.hall.room_event_models import Event, EventRegistration
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade
from tests.cases.helpers import PASSWORD, person

NOW = datetime(2027, 2, 26, 2, 0, tzinfo=UTC)


def form(**changes) -> dict[str, str]:
    values = {
        "slug": "demo-day",
        "kind": "roadshow",
        "starts_day": "2027-03-10",
        "starts_time": "14:00",
        "ends_day": "2027-03-10",
        "ends_time": "17:00",
        "capacity": "2",
        "registration_open": "yes",
        "organiser_email": "",
    }
    for field, (hant, hans, en) in {
        "title": ("示範日", "示范日", "Demo day"),
        "summary": ("初創團隊介紹項目。", "初创团队介绍项目。", "Start-ups present."),
        "description": ("詳情。", "详情。", "Details."),
        "place": ("展示交流區", "展示交流区", "Exchange area"),
        "organiser": ("服務中心", "服务中心", "Service centre"),
    }.items():
        values.update({f"{field}-zh-Hant": hant, f"{field}-zh-Hans": hans, f"{field}-en": en})
    values.update(changes)
    return values


@pytest.fixture
def admin(session):
    return person(session, "admin.events@example.org", admin=True)


@pytest.fixture
def event(session, admin):
    return events.create_event(session, admin, form=form(), now=NOW)


def people(session, n, prefix="guest"):
    return [person(session, f"{prefix}{i}@example.org") for i in range(n)]


def states(session, event):
    rows = session.scalars(
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id)
        .order_by(EventRegistration.position)
    )
    return [(r.user_id, r.state) for r in rows]


def test_sample_events_are_upcoming_and_in_three_languages(session):
    upcoming = events.list_upcoming_events(session, now=utcnow())
    kinds = {e.kind for e in upcoming}
    assert {"roadshow", "exchange", "exhibition"} <= kinds
    for e in upcoming:
        assert set(e.titles) == set(e.summaries) == set(e.places) == {"zh-Hant", "zh-Hans", "en"}


def test_full_events_put_people_on_the_waitlist_and_a_cancellation_promotes_the_first(session, event):
    a, b, c, d = people(session, 4)
    assert events.register(session, a, slug="demo-day", now=NOW).state == "registered"
    assert events.register(session, b, slug="demo-day", now=NOW).state == "registered"
    third = events.register(session, c, slug="demo-day", now=NOW)
    fourth = events.register(session, d, slug="demo-day", now=NOW)
    assert (third.state, fourth.state) == ("waitlisted", "waitlisted")
    assert events.waitlist_position(session, fourth) == 2
    # Registering again changes nothing.
    assert events.register(session, c, slug="demo-day", now=NOW).position == third.position
    assert events.places(session, event) == events.Places(2, 2, 2)

    promoted = events.cancel_registration(session, a, slug="demo-day", now=NOW)
    assert [r.user_id for r in promoted] == [c.user_id]
    assert states(session, event) == [
        (a.user_id, "cancelled"),
        (b.user_id, "registered"),
        (c.user_id, "registered"),
        (d.user_id, "waitlisted"),
    ]
    mail = notify.messages_for(session, c.user_id)[0]
    assert mail.subject == "You have a place at Demo day" and mail.to_address == "guest2@example.org"
    assert events.waitlist_position(session, fourth) == 1

    # Leaving the waitlist promotes nobody; coming back goes to the end of the line.
    assert events.cancel_registration(session, d, slug="demo-day", now=NOW) == []
    again = events.register(session, a, slug="demo-day", now=NOW)
    assert again.state == "waitlisted" and again.position > fourth.position
    with pytest.raises(InvalidTransition):
        events.cancel_registration(session, d, slug="demo-day", now=NOW)


def test_closed_and_started_events_take_no_registrations(session, admin, event):
    (a,) = people(session, 1)
    with pytest.raises(events.RegistrationClosed):
        events.register(session, a, slug="demo-day", now=datetime(2027, 3, 10, 6, 30, tzinfo=UTC))
    events.update_event(
        session, admin, slug="demo-day", form=form(registration_open="", version="1"), now=NOW
    )
    with pytest.raises(events.RegistrationClosed):
        events.register(session, a, slug="demo-day", now=NOW)
    assert states(session, event) == []


def test_new_events_are_validated_in_three_languages(session, admin):
    with pytest.raises(ValidationFailed) as failed:
        events.create_event(
            session,
            admin,
            form=form(
                slug="Bad Slug",
                kind="party",
                capacity="0",
                ends_time="13:00",
                organiser_email="nobody@example.org",
                **{"title-zh-Hans": "", "summary-en": "x" * 501},
            ),
            now=NOW,
        )
    paths = {p.path for p in failed.value.problems}
    assert paths == {"slug", "kind", "capacity", "ends_day", "organiser_email", "title-zh-Hans", "summary-en"}
    with pytest.raises(ValidationFailed) as past:
        events.create_event(
            session, admin, form=form(starts_day="2027-02-01", ends_day="2027-02-01"), now=NOW
        )
    assert [p.path for p in past.value.problems] == ["starts_day"]
    assert session.scalar(select(Event).where(Event.slug.in_(("demo-day", "bad-slug")))) is None
    with pytest.raises(PermissionDenied):
        events.create_event(session, person(session, "not.admin@example.org"), form=form(), now=NOW)


def test_two_editors_never_overwrite_each_other(session, admin, event):
    first = events.update_event(
        session, admin, slug="demo-day", form=form(version="1", **{"title-en": "Demo day, first"}), now=NOW
    )
    assert first.version == 2
    with pytest.raises(events.EventEdited):
        events.update_event(
            session,
            admin,
            slug="demo-day",
            form=form(version="1", **{"title-en": "Demo day, second"}),
            now=NOW,
        )
    session.refresh(event)
    assert event.titles["en"] == "Demo day, first" and event.version == 2


def test_a_larger_capacity_promotes_and_a_smaller_one_is_refused(session, admin, event):
    a, b, c = people(session, 3)
    for who in (a, b, c):
        events.register(session, who, slug="demo-day", now=NOW)
    with pytest.raises(ValidationFailed) as failed:
        events.update_event(session, admin, slug="demo-day", form=form(capacity="1", version="1"), now=NOW)
    assert [p.path for p in failed.value.problems] == ["capacity"]
    events.update_event(session, admin, slug="demo-day", form=form(capacity="3", version="1"), now=NOW)
    assert [s for _, s in states(session, event)] == ["registered"] * 3
    assert notify.messages_for(session, c.user_id)


def test_attendee_csv_has_a_bom_neutralises_formulas_and_is_for_the_organiser(session, admin, event):
    organiser = person(session, "organiser@example.org")
    events.update_event(
        session,
        admin,
        slug="demo-day",
        form=form(version="1", organiser_email="organiser@example.org"),
        now=NOW,
    )
    user = accounts.sign_up(
        session,
        email="formula@example.org",
        display_name='=HYPERLINK("http://example.invalid","x")',
        password=PASSWORD,
        confirm=PASSWORD,
        locale="zh-Hant",
        now=NOW,
    )
    events.register(session, principal_for(user), slug="demo-day", now=NOW)
    (guest,) = people(session, 1)
    events.register(session, guest, slug="demo-day", now=NOW)
    header = ["State", "Order", "Name", "E-mail address", "Registered at"]
    data = events.attendees_csv(session, organiser, event, header=header, states={"registered": "Registered"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == header
    assert rows[1][2] == '\'=HYPERLINK("http://example.invalid","x")' and rows[2][3] == "guest0@example.org"
    with pytest.raises(PermissionDenied):
        events.attendees_csv(session, guest, event, header=header, states={})
    assert events.attendees_csv(session, admin, event, header=header, states={}).count(b"\r\n") == 3


def test_the_calendar_file_of_an_event(session, event):
    text = ics.render(events.event_calendar(event, "zh-Hant"), now=NOW)
    assert "SUMMARY:示範日" in text and "DTSTART:20270310T060000Z" in text and "LOCATION:展示交流區" in text


def test_registrations_between_for_the_dashboard(session, event):
    a, b, c = people(session, 3)
    for who in (a, b, c):
        events.register(session, who, slug="demo-day", now=NOW)
    events.cancel_registration(session, c, slug="demo-day", now=NOW)
    figures = events.registrations_between(session, first=date(2027, 3, 10), last=date(2027, 3, 10))
    assert [(f.event.slug, f.registered, f.waitlisted, f.cancelled) for f in figures] == [
        ("demo-day", 2, 0, 1)
    ]
    later = events.registrations_between(session, first=date(2027, 3, 11), last=date(2027, 3, 31))
    assert "demo-day" not in [f.event.slug for f in later]


def test_concurrent_registrations_never_exceed_the_capacity(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    emails = [f"racer{n}@example.org" for n in range(7)]
    capacity = 3
    with unit_of_work(factory) as session:
        admin = person(session, "admin@example.org", admin=True)
        events.create_event(session, admin, form=form(capacity=str(capacity)), now=NOW)
        for email in emails:
            person(session, email)

    barrier = threading.Barrier(len(emails))
    outcomes: dict[str, str] = {}

    def act(email: str) -> None:
        try:
            barrier.wait(timeout=20)
            with unit_of_work(factory, write=True) as session:
                who = principal_for(user_by_email(session, email))
                outcomes[email] = events.register(session, who, slug="demo-day", now=NOW).state
        except HetaoError as error:
            outcomes[email] = error.code

    threads = [threading.Thread(target=act, args=(e,)) for e in emails]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    expected = ["registered"] * capacity + ["waitlisted"] * (len(emails) - capacity)
    assert sorted(outcomes.values()) == expected, outcomes
    with unit_of_work(factory) as session:
        stored = session.scalars(select(EventRegistration).order_by(EventRegistration.position)).all()
        assert sorted(r.state for r in stored) == expected
        assert [r.position for r in stored] == list(range(1, len(emails) + 1))
    engine.dispose()
