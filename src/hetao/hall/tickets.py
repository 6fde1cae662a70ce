"""Queue tickets (取號): taking a number, the call order, the counters' actions, estimated waits,
the display board and the day's figures.

Rules (docs/hall/queue.md):

* A number per category per local day (Asia/Shanghai): the category's letter (A–I in catalogue
  order) and a running number, "B012". The number comes from a conditional UPDATE of the day's
  sequence row, so people taking tickets at the same moment never get the same number.
* Call order for a counter: among today's waiting tickets of the categories it serves (and those
  transferred to it), appointment holders first, then the priority lane (the elderly, people with
  disabilities), then walk-ins; within a lane, by the time the ticket was taken (number order).
  A transferred ticket keeps its original time, so it keeps its place.
* Every action is one conditional UPDATE on the state (and version) the officer saw: of two officers
  calling at once each gets a different ticket, and an action on a ticket that has moved on
  (served, called elsewhere, transferred) changes nothing and says so.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, insert, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.catalog import Category
from hetao.core.errors import Conflict, NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.hall.counters import list_counters
from hetao.hall.models import Counter
from hetao.hall.queue_models import LANE_RANK, Lane, Ticket, TicketSequence, TicketState

ZONE = ZoneInfo("Asia/Shanghai")
#: The letter of each category's numbers: A–I in catalogue order.
LETTERS: dict[str, str] = {c.value: "ABCDEFGHI"[i] for i, c in enumerate(Category)}
#: Handling time assumed for a category with no served ticket in the window below.
DEFAULT_HANDLING_MINUTES = 8.0
#: The rolling average never counts less than this per person (a ticket finished at once is not free).
MIN_HANDLING_MINUTES = 1.0
#: The rolling average of handling time: the last this many served tickets of the category…
HANDLING_SAMPLE = 20
#: …served in the last this many days.
HANDLING_WINDOW_DAYS = 14
#: Tickets at a counter (called or being served) count against its capacity.
ACTIVE_STATES = (TicketState.called, TicketState.serving)


class TicketNotFound(NotFound):
    code = "hall.ticket_not_found"
    message = N_("There is no such ticket. Check the address on your ticket.")


class NobodyWaiting(Conflict):
    code = "hall.queue_empty"
    message = N_("Nobody is waiting for the categories this counter serves.")


class CounterBusy(Conflict):
    code = "hall.counter_busy"
    message = N_(
        "Counter %(counter)s already has as many tickets called or being served as it can take. "
        "Finish one, or mark it as not present, before calling the next."
    )


class TicketChanged(Conflict):
    code = "hall.ticket_changed"
    message = N_(
        "Ticket %(number)s has changed since this page was shown (it may have been called, served or "
        "transferred elsewhere). Nothing was done; see the current list below."
    )


class TicketAlreadyServed(Conflict):
    code = "hall.ticket_served"
    message = N_("Ticket %(number)s has already been served. Nothing was done.")


class TicketNoShow(Conflict):
    code = "hall.ticket_no_show"
    message = N_("Ticket %(number)s has already been marked as not present. Nothing was done.")


def local_day(now: datetime) -> date:
    return now.astimezone(ZONE).date()


def utc_naive(value: datetime) -> datetime:
    """Comparable timestamps whether or not the database kept the zone (all are stored in UTC)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def local_time(value: datetime) -> datetime:
    """A stored timestamp (UTC, with or without its zone) in the hall's time zone."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(ZONE)


def _utc(now: datetime) -> datetime:
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (utc_naive(end) - utc_naive(start)).total_seconds() / 60)


# Taking a ticket -------------------------------------------------------------------------------


def _next_number(session: Session, category: str, day: date) -> int:
    """The next number of ``category`` on ``day``: a conditional increment of the sequence row
    (PostgreSQL holds the row lock until commit; SQLite writers hold the database lock), the row
    created by the first taker of the day (a concurrent creator retries the increment)."""
    for _ in range(5):
        moved = session.execute(
            update(TicketSequence)
            .where(TicketSequence.category == category, TicketSequence.day == day)
            .values(last_number=TicketSequence.last_number + 1)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            return session.execute(
                select(TicketSequence.last_number).where(
                    TicketSequence.category == category, TicketSequence.day == day
                )
            ).scalar_one()
        try:
            with session.begin_nested():
                session.execute(insert(TicketSequence).values(category=category, day=day, last_number=1))
            return 1
        except IntegrityError:
            continue  # someone else created the day's row first: increment it
    raise Conflict()


def take_ticket(
    session: Session,
    *,
    category: str,
    lane: str = Lane.walk_in,
    appointment_code: str | None = None,
    holder_id: str | None = None,
    now: datetime,
) -> Ticket:
    """Give the next number of ``category`` today. ``lane="appointment"`` is for appointment
    holders checking in and needs their ``appointment_code``."""
    problems = []
    if category not in LETTERS:
        problems.append(Problem("category", N_("Choose what you have come for.")))
    if lane not in LANE_RANK:
        problems.append(Problem("lane", N_("Choose a queue.")))
    code = (appointment_code or "").strip()
    if lane == Lane.appointment and not code:
        problems.append(Problem("appointment_code", N_("Enter the appointment's code.")))
    elif lane != Lane.appointment and code:
        problems.append(Problem("appointment_code", N_("Only appointment holders have an appointment code.")))
    elif len(code) > 40:
        problems.append(
            Problem("appointment_code", N_("Enter at most %(maximum)s characters."), {"maximum": 40})
        )
    if problems:
        raise ValidationFailed(problems)
    now = _utc(now)
    day = local_day(now)
    number = _next_number(session, category, day)
    ticket = Ticket(
        token=secrets.token_urlsafe(24),
        day=day,
        first_category=category,
        category=category,
        number=number,
        code=f"{LETTERS[category]}{number:03d}",
        lane=str(lane),
        appointment_code=code or None,
        holder_id=holder_id,
        state=TicketState.waiting,
        taken_at=now,
        version=1,
        recalls=0,
        transfers=0,
    )
    session.add(ticket)
    session.flush()
    return ticket


def get_ticket_by_token(session: Session, token: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.token == token)) if token else None
    if ticket is None:
        raise TicketNotFound()
    return ticket


# The call order -------------------------------------------------------------------------------

_RANK = case(
    (Ticket.lane == Lane.appointment.value, LANE_RANK[Lane.appointment]),
    (Ticket.lane == Lane.priority.value, LANE_RANK[Lane.priority]),
    else_=LANE_RANK[Lane.walk_in],
)
CALL_ORDER = (_RANK, Ticket.taken_at, Ticket.number, Ticket.id)


def _order_key(ticket: Ticket) -> tuple:
    return (ticket.lane_rank, utc_naive(ticket.taken_at), ticket.number, ticket.id)


def _for_counter(counter: Counter):
    serves = true() if counter.comprehensive else Ticket.category.in_(counter.categories)
    return or_(Ticket.for_counter_id == counter.id, Ticket.for_counter_id.is_(None) & serves)


def waiting_for_counter(
    session: Session, counter: Counter, *, now: datetime, limit: int = 50
) -> list[Ticket]:
    """Today's waiting tickets this counter would call, in call order."""
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.day == local_day(now), Ticket.state == TicketState.waiting, _for_counter(counter))
            .order_by(*CALL_ORDER)
            .limit(limit)
        )
    )


