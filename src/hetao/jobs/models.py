"""Background jobs and the schedule of periodic work, both kept in the database so that any number
of workers on any number of machines share them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


class Job(UUIDPrimaryKey, Base):
    """One piece of work for a worker: ``kind`` names its handler, ``payload`` is its JSON input.

    Delivery is at least once: a worker claims a job with a lease (``locked_by``, ``locked_until``)
    and ``attempts`` counts the claims; if the worker dies, the lease runs out and another worker
    takes the job. A job that failed ``max_attempts`` times stays ``failed`` with its last error."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)

    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED)
    #: Not run before this time (a retry waits here for its back-off).
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When set, a second job with the same key is never enqueued (unique; NULLs do not clash).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class PeriodicRun(Base):
    """The schedule of one periodic task registered in code: a worker runs it when ``next_run_at``
    has come and no other worker holds its lease, so two workers never run it at the same time."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
