"""Fixtures of the API tests."""

from __future__ import annotations

import pytest

from hetao.core.settings import Settings
from hetao.search import IndexManager


@pytest.fixture
def lexical_app(seeded_engine, session_factory):
    """The app on the seeded database, lexical search only (no embeddings are computed)."""
    from hetao.app import create_app

    application = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, search_backend="none"),
        engine=seeded_engine,
    )
    application.state.session_factory = session_factory
    application.state.search_manager = IndexManager(seeded_engine, backend_name="none", background=False)
    return application