def tickets_at_counter(session: Session, counter: Counter) -> list[Ticket]:
    """Tickets called to or being served at the counter, earliest call first."""
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.counter_id == counter.id, Ticket.state.in_(ACTIVE_STATES))
            .order_by(Ticket.last_called_at, Ticket.id)
        )
    )


def may_operate(principal: Principal, counter: Counter) -> bool:
    """Administrators work any counter; officers the counters of their departments."""
    return principal.is_admin or principal.may_handle(counter.department_id)


def operable_counters(session: Session, principal: Principal) -> list[Counter]:
    return [c for c in list_counters(session) if may_operate(principal, c)]


def call_next(session: Session, *, counter: Counter, now: datetime, officer_id: str | None = None) -> Ticket:
    """Call the first waiting ticket for ``counter``. Atomic: each candidate is taken by a
    conditional UPDATE (state still "waiting"); when another counter took it first, the next one is
    tried."""
    # Calls at one counter queue behind each other (the row lock; SQLite writers are serialised
    # anyway), so two officers at one counter cannot together exceed its capacity.
    session.execute(select(Counter.id).where(Counter.id == counter.id).with_for_update())
    active = session.scalar(
        select(func.count(Ticket.id)).where(Ticket.counter_id == counter.id, Ticket.state.in_(ACTIVE_STATES))
    )
    if (active or 0) >= max(1, counter.capacity):
        raise CounterBusy(counter=counter.code)
    now = _utc(now)
    for _ in range(5):
        candidates = waiting_for_counter(session, counter, now=now, limit=10)
        if not candidates:
            break
        for ticket in candidates:
            moved = session.execute(
                update(Ticket)
                .where(Ticket.id == ticket.id, Ticket.state == TicketState.waiting)
                .values(
                    state=TicketState.called,
                    counter_id=counter.id,
                    for_counter_id=None,
                    called_at=func.coalesce(Ticket.called_at, now),
                    last_called_at=now,
                    officer_id=officer_id,
                    version=Ticket.version + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount == 1:
                session.refresh(ticket)
                return ticket
    raise NobodyWaiting()


# Actions on a called ticket -------------------------------------------------------------------


def _stale(ticket: Ticket) -> Conflict:
    if ticket.state == TicketState.served:
        return TicketAlreadyServed(number=ticket.code)
    if ticket.state == TicketState.no_show:
        return TicketNoShow(number=ticket.code)
    return TicketChanged(number=ticket.code)


def _act(
    session: Session,
    *,
    ticket_id: str,
    counter: Counter,
    version: int,
    states: tuple[str, ...],
    officer_id: str | None,
    **values,
) -> Ticket:
    """Apply ``values`` only if the ticket is still at ``counter``, at ``version`` and in ``states``."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound()
    moved = session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            Ticket.version == version,
            Ticket.state.in_(states),
            Ticket.counter_id == counter.id,
        )
        .values(version=Ticket.version + 1, officer_id=officer_id, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(ticket)
    if moved.rowcount != 1:
        raise _stale(ticket)
    return ticket


def recall(
    session: Session, *, ticket_id: str, counter: Counter, version: int, now: datetime, officer_id=None
):
    """Call the ticket again (shown again at the top of the board)."""
    return _act(
        session,
        ticket_id=ticket_id,
        counter=counter,
        version=version,
        states=(TicketState.called,),
        officer_id=officer_id,
        last_called_at=_utc(now),
        recalls=Ticket.recalls + 1,
    )


def start_serving(
    session: Session, *, ticket_id: str, counter: Counter, version: int, now: datetime, officer_id=None
) -> Ticket:
    return _act(
        session,
        ticket_id=ticket_id,
        counter=counter,
        version=version,
        states=(TicketState.called,),
        officer_id=officer_id,
        state=TicketState.serving,
        started_at=_utc(now),
    )


def finish(
    session: Session, *, ticket_id: str, counter: Counter, version: int, now: datetime, officer_id=None
) -> Ticket:
    """The person has been served."""
    return _act(
        session,
        ticket_id=ticket_id,
        counter=counter,
        version=version,
        states=(TicketState.serving,),
        officer_id=officer_id,
        state=TicketState.served,
        finished_at=_utc(now),
    )


def mark_no_show(
    session: Session, *, ticket_id: str, counter: Counter, version: int, now: datetime, officer_id=None
) -> Ticket:
    """Called (and recalled) but nobody came."""
    return _act(
        session,
        ticket_id=ticket_id,
        counter=counter,
        version=version,
        states=(TicketState.called,),
        officer_id=officer_id,
        state=TicketState.no_show,
        finished_at=_utc(now),
    )


def transfer(
    session: Session,
    *,
    ticket_id: str,
    counter: Counter,
    version: int,
    category: str | None = None,
    to_counter: Counter | None = None,
    now: datetime,
    officer_id=None,
) -> Ticket:
    """Send a called or served ticket on to another category and/or counter. It waits again in its
    original place (its time of taking), called next by the counter chosen or by any counter
    serving the category."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound()
    new_category = category or ticket.category
    problems = []
    if new_category not in LETTERS:
        problems.append(Problem("category", N_("Choose what you have come for.")))
    elif to_counter is not None and not to_counter.serves(new_category):
        problems.append(
            Problem(
                "to_counter",
                N_("Counter %(counter)s does not serve that category."),
                {"counter": to_counter.code},
            )
        )
    elif to_counter is not None and to_counter.id == counter.id:
        problems.append(Problem("to_counter", N_("Choose another counter.")))
    elif to_counter is None and new_category == ticket.category:
        problems.append(Problem("category", N_("Choose another category or counter.")))
    if problems:
        raise ValidationFailed(problems)
    return _act(
        session,
        ticket_id=ticket_id,
        counter=counter,
        version=version,
        states=ACTIVE_STATES,
        officer_id=officer_id,
        state=TicketState.waiting,
        category=new_category,
        counter_id=None,
        for_counter_id=to_counter.id if to_counter else None,
        started_at=None,
        transfers=Ticket.transfers + 1,
    )


# Estimated waits ------------------------------------------------------------------------------


def average_handling_minutes(session: Session, category: str, *, now: datetime) -> float:
    """Mean handling time (start to finish) of the last ``HANDLING_SAMPLE`` tickets of the category
    served in the last ``HANDLING_WINDOW_DAYS`` days, at least ``MIN_HANDLING_MINUTES``;
    ``DEFAULT_HANDLING_MINUTES`` when none."""
    rows = session.execute(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.category == category,
            Ticket.state == TicketState.served,
            Ticket.started_at.is_not(None),
            Ticket.finished_at.is_not(None),
            Ticket.day >= local_day(now) - timedelta(days=HANDLING_WINDOW_DAYS),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(HANDLING_SAMPLE)
    ).all()
    if not rows:
        return DEFAULT_HANDLING_MINUTES
    return max(MIN_HANDLING_MINUTES, sum(_minutes(s, f) for s, f in rows) / len(rows))


def estimate_minutes(ahead: int, average: float, counters: int) -> int | None:
    """Minutes until called with ``ahead`` people in front: ahead × average ÷ counters, rounded up;
    None when no counter serves the category."""
    if counters <= 0:
        return None
    return math.ceil(ahead * average / counters)


def _counter_counts(session: Session) -> dict[str, int]:
    counters = list_counters(session)
    return {c.value: sum(1 for k in counters if k.serves(c.value)) for c in Category}


@dataclass(frozen=True)
class TicketStatus:
    ticket: Ticket
    #: 1 for the next to be called; None unless waiting.
    position: int | None
    ahead: int | None
    estimated_minutes: int | None
    average_minutes: float


def ticket_status(session: Session, ticket: Ticket, *, now: datetime) -> TicketStatus:
    """Where a ticket stands: its place among the waiting tickets of its category and the wait."""
    average = average_handling_minutes(session, ticket.category, now=now)
    if ticket.state != TicketState.waiting:
        return TicketStatus(ticket, None, None, None, average)
    waiting = session.scalars(
        select(Ticket).where(
            Ticket.day == ticket.day, Ticket.state == TicketState.waiting, Ticket.category == ticket.category
        )
    ).all()
    mine = _order_key(ticket)
    ahead = sum(1 for t in waiting if t.id != ticket.id and _order_key(t) < mine)
    counters = _counter_counts(session)[ticket.category]
    return TicketStatus(ticket, ahead + 1, ahead, estimate_minutes(ahead, average, counters), average)


# The display board and the day's figures ------------------------------------------------------


@dataclass(frozen=True)
class CategoryQueue:
    category: str
    waiting: int
    counters: int
    average_minutes: float
    #: The wait of someone taking a ticket now.
    estimated_minutes: int | None


@dataclass(frozen=True)
class Board:
    #: Tickets called or being served, most recently called first.
    called: list[Ticket]
    categories: list[CategoryQueue]


def board(session: Session, *, now: datetime, limit: int = 10) -> Board:
    day = local_day(now)
    called = list(
        session.scalars(
            select(Ticket)
            .where(Ticket.day == day, Ticket.state.in_(ACTIVE_STATES))
            .order_by(Ticket.last_called_at.desc(), Ticket.id)
            .limit(limit)
        )
    )
    waiting = dict(
        session.execute(
            select(Ticket.category, func.count(Ticket.id))
            .where(Ticket.day == day, Ticket.state == TicketState.waiting)
            .group_by(Ticket.category)
        ).all()
    )
    counts = _counter_counts(session)
    categories = []
    for c in Category:
        average = average_handling_minutes(session, c.value, now=now)
        n = waiting.get(c.value, 0)
        categories.append(
            CategoryQueue(c.value, n, counts[c.value], average, estimate_minutes(n, average, counts[c.value]))
        )
    return Board(called=called, categories=categories)


@dataclass(frozen=True)
class CategorySummary:
    category: str
    taken: int
    waiting: int
    in_service: int
    served: int
    no_shows: int
    #: Mean minutes from taking the ticket to its first call (tickets called that day); None if none.
    average_wait_minutes: float | None
    #: Mean minutes from start to finish of the tickets served that day; None if none.
    average_handling_minutes: float | None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def day_summary(session: Session, *, day: date) -> list[CategorySummary]:
    """Per category, for the operations dashboard: what is waiting now and how the day went."""
    tickets = session.scalars(select(Ticket).where(Ticket.day == day)).all()
    out = []
    for c in Category:
        mine = [t for t in tickets if t.category == c.value]
        out.append(
            CategorySummary(
                category=c.value,
                taken=len(mine),
                waiting=sum(1 for t in mine if t.state == TicketState.waiting),
                in_service=sum(1 for t in mine if t.state in ACTIVE_STATES),
                served=sum(1 for t in mine if t.state == TicketState.served),
                no_shows=sum(1 for t in mine if t.state == TicketState.no_show),
                average_wait_minutes=_mean([_minutes(t.taken_at, t.called_at) for t in mine if t.called_at]),
                average_handling_minutes=_mean(
                    [
                        _minutes(t.started_at, t.finished_at)
                        for t in mine
                        if t.state == TicketState.served and t.started_at and t.finished_at
                    ]
                ),
            )
        )
    return out
