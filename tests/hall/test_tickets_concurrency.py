"""People taking tickets and officers calling at the same moment, with real commits on each backend:
no number is given twice and no ticket is called to two counters."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hetao import hall
from hetao.core.errors import HetaoError
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

NOW = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def factory(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        hall.load_hall_sample(session)
    yield factory
    engine.dispose()


def run_together(count: int, work) -> dict[int, object]:
    """Run ``work(i)`` in ``count`` threads released at once; collect results or error codes."""
    barrier = threading.Barrier(count)
    outcomes: dict[int, object] = {}

    def act(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            outcomes[i] = work(i)
        except HetaoError as error:
            outcomes[i] = error.code

    threads = [threading.Thread(target=act, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_people_taking_tickets_at_once_get_different_numbers(factory):
    def take(i: int) -> str:
        with unit_of_work(factory, write=True) as session:
            return hall.take_ticket(session, category="customs", now=NOW).code

    outcomes = run_together(8, take)
    assert sorted(outcomes.values()) == [f"B{n:03d}" for n in range(1, 9)], outcomes
    with unit_of_work(factory) as session:
        numbers = session.scalars(select(hall.Ticket.number).where(hall.Ticket.category == "customs")).all()
        assert sorted(numbers) == list(range(1, 9))


def test_two_officers_calling_at_once_never_get_the_same_ticket(factory):
    with unit_of_work(factory) as session:
        for _ in range(2):
            hall.take_ticket(session, category="tax", now=NOW)

    def call(i: int) -> str:
        with unit_of_work(factory, write=True) as session:
            window = hall.get_counter(session, ("A01", "A02")[i])
            return hall.call_next(session, counter=window, now=NOW).id

    outcomes = run_together(2, call)
    assert len(set(outcomes.values())) == 2, outcomes
    with unit_of_work(factory) as session:
        tickets = session.scalars(select(hall.Ticket)).all()
        assert {t.state for t in tickets} == {"called"}
        assert len({t.counter_id for t in tickets}) == 2


def test_one_waiting_ticket_goes_to_exactly_one_of_two_counters(factory):
    with unit_of_work(factory) as session:
        ticket_id = hall.take_ticket(session, category="tax", now=NOW).id

    def call(i: int) -> str:
        with unit_of_work(factory, write=True) as session:
            window = hall.get_counter(session, ("C01", "A01")[i])
            return hall.call_next(session, counter=window, now=NOW).id

    outcomes = run_together(2, call)
    assert sorted(outcomes.values()) == sorted([ticket_id, "hall.queue_empty"]), outcomes
    with unit_of_work(factory) as session:
        ticket = session.get(hall.Ticket, ticket_id)
        assert ticket.state == "called" and ticket.version == 2


def test_two_officers_at_one_counter_never_exceed_its_capacity(factory):
    with unit_of_work(factory) as session:
        for _ in range(2):
            hall.take_ticket(session, category="tax", now=NOW)

    def call(i: int) -> str:
        with unit_of_work(factory, write=True) as session:
            return hall.call_next(session, counter=hall.get_counter(session, "C01"), now=NOW).code

    outcomes = run_together(2, call)
    assert sorted(outcomes.values()) == ["H001", "hall.counter_busy"], outcomes


def test_two_clicks_on_finish_serve_once(factory):
    with unit_of_work(factory) as session:
        hall.take_ticket(session, category="tax", now=NOW)
        window = hall.get_counter(session, "C01")
        ticket = hall.call_next(session, counter=window, now=NOW)
        ticket = hall.start_serving(
            session, ticket_id=ticket.id, counter=window, version=ticket.version, now=NOW
        )
        ticket_id, version = ticket.id, ticket.version

    def finish(i: int) -> str:
        with unit_of_work(factory, write=True) as session:
            window = hall.get_counter(session, "C01")
            hall.finish(session, ticket_id=ticket_id, counter=window, version=version, now=NOW)
            return "served"

    outcomes = run_together(2, finish)
    assert sorted(outcomes.values()) == ["hall.ticket_served", "served"], outcomes
