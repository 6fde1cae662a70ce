"""The worker: runs the periodic tasks that are due and the jobs in the queue, until told to stop.

A worker finishes the job in hand before it stops (``stop`` is checked between jobs). Logs name the
job's kind, id, attempt and outcome, never its payload or error text (they may hold personal data;
the error is kept in the job's row for ``hetao jobs list``)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from hetao.core.db import new_id, utcnow
from hetao.core.settings import Settings
from hetao.jobs.queue import (
    ClaimedJob,
    claim_jobs,
    claim_periodic,
    ensure_periodic,
    fail_job,
    finish_job,
    finish_periodic,
    release_job,
)
from hetao.jobs.registry import Registry, WorkContext
from hetao.notify.mail import MailBackend

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """The job's lease ran out and another worker claimed it: this worker's work is rolled back."""


@dataclass
class RunReport:
    """What one pass of :meth:`Worker.run_once` did."""

    periodic: list[str] = field(default_factory=list)
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0

    @property
    def jobs(self) -> int:
        return self.done + self.retried + self.failed + self.lost

    @property
    def idle(self) -> bool:
        return not self.periodic and not self.jobs


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{new_id()[:8]}"


class Worker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        registry: Registry,
        mail: MailBackend,
        settings: Settings | None = None,
        name: str | None = None,
        batch: int = 1,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.factory = factory
        self.registry = registry
        self.mail = mail
        self.settings = settings
        self.name = name or worker_name()
        self.batch = batch
        self.stop = stop or threading.Event()
        self.clock = clock
        self._scheduled: set[str] = set()

    def _context(self, now: datetime, fixed: bool) -> WorkContext:
        return WorkContext(
            factory=self.factory,
            now=now,
            clock=(lambda: now) if fixed else self.clock,
            mail=self.mail,
            settings=self.settings,
            worker=self.name,
        )

    def _write(self):
        return _write_transaction(self.factory)

    # Jobs --------------------------------------------------------------------------------------------

    def claim(self, now: datetime, limit: int | None = None) -> list[ClaimedJob]:
        """Claim due jobs of the kinds this worker has handlers for."""
        if not self.registry.handlers:
            return []
        with self._write() as session:
            return claim_jobs(
                session,
                worker=self.name,
                now=now,
                kinds=sorted(self.registry.handlers),
                limit=limit or self.batch,
            )

    def execute(self, job: ClaimedJob, now: datetime, *, fixed: bool = True) -> str:
        """Run one claimed job; returns ``done``, ``queued`` (to be retried), ``failed`` or ``lost``."""
        handler = self.registry.handlers[job.kind]
        started = time.perf_counter()
        try:
            with self._write() as session:
                handler(session, dict(job.payload), self._context(now, fixed))
                if not finish_job(session, job, now=now):
                    raise LeaseLost(job.id)
        except LeaseLost:
            log.warning("job %s %s attempt %d: lease lost, work rolled back", job.kind, job.id, job.attempt)
            return "lost"
        except Exception as exc:  # noqa: BLE001 - a failing handler is recorded and retried, never fatal
            with self._write() as session:
                state = fail_job(session, job, now=now, error=f"{type(exc).__name__}: {exc}")
            outcome = state or "lost"
            log.warning(
                "job %s %s attempt %d/%d raised %s: %s",
                job.kind,
                job.id,
                job.attempt,
                job.max_attempts,
                type(exc).__name__,
                "failed for good"
                if outcome == "failed"
                else "will retry"
                if outcome == "queued"
                else "lease lost",
            )
            return outcome
        log.info(
            "job %s %s attempt %d done in %.0f ms",
            job.kind,
            job.id,
            job.attempt,
            (time.perf_counter() - started) * 1000,
        )
        return "done"

    # Periodic tasks ----------------------------------------------------------------------------------

    def run_periodic(self, now: datetime, *, fixed: bool = True) -> list[str]:
        """Run each registered periodic task that is due at ``now`` and not running elsewhere."""
        tasks = self.registry.periodic
        new = sorted(set(tasks) - self._scheduled)
        if new:
            with self._write() as session:
                ensure_periodic(session, new, now=now)
            self._scheduled.update(new)
        ran = []
        for task in tasks.values():
            if self.stop.is_set():
                break
            with self._write() as session:
                if not claim_periodic(session, task.name, worker=self.name, now=now, lease=task.lease):
                    continue
            started = time.perf_counter()
            error = None
            try:
                result = task.func(self._context(now, fixed))
            except Exception as exc:  # noqa: BLE001 - the next run is scheduled all the same
                error = f"{type(exc).__name__}: {exc}"
                log.warning("periodic %s raised %s", task.name, type(exc).__name__)
            else:
                # A run that did something (returned a true value, e.g. messages sent) is worth a line.
                log.log(
                    logging.INFO if result else logging.DEBUG,
                    "periodic %s done in %.0f ms: %s",
                    task.name,
                    (time.perf_counter() - started) * 1000,
                    result,
                )
            with self._write() as session:
                finish_periodic(session, task.name, worker=self.name, now=now, every=task.every, error=error)
            ran.append(task.name)
        return ran

    # Loops -------------------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None, *, max_jobs: int = 1000) -> RunReport:
        """One pass: the due periodic tasks, then due jobs until none is left (at most ``max_jobs``).
        ``now`` fixes the time of the whole pass (tests); otherwise the clock is read as it goes."""
        report = RunReport()
        report.periodic = self.run_periodic(now or self.clock(), fixed=now is not None)
        while not self.stop.is_set() and report.jobs < max_jobs:
            claimed = self.claim(now or self.clock(), min(self.batch, max_jobs - report.jobs))
            if not claimed:
                break
            for job in claimed:
                if self.stop.is_set():
                    # Not started: give the claim back at once rather than after the lease.
                    with self._write() as session:
                        release_job(session, job)
                    continue
                outcome = self.execute(job, now or self.clock(), fixed=now is not None)
                if outcome == "done":
                    report.done += 1
                elif outcome == "queued":
                    report.retried += 1
                elif outcome == "failed":
                    report.failed += 1
                else:
                    report.lost += 1
        return report

    def run_forever(self, *, poll: float = 2.0) -> None:
        """Pass after pass until ``stop`` is set; waits ``poll`` seconds after a pass with nothing to do."""
        log.info("worker %s started", self.name)
        while not self.stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the worker
                log.exception("worker pass failed; retrying in %s s", poll)
                report = RunReport()
            if report.idle:
                self.stop.wait(poll)
        log.info("worker %s stopped", self.name)


@contextmanager
def _write_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in a transaction that will write (on SQLite: holding the write lock from BEGIN)."""
    with factory() as session, session.begin():
        session.connection(execution_options={"write": True})
        yield session
