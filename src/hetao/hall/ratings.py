"""Service ratings (好差評) of the hall and the follow-up of poor ones.

What can be rated is registered by the part of the hall that owns it: ``register_subject(kind,
checker)``, where ``checker(session, subject_id, rater_id)`` raises a localised ``HetaoError`` unless
that person may rate that subject now (a queue ticket once it is served, an appointment once it is
completed…). Each subject is rated once: the database holds one rating per (kind, id), so of two
attempts at the same moment one is kept and the other is told.

A poor rating (不滿意 or 非常不滿意) opens a follow-up (回訪整改) in the same transaction, due 15
working days later on the mainland calendar (the first working day after the rating is day 1). An
administrator answers it — the rater, if they have an account, gets the answer by e-mail — and then
closes it. Follow-up changes are conditional on the version the administrator saw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hetao import notify
from hetao.accounts import Principal, User
from hetao.core.errors import Conflict, InvalidTransition, NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_, translator
from hetao.core.workdays import Calendar, add_working_days, mainland_calendar
from hetao.hall.rating_models import HallRating, RatingFollowup

#: The national five-level scale, best first: 非常滿意, 滿意, 基本滿意, 不滿意, 非常不滿意.
SCALE = (5, 4, 3, 2, 1)
#: Scores that open a follow-up (不滿意, 非常不滿意).
POOR = (2, 1)
#: Working days to answer a poor rating (好差評 rules: rectify and reply within 15 working days).
FOLLOWUP_WORKING_DAYS = 15
MAX_COMMENT = 500
MAX_RESPONSE = 2000
FOLLOWUP_STATES = ("open", "answered", "closed")
#: The filters of the follow-up list ("overdue" = open and past its due date).
FOLLOWUP_FILTERS = ("open", "overdue", "answered", "closed")
ZONE = ZoneInfo("Asia/Shanghai")

#: checker(session, subject_id, rater_id): raises a localised HetaoError unless the subject may be
#: rated by that person (None: not signed in) now.
SubjectChecker = Callable[[Session, str, str | None], None]
_SUBJECTS: dict[str, SubjectChecker] = {}


class UnknownSubject(NotFound):
    code = "hall.rating_subject_unknown"
    message = N_("There is nothing to rate at this address.")


class AlreadyRated(Conflict):
    code = "hall.already_rated"
    message = N_("This service has already been rated. Thank you for your rating.")


class StaleFollowup(Conflict):
    code = "hall.followup_stale"
    message = N_(
        "Someone else changed this follow-up after you opened it. Nothing was saved: open it again "
        "and see what changed."
    )


def register_subject(kind: str, checker: SubjectChecker) -> None:
    """Make ``kind`` ratable; ``checker`` decides per subject and person (registering again replaces it)."""
    if not kind or len(kind) > 32:
        raise ValueError("a subject kind is 1 to 32 characters")
    _SUBJECTS[kind] = checker


def unregister_subject(kind: str) -> None:
    _SUBJECTS.pop(kind, None)


def subject_kinds() -> tuple[str, ...]:
    return tuple(sorted(_SUBJECTS))


def local_today(now: datetime) -> date:
    """The date in the hall (Shenzhen) at ``now`` (a time without a zone is taken as UTC, as the
    database stores it)."""
    return (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(ZONE).date()


def find_rating(session: Session, *, subject_kind: str, subject_id: str) -> HallRating | None:
    return session.scalar(
        select(HallRating).where(HallRating.subject_kind == subject_kind, HallRating.subject_id == subject_id)
    )


def check_subject(session: Session, *, subject_kind: str, subject_id: str, rater_id: str | None) -> None:
    """Raise unless the subject may be rated by that person now (and has not been rated yet)."""
    checker = _SUBJECTS.get(subject_kind)
    if checker is None or not subject_id or len(subject_id) > 64:
        raise UnknownSubject()
    checker(session, subject_id, rater_id)
    if find_rating(session, subject_kind=subject_kind, subject_id=subject_id) is not None:
        raise AlreadyRated()


def record_rating(
    session: Session,
    *,
    subject_kind: str,
    subject_id: str,
    rater_id: str | None,
    score: int | None,
    comment: str | None,
    now: datetime,
    calendar: Calendar | None = None,
) -> HallRating:
    """Record the rating of one subject; a poor one opens its follow-up in the same transaction."""
    check_subject(session, subject_kind=subject_kind, subject_id=subject_id, rater_id=rater_id)
    problems = []
    if score not in SCALE:
        problems.append(Problem("score", N_("Choose how satisfied you are.")))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        problems.append(
            Problem("comment", N_("Enter at most %(maximum)s characters."), {"maximum": MAX_COMMENT})
        )
    if problems:
        raise ValidationFailed(problems)
    rating = HallRating(
        subject_kind=subject_kind,
        subject_id=subject_id,
        rater_id=rater_id,
        score=score,
        comment=comment or None,
        created_at=now.astimezone(UTC),
    )
    try:
        with session.begin_nested():
            session.add(rating)
            session.flush()
    except IntegrityError:  # rated at the same moment in another transaction: the database kept one
        raise AlreadyRated() from None
    if score in POOR:
        due = add_working_days(local_today(now), FOLLOWUP_WORKING_DAYS, calendar or mainland_calendar())
        session.add(RatingFollowup(rating_id=rating.id, state="open", due_on=due, version=1, created_at=now))
        session.flush()
    return rating


def is_overdue(followup: RatingFollowup, today: date) -> bool:
    return followup.state == "open" and followup.due_on < today


def get_followup(session: Session, followup_id: str) -> RatingFollowup:
    followup = session.get(RatingFollowup, followup_id, options=[selectinload(RatingFollowup.rating)])
    if followup is None:
        raise NotFound()
    return followup


def list_followups(
    session: Session, principal: Principal, *, state: str | None, today: date, limit: int = 200
) -> list[RatingFollowup]:
    """Follow-ups, earliest due first; ``state`` is one of ``FOLLOWUP_FILTERS`` or None (not closed)."""
    principal.require_admin()
    query = select(RatingFollowup).options(selectinload(RatingFollowup.rating))
    if state == "overdue":
        query = query.where(RatingFollowup.state == "open", RatingFollowup.due_on < today)
    elif state in FOLLOWUP_STATES:
        query = query.where(RatingFollowup.state == state)
    else:
        query = query.where(RatingFollowup.state != "closed")
    return list(
        session.scalars(query.order_by(RatingFollowup.due_on, RatingFollowup.created_at).limit(limit))
    )


def _move(
    session: Session, followup: RatingFollowup, version: int | None, *, states: tuple[str, ...], **values
) -> None:
    """Apply ``values`` only if the follow-up is still at ``version`` and in one of ``states``."""
    if version is None or followup.version != version:
        raise StaleFollowup()
    if followup.state not in states:
        raise InvalidTransition()
    moved = session.execute(
        update(RatingFollowup)
        .where(
            RatingFollowup.id == followup.id,
            RatingFollowup.version == version,
            RatingFollowup.state.in_(states),
        )
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise StaleFollowup()
    session.refresh(followup)


def take_followup(
    session: Session, principal: Principal, followup_id: str, *, version: int | None, now: datetime
) -> RatingFollowup:
    """The administrator takes the follow-up on (becomes its assignee)."""
    principal.require_admin()
    followup = get_followup(session, followup_id)
    _move(session, followup, version, states=("open",), assignee_id=principal.user_id)
    return followup


def answer_followup(
    session: Session,
    principal: Principal,
    followup_id: str,
    *,
    version: int | None,
    response: str,
    now: datetime,
) -> RatingFollowup:
    """Record what was found and done; the rater, if they have an account, is told by e-mail."""
    principal.require_admin()
    followup = get_followup(session, followup_id)
    response = (response or "").strip()
    if not response:
        raise ValidationFailed([Problem("response", N_("Write the answer to the person who rated."))])
    if len(response) > MAX_RESPONSE:
        raise ValidationFailed(
            [Problem("response", N_("Enter at most %(maximum)s characters."), {"maximum": MAX_RESPONSE})]
        )
    _move(
        session,
        followup,
        version,
        states=("open",),
        state="answered",
        response=response,
        answered_at=now,
        answered_by=principal.user_id,
        assignee_id=followup.assignee_id or principal.user_id,
    )
    _notify_rater(session, followup)
    return followup


def close_followup(
    session: Session, principal: Principal, followup_id: str, *, version: int | None, now: datetime
) -> RatingFollowup:
    """Close an answered follow-up."""
    principal.require_admin()
    followup = get_followup(session, followup_id)
    _move(session, followup, version, states=("answered",), state="closed", closed_at=now)
    return followup


def _notify_rater(session: Session, followup: RatingFollowup) -> None:
    rating = followup.rating
    user = session.get(User, rating.rater_id) if rating.rater_id else None
    if user is None or not user.is_active:
        return
    t = translator(user.locale)
    notify.enqueue(
        session,
        kind="hall.followup_answered",
        locale=user.locale,
        to_address=user.email,
        user_id=user.id,
        subject=t.gettext("Your rating of the service centre has been answered"),
        body=t.gettext(
            "Thank you for rating our service on %(date)s. We looked into what you told us; "
            "this is our answer:\n\n%(response)s",
            date=local_today(rating.created_at).isoformat(),
            response=followup.response or "",
        ),
    )


@dataclass(frozen=True)
class RatingStatistics:
    """Ratings recorded from ``start`` to ``end`` (dates in the hall, both included) and the state of
    their follow-ups on ``today``."""

    start: date
    end: date
    #: Ratings per score, every score of the scale present (5 … 1).
    distribution: dict[int, int] = field(default_factory=dict)
    followups_open: int = 0
    followups_overdue: int = 0
    followups_answered: int = 0
    followups_closed: int = 0

    @property
    def total(self) -> int:
        return sum(self.distribution.values())

    @property
    def satisfied_share(self) -> float | None:
        """The share rated 基本滿意 or better, or None without ratings."""
        return sum(self.distribution.get(s, 0) for s in (5, 4, 3)) / self.total if self.total else None


def _utc_bound(day: date) -> datetime:
    return datetime.combine(day, time(0), ZONE).astimezone(UTC)


def rating_statistics(session: Session, *, start: date, end: date, today: date) -> RatingStatistics:
    """The score distribution of the ratings of the range and how their follow-ups stand."""
    if end < start:
        raise ValidationFailed([Problem("end", N_("The end date must not be before the start date."))])
    in_range = (
        HallRating.created_at >= _utc_bound(start),
        HallRating.created_at < _utc_bound(end + timedelta(days=1)),
    )
    counts = dict(
        session.execute(
            select(HallRating.score, func.count()).where(*in_range).group_by(HallRating.score)
        ).all()
    )
    rows = session.execute(
        select(RatingFollowup.state, RatingFollowup.due_on).join(HallRating).where(*in_range)
    ).all()
    return RatingStatistics(
        start=start,
        end=end,
        distribution={s: int(counts.get(s, 0)) for s in SCALE},
        followups_open=sum(1 for state, _ in rows if state == "open"),
        followups_overdue=sum(1 for state, due in rows if state == "open" and due < today),
        followups_answered=sum(1 for state, _ in rows if state == "answered"),
        followups_closed=sum(1 for state, _ in rows if state == "closed"),
    )
