"""``hetao worker [--once] [--concurrency N] [--poll S]``, ``hetao worker status`` and
``hetao jobs list | retry``."""

from __future__ import annotations

import logging
import logging.config
import signal
import threading
from datetime import timedelta

import typer

import hetao.jobs.builtin  # noqa: F401  (registers the outbox delivery)
import hetao.privacy.schedule  # noqa: F401  (registers the retention purge)
from hetao import jobs
from hetao.core.db import utcnow
from hetao.core.logging import logging_config
from hetao.core.settings import check_settings, load_settings
from hetao.notify import backend_from_settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

#: Modules that register work (``register_job`` / ``register_periodic``) when imported; add yours.
WORK_MODULES = (hetao.jobs.builtin, hetao.privacy.schedule)

worker_app = typer.Typer(
    help="Run background work: queued jobs and periodic tasks (outbox delivery, …).",
    invoke_without_command=True,
)
jobs_app = typer.Typer(help="The background job queue.", no_args_is_help=True)

log = logging.getLogger("hetao.worker")


def _factory():
    settings = load_settings()
    engine = make_engine(settings)
    upgrade(engine)
    return settings, engine, make_session_factory(engine)


@worker_app.callback()
def worker(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Run what is due now, then exit."),
    concurrency: int = typer.Option(1, min=1, max=32, help="Worker threads in this process."),
    poll: float | None = typer.Option(
        None, min=0.05, help="Seconds to wait when idle (default: HETAO_WORKER_POLL, 2)."
    ),
) -> None:
    """Run jobs and periodic tasks until SIGTERM or SIGINT (finishing the job in hand)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings()
    problems = check_settings(settings)
    if problems:
        typer.echo(f"Refusing to start ({settings.env}):", err=True)
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(2)
    settings, engine, factory = _factory()
    mail = backend_from_settings(settings)
    stop = threading.Event()
    if once:
        report = jobs.Worker(
            factory, registry=jobs.registry, mail=mail, settings=settings, stop=stop
        ).run_once()
        typer.echo(
            f"Periodic tasks run: {', '.join(report.periodic) or 'none'}. Jobs: {report.done} done, "
            f"{report.retried} to retry, {report.failed} failed, {report.lost} lost."
        )
        engine.dispose()
        return
    logging.config.dictConfig(logging_config(log_format=settings.log_format, level=settings.log_level))
    if settings.is_sqlite and concurrency > 1:
        typer.echo("Note: on SQLite one worker thread runs (writes are serialised anyway).", err=True)
        concurrency = 1

    def _stop(signum, _frame):
        log.info("received %s: stopping after the job in hand", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    workers = [
        jobs.Worker(factory, registry=jobs.registry, mail=mail, settings=settings, stop=stop)
        for _ in range(concurrency)
    ]
    threads = [
        threading.Thread(
            target=w.run_forever,
            kwargs={"poll": settings.worker_poll if poll is None else poll},
            name=f"worker-{i}",
        )
        for i, w in enumerate(workers)
    ]
    for thread in threads:
        thread.start()
    try:
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        engine.dispose()


def _ago(delta: timedelta | None) -> str:
    return "-" if delta is None else f"{int(delta.total_seconds())} s"


@worker_app.command("status")
def status() -> None:
    """The job backlog, the periodic tasks' schedule and the latest failed jobs."""
    _settings, engine, factory = _factory()
    now = utcnow()
    with unit_of_work(factory) as session:
        counts = jobs.job_counts(session, now=now)
        periodic = jobs.list_periodic(session)
        failed = jobs.list_jobs(session, state=jobs.JobState.FAILED, limit=10)
    engine.dispose()
    typer.echo(
        f"Jobs: {counts.due} due (oldest waiting {_ago(counts.oldest_due_wait)}), {counts.running} running, "
        f"{counts.scheduled} scheduled, {counts.failed} failed, {counts.done} done."
    )
    registered = set(jobs.registry.periodic)
    for run in periodic:
        note = "" if run.name in registered else " (no longer registered)"
        state = (
            f"running on {run.locked_by}" if run.locked_by else f"next {run.next_run_at:%Y-%m-%d %H:%M:%S}"
        )
        error = f", last error: {run.last_error}" if run.last_error else ""
        typer.echo(f"Periodic {run.name}: {state}, {run.runs} run(s){error}{note}")
    for job in failed:
        typer.echo(f"Failed {job.id} {job.kind} after {job.attempts} attempt(s): {job.last_error}")


@jobs_app.command("list")
def list_command(
    state: str | None = typer.Option(None, help="queued, done or failed (default: all)."),
    limit: int = typer.Option(50, min=1, max=10_000, help="At most this many, newest first."),
) -> None:
    """List jobs with their state, attempts and last error."""
    if state is not None and state not in {s.value for s in jobs.JobState}:
        raise typer.BadParameter(f"state must be one of {', '.join(s.value for s in jobs.JobState)}")
    _settings, engine, factory = _factory()
    with unit_of_work(factory) as session:
        rows = jobs.list_jobs(session, state=state, limit=limit)
    engine.dispose()
    for job in rows:
        error = f"  {job.last_error}" if job.last_error else ""
        typer.echo(
            f"{job.id}  {job.kind}  {job.state}  attempts {job.attempts}/{job.max_attempts}  "
            f"run at {job.run_at:%Y-%m-%d %H:%M:%S}{error}"
        )
    typer.echo(f"{len(rows)} job(s).")


@jobs_app.command("retry")
def retry_command(job_id: str = typer.Argument(..., help="The id of a failed job.")) -> None:
    """Queue a failed job again with fresh attempts."""
    _settings, engine, factory = _factory()
    with unit_of_work(factory, write=True) as session:
        retried = jobs.retry_job(session, job_id, now=utcnow())
    engine.dispose()
    if not retried:
        typer.echo(f"error: no failed job {job_id}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Job {job_id} queued again.")
