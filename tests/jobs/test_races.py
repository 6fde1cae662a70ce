"""Workers racing on a real database, each with its own engine (its own connections), as separate
processes would: every e-mail goes out once, every job runs once, a dedupe key makes one job.
``now`` is fixed, so a lease never runs out during a test, however slow the machine."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hetao import jobs, notify
from hetao.core.settings import Settings
from hetao.jobs.builtin import register_builtin
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

T = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
MESSAGES = 50


@pytest.fixture
def engines(empty_db_url):
    first = make_engine(Settings(database_url=empty_db_url))
    upgrade(first)
    second = make_engine(Settings(database_url=empty_db_url))
    yield first, second
    first.dispose()
    second.dispose()


def _enqueue_mail(factory) -> None:
    with unit_of_work(factory) as session:
        for n in range(MESSAGES):
            notify.enqueue(
                session,
                kind="test",
                locale="en",
                subject=f"Message {n}",
                body="b",
                to_address=f"p{n}@example.org",
            )


def _race(*targets) -> None:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


def _assert_each_sent_once(factory, backend) -> None:
    assert len(backend.sent) == MESSAGES
    assert len({m.message_id for m in backend.sent}) == MESSAGES
    with factory() as session:
        rows = session.execute(select(notify.OutboxMessage.sent_at, notify.OutboxMessage.attempts)).all()
    assert len(rows) == MESSAGES and all(sent is not None and attempts == 1 for sent, attempts in rows)


def test_two_senders_racing_over_fifty_due_emails_send_each_once(engines):
    factories = [make_session_factory(e) for e in engines]
    _enqueue_mail(factories[0])
    backend = notify.MemoryBackend()

    def unsent(factory) -> int:
        with factory() as session:
            return session.scalar(select(func.count()).where(notify.OutboxMessage.sent_at.is_(None)))

    def sender(factory):
        def run():
            for _ in range(500):  # small batches, many rounds: as much overlap as possible
                if not notify.deliver_due(factory, backend, limit=3, clock=lambda: T) and not unsent(factory):
                    return

        return run

    _race(*(sender(f) for f in factories))
    _assert_each_sent_once(factories[0], backend)


def test_two_workers_racing_send_each_email_once_and_run_each_job_once(engines):
    factories = [make_session_factory(e) for e in engines]
    _enqueue_mail(factories[0])
    with unit_of_work(factories[0]) as session:
        for n in range(40):
            jobs.enqueue_job(session, "test.count", {"n": n}, run_at=T)
    backend = notify.MemoryBackend()
    counted: Counter[int] = Counter()
    lock = threading.Lock()

    def count(session, payload, ctx):
        with lock:
            counted[payload["n"]] += 1

    registry = jobs.Registry()
    register_builtin(registry)
    registry.register_job("test.count", count)
    workers = [
        jobs.Worker(f, registry=registry, mail=backend, name=f"w{i}", batch=2)
        for i, f in enumerate(factories)
    ]
    reports = []
    _race(*(lambda w=w: reports.append(w.run_once(T)) for w in workers))

    _assert_each_sent_once(factories[0], backend)
    assert counted == Counter(range(40))
    assert sum(r.done for r in reports) == 40
    assert sorted(name for r in reports for name in r.periodic) == [
        "jobs.purge",
        "notify.outbox",
    ]  # once each
    with factories[0]() as session:
        assert jobs.job_counts(session, now=T).done == 40


def test_a_dedupe_key_makes_one_job_when_two_processes_enqueue_at_once(engines):
    factories = [make_session_factory(e) for e in engines]
    ids = []

    def enqueue(factory):
        def run():
            with unit_of_work(factory, write=True) as session:
                ids.append(jobs.enqueue_job(session, "test.once", {}, dedupe_key="daily:2031-03-04"))

        return run

    _race(*(enqueue(f) for f in factories))
    assert len(ids) == 2 and ids[0] == ids[1]
    with factories[0]() as session:
        assert session.scalar(select(func.count()).select_from(jobs.Job)) == 1
