"""The migrations create exactly what the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hetao.storage.metadata import metadata
from hetao.storage.migrate import is_current


def test_models_and_migrations_agree(seeded_engine):
    with seeded_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    assert is_current(seeded_engine)
