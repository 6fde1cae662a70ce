"""The retention purge runs as periodic work of the worker, with the settings' periods."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import sessionmaker

from hetao.core.settings import Settings
from hetao.jobs import WorkContext
from hetao.jobs.registry import registry
from hetao.notify.mail import MemoryBackend
from hetao.privacy.schedule import purge_expired
from hetao.storage.database import make_engine
from hetao.storage.migrate import upgrade

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_the_purge_is_registered_and_runs_with_the_settings(empty_db_url, tmp_path):
    import hetao.cli.worker_commands  # noqa: F401  (the worker's modules register their work)

    assert "privacy.purge" in registry.periodic
    settings = Settings(database_url=empty_db_url, upload_dir=str(tmp_path))
    engine = make_engine(settings)
    upgrade(engine)
    ctx = WorkContext(
        factory=sessionmaker(bind=engine, expire_on_commit=False),
        now=NOW,
        clock=lambda: NOW,
        mail=MemoryBackend(),
        settings=settings,
        worker="test",
    )
    assert purge_expired(ctx) == 0  # an empty database: nothing to purge, and no error
    engine.dispose()
