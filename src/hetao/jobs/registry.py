"""Work registered in code: job handlers by kind, and periodic tasks by name.

Register at import time of the module that owns the work, and make sure ``hetao worker`` imports that
module (``WORK_MODULES`` in ``hetao.cli.worker_commands``)::

    from hetao.jobs import register_job, register_periodic

    def send_receipt(session, payload, ctx): ...          # a job handler: idempotent!
    register_job("cases.receipt", send_receipt)

    def purge_expired_drafts(ctx): ...                     # periodic: manages its own transactions
    register_periodic("cases.purge", timedelta(hours=1), purge_expired_drafts)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from hetao.core.settings import Settings
    from hetao.notify.mail import MailBackend

#: How long a periodic run may take before another worker may start the task again.
PERIODIC_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class WorkContext:
    """What a handler or periodic task gets besides its payload."""

    factory: sessionmaker[Session]
    #: The time the worker decided the work was due (use it instead of the clock: tests set it).
    now: datetime
    #: The time now, for work that takes a while (fixed to ``now`` when a test fixes the time).
    clock: Callable[[], datetime]
    mail: MailBackend
    settings: Settings | None
    worker: str


#: ``handler(session, payload, ctx)``: runs in one transaction that also marks the job done; it must
#: be idempotent (at least once: a worker dying after an e-mail left but before the commit re-runs it).
JobHandler = Callable[[Session, dict, WorkContext], Any]
#: ``func(ctx)``: opens its own transactions with ``ctx.factory``.
PeriodicFunc = Callable[[WorkContext], Any]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    func: PeriodicFunc
    lease: timedelta = PERIODIC_LEASE


@dataclass
class Registry:
    handlers: dict[str, JobHandler] = field(default_factory=dict)
    periodic: dict[str, Periodic] = field(default_factory=dict)

    def register_job(self, kind: str, handler: JobHandler) -> JobHandler:
        """Run ``handler`` for the jobs of ``kind`` (one handler per kind)."""
        if kind in self.handlers and self.handlers[kind] is not handler:
            raise ValueError(f"A handler for job kind {kind!r} is already registered.")
        self.handlers[kind] = handler
        return handler

    def register_periodic(
        self,
        name: str,
        every: timedelta | float,
        func: PeriodicFunc,
        *,
        lease: timedelta = PERIODIC_LEASE,
    ) -> PeriodicFunc:
        """Run ``func`` every ``every`` (a timedelta, or seconds), on one worker at a time."""
        interval = every if isinstance(every, timedelta) else timedelta(seconds=every)
        if interval <= timedelta(0):
            raise ValueError("A periodic task's interval must be positive.")
        if not name or len(name) > 100:
            raise ValueError("A periodic task's name is 1 to 100 characters.")
        existing = self.periodic.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"A periodic task named {name!r} is already registered.")
        self.periodic[name] = Periodic(name=name, every=interval, func=func, lease=lease)
        return func


#: The registry ``hetao worker`` runs.
registry = Registry()


def register_job(kind: str, handler: JobHandler) -> JobHandler:
    """Register ``handler(session, payload, ctx)`` for jobs of ``kind`` in the worker's registry."""
    return registry.register_job(kind, handler)


def register_periodic(
    name: str, every: timedelta | float, func: PeriodicFunc, *, lease: timedelta = PERIODIC_LEASE
) -> PeriodicFunc:
    """Register ``func(ctx)`` to run every ``every`` in the worker's registry."""
    return registry.register_periodic(name, every, func, lease=lease)
