"""``hetao purge`` against a real, empty database of each backend: the dry run changes nothing, a run
prints the counts per kind, a second run finds nothing, and the audit chain still verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from typer.testing import CliRunner

from hetao import accounts
from hetao.accounts import WebSession
from hetao.cli import app
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

runner = CliRunner()


def _sessions(url: str) -> int:
    engine = make_engine(Settings(database_url=url))
    try:
        with unit_of_work(make_session_factory(engine)) as s:
            return s.scalar(select(func.count()).select_from(WebSession))
    finally:
        engine.dispose()


def test_purge_counts_deletes_and_is_idempotent(empty_db_url, tmp_path):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as s:
        user = accounts.sign_up(
            s,
            email="expired@example.org",
            display_name="Expired",
            password="lantern harbour 42",
            confirm="lantern harbour 42",
            locale="en",
            now=utcnow(),
        )
        s.add(
            WebSession(
                id="e" * 64,
                user_id=user.id,
                created_at=utcnow() - timedelta(days=40),
                last_seen_at=utcnow() - timedelta(days=31),
                expires_at=utcnow() - timedelta(days=10),
            )
        )
    engine.dispose()
    env = {"HETAO_DATABASE_URL": empty_db_url, "HETAO_UPLOAD_DIR": str(tmp_path / "uploads")}

    dry = runner.invoke(app, ["purge", "--dry-run"], env=env, catch_exceptions=False)
    assert dry.exit_code == 0 and "sessions: 1" in dry.output and "dry run" in dry.output
    assert _sessions(empty_db_url) == 1

    done = runner.invoke(app, ["purge"], env=env, catch_exceptions=False)
    assert done.exit_code == 0 and "sessions: 1" in done.output
    assert _sessions(empty_db_url) == 0

    again = runner.invoke(app, ["purge"], env=env, catch_exceptions=False)
    assert "purged 0 in all" in again.output
    verified = runner.invoke(app, ["audit", "verify"], env=env, catch_exceptions=False)
    assert verified.exit_code == 0
