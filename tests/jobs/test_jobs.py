"""The job queue and the worker on one connection (each test rolled back): retries with back-off,
failure for good, leases that run out, dedupe keys, periodic tasks claimed by one worker at a time,
and a graceful stop. Time is always passed in (``now``), never read from the clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from hetao import jobs, notify
from hetao.jobs.builtin import KEEP_DONE_JOBS, register_builtin
from hetao.jobs.queue import LEASE, backoff, claim_periodic
from hetao.notify import MemoryBackend
from hetao.notify.outbox import LEASE as OUTBOX_LEASE
from hetao.notify.outbox import claim_due

T = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)


def _worker(session_factory, registry, name, **kwargs):
    return jobs.Worker(session_factory, registry=registry, mail=MemoryBackend(), name=name, **kwargs)


def _job(session_factory, job_id) -> jobs.Job:
    with session_factory() as session:
        return session.get(jobs.Job, job_id)


def _enqueue(session_factory, kind, payload=None, **kwargs) -> str:
    with session_factory() as session, session.begin():
        return jobs.enqueue_job(session, kind, payload or {}, run_at=kwargs.pop("run_at", T), **kwargs)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_job_runs_once_and_is_marked_done(session_factory):
    seen = []
    registry = jobs.Registry()
    registry.register_job("test.record", lambda session, payload, ctx: seen.append((payload["n"], ctx.now)))
    ids = [_enqueue(session_factory, "test.record", {"n": n}) for n in range(3)]
    later = _enqueue(session_factory, "test.record", {"n": 9}, run_at=T + timedelta(hours=1))
    worker = _worker(session_factory, registry, "w1")
    report = worker.run_once(T)
    assert report.done == 3 and sorted(seen) == [(0, T), (1, T), (2, T)]
    assert worker.run_once(T).jobs == 0
    for job_id in ids:
        job = _job(session_factory, job_id)
        assert job.state == jobs.JobState.DONE and job.attempts == 1 and job.locked_by is None
    assert _job(session_factory, later).state == jobs.JobState.QUEUED
    assert worker.run_once(T + timedelta(hours=1)).done == 1 and seen[-1][0] == 9


def test_a_raising_job_is_retried_with_backoff_then_kept_as_failed(session_factory):
    registry = jobs.Registry()

    def boom(session, payload, ctx):
        jobs.enqueue_job(session, "test.side-effect", {})  # rolled back with the failed attempt
        raise RuntimeError("upstream said no")

    registry.register_job("test.boom", boom)
    job_id = _enqueue(session_factory, "test.boom", max_attempts=3)
    worker = _worker(session_factory, registry, "w1")

    assert worker.run_once(T).retried == 1
    job = _job(session_factory, job_id)
    assert (job.state, job.attempts) == (jobs.JobState.QUEUED, 1)
    assert _aware(job.run_at) == T + backoff(1) == T + timedelta(seconds=30)
    assert job.last_error == "RuntimeError: upstream said no" and job.locked_by is None
    assert worker.run_once(T + timedelta(seconds=29)).jobs == 0  # waiting for its back-off

    assert worker.run_once(T + timedelta(seconds=30)).retried == 1
    assert _aware(_job(session_factory, job_id).run_at) == T + timedelta(seconds=30) + backoff(2)
    assert worker.run_once(T + timedelta(seconds=90)).failed == 1
    job = _job(session_factory, job_id)
    assert (job.state, job.attempts, job.last_error) == (
        jobs.JobState.FAILED,
        3,
        "RuntimeError: upstream said no",
    )
    assert worker.run_once(T + timedelta(days=1)).jobs == 0

    with session_factory() as session:
        assert [j.id for j in jobs.list_jobs(session, state=jobs.JobState.FAILED)] == [job_id]
        assert session.scalar(select(func.count()).where(jobs.Job.kind == "test.side-effect")) == 0
        assert jobs.job_counts(session, now=T + timedelta(days=1)).failed >= 1
    with session_factory() as session, session.begin():
        assert jobs.retry_job(session, job_id, now=T + timedelta(days=1))
        assert not jobs.retry_job(session, job_id, now=T + timedelta(days=1))  # queued, not failed
    assert _job(session_factory, job_id).attempts == 0


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=1)


def test_an_expired_lease_lets_another_worker_take_the_job_and_fences_the_first(session_factory):
    registry = jobs.Registry()

    def mark(session, payload, ctx):
        jobs.enqueue_job(session, "test.marker", {"by": ctx.worker})

    registry.register_job("test.mark", mark)
    job_id = _enqueue(session_factory, "test.mark")
    first = _worker(session_factory, registry, "first")
    second = _worker(session_factory, registry, "second")
    [claimed] = first.claim(T)  # … and then the first worker stalls

    assert second.run_once(T + timedelta(minutes=1)).jobs == 0
    assert second.run_once(T + LEASE - timedelta(seconds=1)).jobs == 0
    assert second.run_once(T + LEASE + timedelta(seconds=1)).done == 1
    job = _job(session_factory, job_id)
    assert (job.state, job.attempts) == (jobs.JobState.DONE, 2)

    # The first worker wakes up and finishes: its claim is no longer valid, its work is rolled back.
    assert first.execute(claimed, T + LEASE + timedelta(seconds=2)) == "lost"
    with session_factory() as session:
        markers = session.scalars(select(jobs.Job.payload).where(jobs.Job.kind == "test.marker")).all()
    assert markers == [{"by": "second"}]


def test_a_worker_dying_on_the_last_attempt_leaves_the_job_failed(session_factory):
    registry = jobs.Registry()
    registry.register_job("test.noop", lambda session, payload, ctx: None)
    job_id = _enqueue(session_factory, "test.noop", max_attempts=1)
    assert len(_worker(session_factory, registry, "dies").claim(T)) == 1
    assert _worker(session_factory, registry, "other").run_once(T + LEASE + timedelta(seconds=1)).jobs == 0
    job = _job(session_factory, job_id)
    assert (job.state, job.last_error) == (jobs.JobState.FAILED, "lease expired")


def test_a_dedupe_key_prevents_a_second_job(session_factory):
    first = _enqueue(session_factory, "test.once", {"n": 1}, dedupe_key="case:42:receipt")
    again = _enqueue(session_factory, "test.once", {"n": 2}, dedupe_key="case:42:receipt")
    other = _enqueue(session_factory, "test.once", {"n": 3}, dedupe_key="case:43:receipt")
    plain = [_enqueue(session_factory, "test.once", {"n": 4}) for _ in range(2)]
    assert first == again and len({first, other, *plain}) == 4
    with session_factory() as session:
        rows = session.scalars(select(jobs.Job).where(jobs.Job.kind == "test.once")).all()
    assert len(rows) == 4
    assert next(r for r in rows if r.id == first).payload == {"n": 1}


def test_enqueue_refuses_what_is_not_json():
    with pytest.raises(TypeError):
        jobs.enqueue_job(None, "test.bad", {"when": T})  # type: ignore[arg-type]


def test_a_periodic_task_runs_on_one_worker_at_a_time_and_on_schedule(session_factory):
    registry = jobs.Registry()
    runs = []
    a = _worker(session_factory, registry, "a")
    b = _worker(session_factory, registry, "b")

    def tick(ctx):
        runs.append((ctx.worker, ctx.now))
        # While it runs here, the other worker does not start it.
        assert b.run_periodic(ctx.now) == []

    registry.register_periodic("test.tick", timedelta(minutes=1), tick)
    assert a.run_once(T).periodic == ["test.tick"]
    assert b.run_once(T).periodic == []
    assert b.run_once(T + timedelta(seconds=59)).periodic == []
    assert runs == [("a", T)]
    with session_factory() as session:
        [row] = [r for r in jobs.list_periodic(session) if r.name == "test.tick"]
        assert (row.runs, row.locked_by, row.last_error) == (1, None, None)
        assert _aware(row.next_run_at) == T + timedelta(minutes=1)
    assert b.run_once(T + timedelta(minutes=1)).periodic == ["test.tick"]
    assert runs == [("a", T), ("b", T + timedelta(minutes=1))]


def test_a_failing_periodic_task_is_recorded_and_scheduled_again(session_factory):
    registry = jobs.Registry()
    calls = []

    def flaky(ctx):
        calls.append(ctx.now)
        if len(calls) == 1:
            raise OSError("disk full")

    registry.register_periodic("test.flaky", 60, flaky)
    worker = _worker(session_factory, registry, "w")
    assert worker.run_once(T).periodic == ["test.flaky"]
    with session_factory() as session:
        row = session.get(jobs.PeriodicRun, "test.flaky")
        assert row.last_error == "OSError: disk full" and row.locked_by is None
    assert worker.run_once(T + timedelta(seconds=60)).periodic == ["test.flaky"]
    with session_factory() as session:
        row = session.get(jobs.PeriodicRun, "test.flaky")
        assert (row.last_error, row.runs) == (None, 2)


def test_a_periodic_lease_that_ran_out_is_taken_over(session_factory):
    registry = jobs.Registry()
    registry.register_periodic(
        "test.long", timedelta(minutes=1), lambda ctx: None, lease=timedelta(minutes=10)
    )
    worker = _worker(session_factory, registry, "w")
    worker.run_once(T)
    with session_factory() as session, session.begin():
        assert claim_periodic(
            session, "test.long", worker="stalled", now=T + timedelta(minutes=1), lease=timedelta(minutes=10)
        )
    assert worker.run_once(T + timedelta(minutes=5)).periodic == []
    assert worker.run_once(T + timedelta(minutes=11, seconds=1)).periodic == ["test.long"]


def test_registering_twice_under_one_name_is_refused():
    registry = jobs.Registry()
    registry.register_periodic("x", 1, print)
    registry.register_periodic("x", 1, print)  # the same function again (a re-import) is fine
    with pytest.raises(ValueError):
        registry.register_periodic("x", 1, repr)
    with pytest.raises(ValueError):
        registry.register_periodic("y", 0, print)
    registry.register_job("k", print)
    with pytest.raises(ValueError):
        registry.register_job("k", repr)


def test_a_stopping_worker_finishes_the_job_in_hand_and_gives_the_others_back(session_factory):
    registry = jobs.Registry()
    stop = threading.Event()
    done = []

    def work(session, payload, ctx):
        done.append(payload["n"])
        stop.set()  # SIGTERM arrives while the first job runs

    registry.register_job("test.work", work)
    ids = [_enqueue(session_factory, "test.work", {"n": n}) for n in range(3)]
    worker = _worker(session_factory, registry, "w", stop=stop, batch=3)
    report = worker.run_once(T)
    assert report.done == 1 and len(done) == 1
    states = {}
    for job_id in ids:
        job = _job(session_factory, job_id)
        states[job.payload["n"]] = (job.state, job.attempts, job.locked_by)
    assert states.pop(done[0]) == (jobs.JobState.DONE, 1, None)
    assert list(states.values()) == [(jobs.JobState.QUEUED, 0, None)] * 2
    stop.clear()
    assert _worker(session_factory, registry, "next").run_once(T).done == 2


class _Stalling:
    """A mail backend whose first send outlives the lease: meanwhile a second sender, later, claims
    what the first one had claimed (and is about to send it)."""

    def __init__(self, session_factory, later):
        self.session_factory, self.later = session_factory, later
        self.sent: list[str] = []
        self.taken_over: list[str] = []

    def send(self, mail):
        if not self.sent:
            with self.session_factory() as session, session.begin():
                self.taken_over = [m.id for m in claim_due(session, self.later)]
        self.sent.append(mail.message_id)


def test_a_sender_whose_lease_was_taken_over_does_not_send_the_rest_of_its_batch(session_factory):
    with session_factory() as session, session.begin():
        # Only this test's messages are due (browser journeys commit theirs to the shared database).
        session.execute(
            update(notify.OutboxMessage).where(notify.OutboxMessage.sent_at.is_(None)).values(sent_at=T)
        )
        ids = {
            notify.enqueue(
                session, kind="test", locale="en", subject="s", body="b", to_address=f"{n}@example.org"
            ).id
            for n in range(2)
        }
    backend = _Stalling(session_factory, later=T + OUTBOX_LEASE + timedelta(seconds=1))
    assert notify.deliver_due(session_factory, backend, clock=lambda: T) == 1
    [first] = backend.sent  # the second message is now the other sender's: not sent from here
    [second] = ids - {first}
    assert second in backend.taken_over
    with session_factory() as session:
        message = session.get(notify.OutboxMessage, second)
        assert message.sent_at is None and message.attempts == 2


def test_done_jobs_are_purged_after_thirty_days_and_failed_ones_kept(session_factory):
    registry = jobs.Registry()
    register_builtin(registry)
    registry.register_job("test.ok", lambda session, payload, ctx: None)
    registry.register_job("test.bad", lambda session, payload, ctx: 1 / 0)
    ok = _enqueue(session_factory, "test.ok", dedupe_key="monthly:2031-03")
    bad = _enqueue(session_factory, "test.bad", max_attempts=1)
    worker = _worker(session_factory, registry, "w")
    assert worker.run_once(T).done == 1
    later = T + KEEP_DONE_JOBS + timedelta(days=1)
    assert "jobs.purge" in worker.run_once(later).periodic
    assert _job(session_factory, ok) is None and _job(session_factory, bad).state == jobs.JobState.FAILED
    assert _enqueue(session_factory, "test.ok", dedupe_key="monthly:2031-03") != ok  # the key is free again
