"""Ratings (好差評) of hall services through a fake subject kind: one rating per subject (enforced by
the database, also under two attempts at the same moment on each backend), a poor rating opens a
follow-up due 15 working days later on the mainland calendar, answering e-mails the rater, closing,
and stale versions refused."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hetao import hall, notify
from hetao.core.errors import HetaoError, InvalidTransition, PermissionDenied, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.settings import Settings
from hetao.hall import HallRating, RatingFollowup
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade
from tests.cases.helpers import person

KIND = "fake-service"
#: 10:00 in Shenzhen on Tuesday 22 September 2026, before the Mid-Autumn and National Day holidays.
BEFORE_HOLIDAYS = datetime(2026, 9, 22, 2, 0, tzinfo=UTC)


class NotServed(HetaoError):
    status = 409
    code = "tests.not_served"
    message = N_("That action is not possible in the current state.")


def fake_checker(session, subject_id: str, rater_id: str | None) -> None:
    """Subjects named "served-…" may be rated by anyone; "mine-…" only by a signed-in person."""
    if subject_id.startswith("mine-") and rater_id is None:
        raise PermissionDenied()
    if not subject_id.startswith(("served-", "mine-")):
        raise NotServed()


@pytest.fixture(autouse=True)
def fake_subject():
    hall.register_subject(KIND, fake_checker)
    yield
    hall.unregister_subject(KIND)


def rate(session, subject_id, score, *, rater_id=None, comment="", now=BEFORE_HOLIDAYS):
    return hall.record_rating(
        session,
        subject_kind=KIND,
        subject_id=subject_id,
        rater_id=rater_id,
        score=score,
        comment=comment,
        now=now,
    )


def test_a_good_rating_is_recorded_without_a_follow_up(session):
    rating = rate(session, "served-1", 5, comment="  Quick and friendly.  ")
    assert rating.score == 5 and rating.comment == "Quick and friendly."
    assert rating.followup is None
    assert session.scalar(select(RatingFollowup).where(RatingFollowup.rating_id == rating.id)) is None


def test_a_subject_is_rated_once(session):
    rate(session, "served-2", 4)
    with pytest.raises(hall.AlreadyRated):
        rate(session, "served-2", 1)
    ratings = session.scalars(select(HallRating).where(HallRating.subject_id == "served-2")).all()
    assert [r.score for r in ratings] == [4]


def test_the_database_itself_refuses_a_second_rating(session):
    rate(session, "served-3", 4)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(HallRating(subject_kind=KIND, subject_id="served-3", score=3, created_at=BEFORE_HOLIDAYS))
        session.flush()


@pytest.mark.parametrize(
    ("subject_id", "rater", "error"),
    [
        ("waiting-1", False, NotServed),
        ("mine-1", False, PermissionDenied),
        ("", False, hall.UnknownSubject),
    ],
)
def test_the_subject_kind_decides_who_may_rate_what(session, subject_id, rater, error):
    with pytest.raises(error):
        rate(session, subject_id, 5)
    assert session.scalar(select(HallRating).where(HallRating.subject_id == subject_id)) is None


def test_an_unregistered_kind_cannot_be_rated(session):
    with pytest.raises(hall.UnknownSubject):
        hall.record_rating(
            session,
            subject_kind="nothing",
            subject_id="x",
            rater_id=None,
            score=5,
            comment="",
            now=BEFORE_HOLIDAYS,
        )


@pytest.mark.parametrize(
    ("score", "comment", "path"),
    [(None, "", "score"), (0, "", "score"), (6, "", "score"), (5, "x" * 501, "comment")],
)
def test_bad_input_is_refused(session, score, comment, path):
    with pytest.raises(ValidationFailed) as failed:
        rate(session, "served-bad", score, comment=comment)
    assert [p.path for p in failed.value.problems] == [path]
    assert hall.find_rating(session, subject_kind=KIND, subject_id="served-bad") is None


@pytest.mark.parametrize("score", hall.POOR)
def test_a_poor_rating_opens_a_follow_up_15_working_days_later_across_the_holidays(session, score):
    rating = rate(session, f"served-poor-{score}", score)
    followup = session.scalar(select(RatingFollowup).where(RatingFollowup.rating_id == rating.id))
    assert followup.state == "open" and followup.version == 1
    # Day 1 is 23 September; 25 September and 1-7 October are holidays, Saturday 10 October is a
    # make-up working day (補班): day 15 is 20 October. Counting Monday-Friday only would give 13 October.
    assert followup.due_on == date(2026, 10, 20)
    assert not hall.is_overdue(followup, date(2026, 10, 20))
    assert hall.is_overdue(followup, date(2026, 10, 21))


def test_satisfactory_ratings_open_no_follow_up(session):
    for score in (5, 4, 3):
        rating = rate(session, f"served-ok-{score}", score)
        assert session.scalar(select(RatingFollowup).where(RatingFollowup.rating_id == rating.id)) is None


@pytest.fixture
def admin(session):
    return person(session, "hall.admin@example.org", admin=True)


def test_answer_notifies_the_rater_then_close(session, admin):
    rater = person(session, "visitor@example.org")
    rating = rate(session, "mine-9", 1, rater_id=rater.user_id, comment="Waited too long.")
    followup = rating.followup
    hall.take_followup(session, admin, followup.id, version=1, now=BEFORE_HOLIDAYS)
    assert followup.assignee_id == admin.user_id and followup.version == 2
    with pytest.raises(InvalidTransition):
        hall.close_followup(session, admin, followup.id, version=2, now=BEFORE_HOLIDAYS)
    with pytest.raises(ValidationFailed):
        hall.answer_followup(session, admin, followup.id, version=2, response="  ", now=BEFORE_HOLIDAYS)
    hall.answer_followup(
        session,
        admin,
        followup.id,
        version=2,
        response="We added a window at busy times.",
        now=BEFORE_HOLIDAYS,
    )
    assert followup.state == "answered" and followup.answered_by == admin.user_id
    [message] = [m for m in notify.messages_for(session, rater.user_id) if m.kind == "hall.followup_answered"]
    assert message.to_address == "visitor@example.org"
    assert "We added a window at busy times." in message.body and "2026-09-22" in message.body
    hall.close_followup(session, admin, followup.id, version=3, now=BEFORE_HOLIDAYS)
    assert followup.state == "closed" and followup.closed_at is not None
    with pytest.raises(InvalidTransition):
        hall.answer_followup(session, admin, followup.id, version=4, response="again", now=BEFORE_HOLIDAYS)


def test_an_anonymous_rating_is_answered_without_mail(session, admin):
    rating = rate(session, "served-anon", 2)
    before = session.scalar(
        select(notify.OutboxMessage.id).where(notify.OutboxMessage.kind == "hall.followup_answered")
    )
    hall.answer_followup(
        session, admin, rating.followup.id, version=1, response="Noted.", now=BEFORE_HOLIDAYS
    )
    after = session.scalar(
        select(notify.OutboxMessage.id).where(notify.OutboxMessage.kind == "hall.followup_answered")
    )
    assert before == after is None


def test_a_stale_version_is_refused_and_nothing_changes(session, admin):
    rating = rate(session, "served-stale", 1)
    followup = rating.followup
    hall.answer_followup(
        session, admin, followup.id, version=1, response="First answer.", now=BEFORE_HOLIDAYS
    )
    with pytest.raises(hall.StaleFollowup):
        hall.answer_followup(
            session, admin, followup.id, version=1, response="Second answer.", now=BEFORE_HOLIDAYS
        )
    with pytest.raises(hall.StaleFollowup):
        hall.close_followup(session, admin, followup.id, version=1, now=BEFORE_HOLIDAYS)
    session.refresh(followup)
    assert followup.response == "First answer." and followup.state == "answered" and followup.version == 2


def test_only_administrators_handle_follow_ups(session):
    someone = person(session, "curious@example.org")
    rating = rate(session, "served-perm", 1)
    with pytest.raises(PermissionDenied):
        hall.answer_followup(
            session, someone, rating.followup.id, version=1, response="x", now=BEFORE_HOLIDAYS
        )
    with pytest.raises(PermissionDenied):
        hall.list_followups(session, someone, state=None, today=date(2026, 9, 22))


def test_lists_and_statistics(session, admin):
    for n, score in enumerate((5, 5, 4, 3, 2, 1)):
        rate(session, f"served-stat-{n}", score)
    late = rate(session, "served-stat-old", 1, now=datetime(2026, 8, 3, 2, 0, tzinfo=UTC))
    answered = rate(session, "served-stat-answered", 2)
    hall.answer_followup(
        session, admin, answered.followup.id, version=1, response="Done.", now=BEFORE_HOLIDAYS
    )
    today = date(2026, 9, 30)

    overdue = hall.list_followups(session, admin, state="overdue", today=today)
    assert late.followup in overdue and answered.followup not in overdue
    assert all(f.state == "open" and f.due_on < today for f in overdue)
    open_ = hall.list_followups(session, admin, state="open", today=today)
    assert {f.state for f in open_} == {"open"} and len(open_) >= 3
    assert answered.followup in hall.list_followups(session, admin, state="answered", today=today)

    stats = hall.rating_statistics(session, start=date(2026, 9, 22), end=date(2026, 9, 22), today=today)
    assert stats.distribution == {5: 2, 4: 1, 3: 1, 2: 2, 1: 1}
    assert stats.total == 7 and stats.satisfied_share == pytest.approx(4 / 7)
    assert (
        stats.followups_open,
        stats.followups_overdue,
        stats.followups_answered,
        stats.followups_closed,
    ) == (
        2,
        0,
        1,
        0,
    )
    wider = hall.rating_statistics(session, start=date(2026, 8, 1), end=date(2026, 9, 30), today=today)
    assert wider.total == 8 and wider.followups_overdue == 1
    # A rating at 23:30 in Shenzhen on 21 September (15:30 UTC) belongs to 21 September.
    rate(session, "served-stat-late-evening", 5, now=datetime(2026, 9, 21, 15, 30, tzinfo=UTC))
    day = hall.rating_statistics(session, start=date(2026, 9, 21), end=date(2026, 9, 21), today=today)
    assert day.distribution[5] == 1 and day.total == 1
    with pytest.raises(ValidationFailed):
        hall.rating_statistics(session, start=date(2026, 9, 2), end=date(2026, 9, 1), today=today)


def test_two_ratings_of_one_subject_at_the_same_moment(empty_db_url):
    """Real commits on each backend: both see no rating yet and both insert; the database keeps one."""
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(score: int) -> None:
        try:
            barrier.wait(timeout=10)
            with unit_of_work(factory, write=True) as session:
                rate(session, "served-race", score)
            result = "won"
        except HetaoError as error:
            result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["hall.already_rated", "won"], outcomes
    with unit_of_work(factory) as session:
        ratings = session.scalars(select(HallRating)).all()
        assert len(ratings) == 1
        followups = session.scalars(select(RatingFollowup)).all()
        assert [f.rating_id for f in followups] == [ratings[0].id]
    engine.dispose()
