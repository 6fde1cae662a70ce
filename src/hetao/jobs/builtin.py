"""The periodic work every worker runs: delivering the notification outbox, and purging old done
jobs."""

from __future__ import annotations

from datetime import timedelta

from hetao.jobs.queue import purge_done_jobs
from hetao.jobs.registry import Registry, WorkContext, registry
from hetao.notify.outbox import deliver_due

#: How often a worker looks for due outbox messages.
OUTBOX_EVERY = timedelta(seconds=5)
#: At most this many messages per run (a failed message is tried again on the next run, not at once).
OUTBOX_BATCH = 200
#: Done jobs are kept this long (for ``hetao jobs list`` and their dedupe keys), then deleted.
KEEP_DONE_JOBS = timedelta(days=30)


def deliver_outbox(ctx: WorkContext) -> int:
    """Send the due outbox messages (one batch). Each message is claimed with a lease by a conditional UPDATE
    (and renewed, fenced by its attempt count, just before it is sent), so two workers never send
    one message twice, even when this task runs on both at once."""
    return deliver_due(ctx.factory, ctx.mail, limit=OUTBOX_BATCH, clock=ctx.clock)


def purge_jobs(ctx: WorkContext) -> int:
    """Delete the jobs done more than :data:`KEEP_DONE_JOBS` ago."""
    with ctx.factory() as session, session.begin():
        return purge_done_jobs(session, before=ctx.now - KEEP_DONE_JOBS)


def register_builtin(target: Registry = registry) -> None:
    target.register_periodic("notify.outbox", OUTBOX_EVERY, deliver_outbox)
    target.register_periodic("jobs.purge", timedelta(hours=6), purge_jobs)


register_builtin()
