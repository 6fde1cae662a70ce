"""The job queue in the database: enqueue inside the caller's transaction, claim with a lease,
finish or fail under the claim (a worker whose lease was taken over changes nothing).

Claims are a conditional UPDATE per row, atomic on every database; on PostgreSQL the candidates are
read ``FOR UPDATE SKIP LOCKED`` so that concurrent workers take different jobs without waiting for
each other. On SQLite the claiming transaction holds the write lock (one worker is the rule there)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hetao.core.db import new_id, utcnow
from hetao.jobs.models import Job, JobState, PeriodicRun

#: How long a claim lasts before another worker may take the job (handlers must finish well within).
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
#: Retry back-off: 30 s, 1 min, 2 min, 4 min … at most an hour (no jitter: attempts are spread by
#: the time each job failed).
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
ERROR_LENGTH = 500


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker holds: the fencing token is ``(worker, attempt)``."""

    id: str
    kind: str
    payload: dict
    attempt: int
    max_attempts: int
    worker: str


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def enqueue_job(
    session: Session,
    kind: str,
    payload: dict | None = None,
    *,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> str:
    """Add a job (run only if the caller's transaction commits, and not before ``run_at``); returns
    its id. With ``dedupe_key``, a job already enqueued under that key (in any state) is kept and its
    id returned instead: enqueueing twice, or from two processes at once, makes one job."""
    payload = payload or {}
    json.dumps(payload)  # a payload that is not plain JSON is a programming error: fail here, not later
    if not kind or len(kind) > 100:
        raise ValueError("A job kind is 1 to 100 characters.")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")
    now = utcnow()
    values = {
        "id": new_id(),
        "kind": kind,
        "payload": payload,
        "state": JobState.QUEUED,
        "run_at": run_at or now,
        "attempts": 0,
        "max_attempts": max_attempts,
        "created_at": now,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key is None:
        session.execute(_insert(session)(Job).values(**values))
        return values["id"]
    session.execute(
        _insert(session)(Job).values(**values).on_conflict_do_nothing(index_elements=[Job.dedupe_key])
    )
    return session.scalars(select(Job.id).where(Job.dedupe_key == dedupe_key)).one()


def _claimable(now: datetime):
    return (
        Job.state == JobState.QUEUED,
        Job.run_at <= now,
        Job.attempts < Job.max_attempts,
        or_(Job.locked_until.is_(None), Job.locked_until < now),
    )


def claim_jobs(
    session: Session,
    *,
    worker: str,
    now: datetime,
    kinds: list[str] | None = None,
    limit: int = 1,
    lease: timedelta = LEASE,
) -> list[ClaimedJob]:
    """Claim up to ``limit`` due jobs (of ``kinds`` when given) for ``worker`` until ``now + lease``.
    Jobs whose last attempt's lease ran out (the worker died) are marked failed first. On SQLite the
    transaction should hold the write lock from its start (``unit_of_work(write=True)``), as the
    worker's do: a claim reads, then writes."""
    session.execute(
        update(Job)
        .where(
            Job.state == JobState.QUEUED,
            Job.attempts >= Job.max_attempts,
            Job.locked_until < now,
        )
        .values(state=JobState.FAILED, locked_by=None, locked_until=None, last_error="lease expired")
        .execution_options(synchronize_session=False)
    )
    candidates = select(Job.id).where(*_claimable(now)).order_by(Job.run_at, Job.created_at).limit(limit)
    if kinds is not None:
        candidates = candidates.where(Job.kind.in_(kinds))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = []
    for job_id in session.scalars(candidates).all():
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, *_claimable(now))
            .values(locked_by=worker, locked_until=now + lease, attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(job_id)
    if not claimed:
        return []
    rows = session.execute(
        select(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .where(Job.id.in_(claimed))
        .order_by(Job.run_at, Job.created_at)
    )
    return [
        ClaimedJob(
            id=r.id,
            kind=r.kind,
            payload=r.payload or {},
            attempt=r.attempts,
            max_attempts=r.max_attempts,
            worker=worker,
        )
        for r in rows
    ]


def _held(job: ClaimedJob):
    return (
        Job.id == job.id,
        Job.state == JobState.QUEUED,
        Job.locked_by == job.worker,
        Job.attempts == job.attempt,
    )


def finish_job(session: Session, job: ClaimedJob, *, now: datetime) -> bool:
    """Mark a claimed job done, in the same transaction as the handler's work; False (and the caller
    rolls back) when the claim is no longer this worker's: its lease ran out and another took it."""
    result = session.execute(
        update(Job)
        .where(*_held(job))
        .values(state=JobState.DONE, done_at=now, locked_by=None, locked_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_job(session: Session, job: ClaimedJob) -> bool:
    """Give back a claimed job that was not started (the worker is stopping): due again at once,
    and the claim does not count as an attempt."""
    result = session.execute(
        update(Job)
        .where(*_held(job))
        .values(locked_by=None, locked_until=None, attempts=Job.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def backoff(attempt: int) -> timedelta:
    """The wait before retrying a job that failed its ``attempt``-th time."""
    return min(BACKOFF_BASE * 2 ** max(attempt - 1, 0), BACKOFF_MAX)


def fail_job(session: Session, job: ClaimedJob, *, now: datetime, error: str) -> str | None:
    """Record a failed attempt: retried after :func:`backoff`, or ``failed`` for good after the last
    attempt. Returns the new state (None when the claim was no longer this worker's)."""
    final = job.attempt >= job.max_attempts
    values: dict[str, object] = {"locked_by": None, "locked_until": None, "last_error": error[:ERROR_LENGTH]}
    if final:
        values["state"] = JobState.FAILED
    else:
        values["run_at"] = now + backoff(job.attempt)
    result = session.execute(
        update(Job).where(*_held(job)).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return JobState.FAILED if final else JobState.QUEUED


def retry_job(session: Session, job_id: str, *, now: datetime) -> bool:
    """Put a failed job back in the queue with fresh attempts (after fixing what made it fail)."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.FAILED)
        .values(state=JobState.QUEUED, attempts=0, run_at=now, locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def purge_done_jobs(session: Session, *, before: datetime) -> int:
    """Delete the jobs done before ``before`` (failed ones stay for people to look at); returns how
    many. Their dedupe keys become free again."""
    result = session.execute(
        delete(Job)
        .where(Job.state == JobState.DONE, Job.done_at < before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def list_jobs(session: Session, *, state: str | None = None, limit: int = 50) -> list[Job]:
    """Jobs, newest first (of one state when given)."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id).limit(limit)
    if state is not None:
        query = query.where(Job.state == state)
    return list(session.scalars(query))


@dataclass(frozen=True)
class JobCounts:
    due: int
    scheduled: int
    running: int
    failed: int
    done: int
    #: How long the oldest due job has waited (None when nothing is due).
    oldest_due_wait: timedelta | None


def job_counts(session: Session, *, now: datetime) -> JobCounts:
    """The backlog at ``now``: due (waiting for a worker), scheduled for later, running (leased),
    failed and done (for ``hetao worker status`` and metrics)."""
    queued = Job.state == JobState.QUEUED
    leased = Job.locked_until >= now
    count = func.count(Job.id)
    due = session.scalar(
        select(count).where(
            queued, Job.run_at <= now, or_(Job.locked_until.is_(None), Job.locked_until < now)
        )
    )
    running = session.scalar(select(count).where(queued, leased))
    scheduled = session.scalar(
        select(count).where(queued, Job.run_at > now, or_(Job.locked_until.is_(None), Job.locked_until < now))
    )
    by_state = {state: n for state, n in session.execute(select(Job.state, count).group_by(Job.state))}
    oldest = session.scalar(
        select(func.min(Job.run_at)).where(
            queued, Job.run_at <= now, or_(Job.locked_until.is_(None), Job.locked_until < now)
        )
    )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return JobCounts(
        due=due or 0,
        scheduled=scheduled or 0,
        running=running or 0,
        failed=by_state.get(JobState.FAILED, 0),
        done=by_state.get(JobState.DONE, 0),
        oldest_due_wait=None if oldest is None else now - oldest,
    )


# Periodic work -------------------------------------------------------------------------------------


def ensure_periodic(session: Session, names: list[str], *, now: datetime) -> None:
    """Give every registered periodic task its schedule row (first run: at once); existing rows stay."""
    insert = _insert(session)
    for name in names:
        session.execute(
            insert(PeriodicRun)
            .values(name=name, next_run_at=now, runs=0)
            .on_conflict_do_nothing(index_elements=[PeriodicRun.name])
        )


def claim_periodic(session: Session, name: str, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Claim the run of ``name`` due at ``now``: of several workers asking, one gets True."""
    result = session.execute(
        update(PeriodicRun)
        .where(
            PeriodicRun.name == name,
            PeriodicRun.next_run_at <= now,
            or_(PeriodicRun.locked_until.is_(None), PeriodicRun.locked_until < now),
        )
        .values(locked_by=worker, locked_until=now + lease, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def finish_periodic(
    session: Session, name: str, *, worker: str, now: datetime, every: timedelta, error: str | None
) -> bool:
    """Release a periodic run and schedule the next one ``every`` after ``now`` (the run's start)."""
    result = session.execute(
        update(PeriodicRun)
        .where(PeriodicRun.name == name, PeriodicRun.locked_by == worker)
        .values(
            locked_by=None,
            locked_until=None,
            next_run_at=now + every,
            runs=PeriodicRun.runs + 1,
            last_finished_at=utcnow(),
            last_error=None if error is None else error[:ERROR_LENGTH],
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def list_periodic(session: Session) -> list[PeriodicRun]:
    return list(session.scalars(select(PeriodicRun).order_by(PeriodicRun.name)))
