"""``hetao worker --once``, ``hetao worker status`` and ``hetao jobs list | retry`` against a real,
empty database of each backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hetao import jobs, notify
from hetao.cli import app
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

runner = CliRunner()


def _run(env, *args):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def factory(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def test_worker_once_delivers_the_outbox_and_runs_the_jobs(empty_db_url, factory, monkeypatch):
    touched = []
    monkeypatch.setitem(
        jobs.registry.handlers, "test.touch", lambda session, payload, ctx: touched.append(payload)
    )

    def broken(session, payload, ctx):
        raise ValueError("bad input")

    monkeypatch.setitem(jobs.registry.handlers, "test.broken", broken)
    with unit_of_work(factory) as session:
        notify.enqueue(session, kind="test", locale="en", subject="s", body="b", to_address="a@example.org")
        done_id = jobs.enqueue_job(session, "test.touch", {"n": 1})
        failed_id = jobs.enqueue_job(session, "test.broken", {}, max_attempts=1)
    env = {"HETAO_DATABASE_URL": empty_db_url, "HETAO_MAIL_BACKEND": "memory"}

    result = _run(env, "worker", "--once")
    assert result.exit_code == 0, result.output
    assert "Periodic tasks run: notify.outbox, jobs.purge, privacy.purge." in result.output
    assert "Jobs: 1 done, 0 to retry, 1 failed, 0 lost." in result.output
    assert touched == [{"n": 1}]
    with factory() as session:
        assert session.scalar(select(notify.OutboxMessage.sent_at)) is not None
        assert session.get(jobs.Job, done_id).state == jobs.JobState.DONE

    again = _run(env, "worker", "--once")
    assert "Periodic tasks run: none." in again.output and "Jobs: 0 done" in again.output

    status = _run(env, "worker", "status")
    assert status.exit_code == 0
    assert "Jobs: 0 due" in status.output and "1 failed, 1 done" in status.output
    assert "Periodic notify.outbox: next " in status.output and "1 run(s)" in status.output
    assert f"Failed {failed_id} test.broken after 1 attempt(s): ValueError: bad input" in status.output

    listing = _run(env, "jobs", "list", "--state", "failed")
    assert failed_id in listing.output and done_id not in listing.output and "1 job(s)." in listing.output
    assert _run(env, "jobs", "list", "--state", "stuck").exit_code == 2
    assert _run(env, "jobs", "retry", failed_id).exit_code == 0
    assert _run(env, "jobs", "retry", failed_id).exit_code == 1  # queued now, not failed
    with factory() as session:
        job = session.get(jobs.Job, failed_id)
        assert (job.state, job.attempts) == (jobs.JobState.QUEUED, 0)


def test_worker_refuses_unsafe_production_settings(empty_db_url):
    result = _run({"HETAO_DATABASE_URL": empty_db_url, "HETAO_ENV": "production"}, "worker", "--once")
    assert result.exit_code == 2 and "HETAO_SECRET_KEY" in result.output


def test_worker_stops_cleanly_on_sigterm(empty_db_url, factory):
    import os
    import signal
    import subprocess
    import sys

    with unit_of_work(factory) as session:
        notify.enqueue(session, kind="test", locale="en", subject="s", body="b", to_address="a@example.org")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(["src", os.environ.get("PYTHONPATH", "")]),
        "HETAO_DATABASE_URL": empty_db_url,
        "HETAO_MAIL_BACKEND": "memory",
        "HETAO_WORKER_POLL": "0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "hetao", "worker", "--concurrency", "2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stderr:
            lines.append(line)
            if "periodic notify.outbox done" in line:
                break
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=60)
    finally:
        process.kill()
    log = "".join(lines) + rest
    assert process.returncode == 0, log
    assert "received SIGTERM: stopping after the job in hand" in log and "stopped" in log
    assert "a@example.org" not in log  # no personal data in the worker's log
    with factory() as session:
        assert session.scalar(select(notify.OutboxMessage.sent_at)) is not None
