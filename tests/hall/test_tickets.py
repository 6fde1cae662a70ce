"""Queue tickets: numbering, the call order by lane, counters' actions, stale actions, transfers,
estimated waits and the day's figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hetao import hall
from hetao.core.errors import ValidationFailed
from hetao.hall import Lane, TicketState
from tests.cases.helpers import person

# A Monday far from the tickets other tests may commit: 10:00 in the hall (UTC+8).
NOW = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return NOW + timedelta(minutes=n)


def take(session, category="tax", lane=Lane.walk_in, at=0, **kw):
    return hall.take_ticket(session, category=category, lane=lane, now=minutes(at), **kw)


def counter(session, code):
    return hall.get_counter(session, code)


def test_numbers_run_per_category_per_day_with_the_category_letter(session):
    first, second = take(session, "customs"), take(session, "customs", at=1)
    tax = take(session, "tax", at=2)
    assert (first.code, second.code) == ("B001", "B002")
    assert tax.code == "H001" and tax.number == 1
    tomorrow = hall.take_ticket(session, category="customs", now=NOW + timedelta(days=1))
    assert tomorrow.code == "B001" and tomorrow.day == first.day + timedelta(days=1)
    # The day is the hall's (UTC+8): 17:00 UTC is already the next day there.
    late = hall.take_ticket(session, category="legal", now=datetime(2030, 3, 4, 17, 0, tzinfo=UTC))
    assert late.day.isoformat() == "2030-03-05"


def test_each_ticket_has_its_own_unguessable_token(session):
    tickets = [take(session, at=i) for i in range(5)]
    tokens = {t.token for t in tickets}
    assert len(tokens) == 5 and all(len(t) >= 32 for t in tokens)
    assert hall.get_ticket_by_token(session, tickets[2].token).id == tickets[2].id
    with pytest.raises(hall.TicketNotFound):
        hall.get_ticket_by_token(session, "not-a-token")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"category": "weather"}, "category"),
        ({"category": "tax", "lane": "vip"}, "lane"),
        ({"category": "tax", "lane": Lane.appointment}, "appointment_code"),
        ({"category": "tax", "lane": Lane.walk_in, "appointment_code": "AP-1"}, "appointment_code"),
    ],
)
def test_bad_input_is_refused_without_a_number_used(session, kwargs, field):
    with pytest.raises(ValidationFailed) as failed:
        hall.take_ticket(session, now=NOW, **kwargs)
    assert field in [p.path for p in failed.value.problems]
    assert take(session).code == "H001"


def test_appointment_holders_then_priority_then_walk_ins_in_number_order(session):
    w1 = take(session, at=0)
    w2 = take(session, at=1)
    p1 = take(session, lane=Lane.priority, at=2)
    a1 = take(session, lane=Lane.appointment, appointment_code="AP-0001", at=3)
    w3 = take(session, at=4)
    p2 = take(session, lane=Lane.priority, at=5)
    assert a1.appointment_code == "AP-0001"
    tax_window = counter(session, "C01")
    order = [t.code for t in hall.waiting_for_counter(session, tax_window, now=NOW)]
    assert order == [a1.code, p1.code, p2.code, w1.code, w2.code, w3.code]
    called = []
    for i in range(6):
        ticket = hall.call_next(session, counter=tax_window, now=minutes(10 + i))
        called.append(ticket.code)
        hall.mark_no_show(session, ticket_id=ticket.id, counter=tax_window, version=ticket.version, now=NOW)
    assert called == order


def test_a_counter_calls_only_the_categories_it_serves(session):
    take(session, "customs")
    with pytest.raises(hall.NobodyWaiting):
        hall.call_next(session, counter=counter(session, "C01"), now=minutes(1))
    ticket = hall.call_next(session, counter=counter(session, "A01"), now=minutes(1))  # comprehensive
    assert ticket.state == TicketState.called and ticket.counter.code == "A01"


def test_a_full_counter_must_finish_before_calling_the_next(session):
    take(session), take(session, at=1)
    tax_window = counter(session, "C01")  # capacity 1
    hall.call_next(session, counter=tax_window, now=minutes(2))
    with pytest.raises(hall.CounterBusy):
        hall.call_next(session, counter=tax_window, now=minutes(3))


def test_a_ticket_through_call_recall_serving_and_served(session):
    ticket = take(session)
    window = counter(session, "C01")
    ticket = hall.call_next(session, counter=window, now=minutes(5))
    assert hall.board(session, now=minutes(5)).called[0].id == ticket.id
    ticket = hall.recall(session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(7))
    assert ticket.recalls == 1
    ticket = hall.start_serving(
        session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(8)
    )
    assert ticket.state == TicketState.serving
    ticket = hall.finish(
        session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(20)
    )
    assert ticket.state == TicketState.served
    # Waiting time counts from taking to the first call, not the recall.
    summary = {s.category: s for s in hall.day_summary(session, day=ticket.day)}["tax"]
    assert (summary.served, summary.average_wait_minutes, summary.average_handling_minutes) == (1, 5, 12)


def test_stale_and_misplaced_actions_change_nothing_and_say_why(session):
    window, other = counter(session, "C01"), counter(session, "A01")
    ticket = hall.take_ticket(session, category="tax", now=NOW)
    ticket = hall.call_next(session, counter=window, now=minutes(1))
    seen = ticket.version
    ticket = hall.start_serving(session, ticket_id=ticket.id, counter=window, version=seen, now=minutes(2))
    # A second click on "start" from the same page (the version it saw is old).
    with pytest.raises(hall.TicketChanged) as changed:
        hall.start_serving(session, ticket_id=ticket.id, counter=window, version=seen, now=minutes(2))
    assert changed.value.params == {"number": "H001"}
    # Another counter cannot act on it.
    with pytest.raises(hall.TicketChanged):
        hall.finish(session, ticket_id=ticket.id, counter=other, version=ticket.version, now=minutes(3))
    served = hall.finish(session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(9))
    for action in (hall.finish, hall.mark_no_show, hall.recall):
        with pytest.raises(hall.TicketAlreadyServed):
            action(session, ticket_id=ticket.id, counter=window, version=served.version, now=minutes(10))
    with pytest.raises(hall.TicketAlreadyServed):
        hall.transfer(
            session, ticket_id=ticket.id, counter=window, version=served.version, category="finance", now=NOW
        )
    session.refresh(served)
    assert served.state == TicketState.served and served.finished_at is not None


def test_no_show(session):
    window = counter(session, "C01")
    take(session)
    ticket = hall.call_next(session, counter=window, now=minutes(1))
    with pytest.raises(hall.TicketChanged):  # not being served yet
        hall.finish(session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(2))
    gone = hall.mark_no_show(
        session, ticket_id=ticket.id, counter=window, version=ticket.version, now=minutes(3)
    )
    assert gone.state == TicketState.no_show
    with pytest.raises(hall.TicketNoShow):
        hall.start_serving(session, ticket_id=ticket.id, counter=window, version=gone.version, now=minutes(4))
    # The counter is free again.
    take(session, at=5)
    assert hall.call_next(session, counter=window, now=minutes(6)).code == "H002"
    summary = {s.category: s for s in hall.day_summary(session, day=gone.day)}["tax"]
    assert (summary.no_shows, summary.in_service, summary.taken) == (1, 1, 2)


def test_a_transferred_ticket_keeps_its_place_in_the_new_category(session):
    early = take(session, "tax", at=0)
    later_finance = [take(session, "finance", at=i) for i in (1, 2)]
    tax_window = counter(session, "C01")
    early = hall.call_next(session, counter=tax_window, now=minutes(3))
    moved = hall.transfer(
        session,
        ticket_id=early.id,
        counter=tax_window,
        version=early.version,
        category="finance",
        now=minutes(4),
    )
    assert (moved.state, moved.category, moved.code, moved.counter_id) == ("waiting", "finance", "H001", None)
    order = [t.code for t in hall.waiting_for_counter(session, counter(session, "C02"), now=NOW)]
    assert order == ["H001"] + [t.code for t in later_finance]
    status = hall.ticket_status(session, moved, now=minutes(4))
    assert status.position == 1 and status.estimated_minutes == 0


def test_a_ticket_transferred_to_a_counter_is_called_only_there(session):
    ticket = take(session, "tax")
    take(session, "tax", at=1)
    tax_window = counter(session, "C01")
    ticket = hall.call_next(session, counter=tax_window, now=minutes(2))
    ticket = hall.start_serving(
        session, ticket_id=ticket.id, counter=tax_window, version=ticket.version, now=NOW
    )
    with pytest.raises(ValidationFailed):  # the bank window does not serve tax
        hall.transfer(
            session,
            ticket_id=ticket.id,
            counter=tax_window,
            version=ticket.version,
            to_counter=counter(session, "C02"),
            now=NOW,
        )
    with pytest.raises(ValidationFailed):  # nothing would change
        hall.transfer(session, ticket_id=ticket.id, counter=tax_window, version=ticket.version, now=NOW)
    a03 = counter(session, "A03")
    moved = hall.transfer(
        session, ticket_id=ticket.id, counter=tax_window, version=ticket.version, to_counter=a03, now=NOW
    )
    assert moved.for_counter_id == a03.id and moved.started_at is None
    # The other comprehensive windows do not see it; A03 calls it first (it was taken first).
    assert [t.code for t in hall.waiting_for_counter(session, counter(session, "A01"), now=NOW)] == ["H002"]
    assert hall.call_next(session, counter=a03, now=minutes(5)).code == "H001"


def test_estimated_wait_uses_the_rolling_average_and_the_counters_serving(session):
    # No served tax ticket yet: the documented default applies.
    assert hall.average_handling_minutes(session, "tax", now=NOW) == hall.DEFAULT_HANDLING_MINUTES
    window = counter(session, "C01")
    for i, length in enumerate((6, 12)):  # two tickets handled in 6 and 12 minutes
        take(session, at=i)
        t = hall.call_next(session, counter=window, now=minutes(10 * i))
        t = hall.start_serving(
            session, ticket_id=t.id, counter=window, version=t.version, now=minutes(10 * i)
        )
        hall.finish(session, ticket_id=t.id, counter=window, version=t.version, now=minutes(10 * i + length))
    assert hall.average_handling_minutes(session, "tax", now=minutes(30)) == 9
    waiting = [take(session, at=30 + i) for i in range(5)]
    serving_tax = len(hall.counters_serving(session, "tax"))  # C01 and the three comprehensive windows
    assert serving_tax == 4
    fifth = hall.ticket_status(session, waiting[4], now=minutes(40))
    assert (fifth.position, fifth.ahead) == (5, 4)
    assert fifth.estimated_minutes == 9  # 4 ahead × 9 minutes ÷ 4 counters
    board = {q.category: q for q in hall.board(session, now=minutes(40)).categories}
    assert board["tax"].waiting == 5 and board["tax"].estimated_minutes == 12  # ⌈5 × 9 ÷ 4⌉
    assert board["customs"].waiting == 0 and board["customs"].estimated_minutes == 0
    assert hall.estimate_minutes(3, 8, 0) is None


def test_a_ticket_finished_at_once_still_counts_a_minute(session):
    window = counter(session, "C01")
    take(session)
    t = hall.call_next(session, counter=window, now=minutes(1))
    t = hall.start_serving(session, ticket_id=t.id, counter=window, version=t.version, now=minutes(1))
    hall.finish(session, ticket_id=t.id, counter=window, version=t.version, now=minutes(1))
    assert hall.average_handling_minutes(session, "tax", now=minutes(2)) == 1


def test_the_board_shows_the_latest_calls_first(session):
    for i in range(3):
        take(session, "finance", at=i)
    c02 = counter(session, "C02")  # capacity 2
    first = hall.call_next(session, counter=c02, now=minutes(5))
    second = hall.call_next(session, counter=c02, now=minutes(6))
    assert [t.code for t in hall.board(session, now=minutes(6)).called] == [second.code, first.code]
    hall.recall(session, ticket_id=first.id, counter=c02, version=first.version, now=minutes(7))
    assert [t.code for t in hall.board(session, now=minutes(7)).called] == [first.code, second.code]


def test_who_may_work_a_counter(session):
    officer = person(session, "tax-officer@example.org", officer_of=["futian-tax"])
    admin = person(session, "hall-admin@example.org", admin=True)
    assert [c.code for c in hall.operable_counters(session, officer)] == ["C01"]
    assert len(hall.operable_counters(session, admin)) == len(hall.list_counters(session))
