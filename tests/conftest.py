"""Test set-up shared by the suite.

Database tests run on every backend in ``BACKENDS``: SQLite (a temporary file) and PostgreSQL
(127.0.0.1:5432: a database of its own per test session, or ``HETAO_TEST_PG_URL``, whose schema is
reset). When PostgreSQL is unreachable its tests skip, unless ``CI`` is
set: then they fail, so CI can never pass without them.

As in warehouse's suite: the schema is migrated and the sample data loaded once per backend; each test
runs inside a transaction (the app's unit of work nests in a SAVEPOINT) that is rolled back after it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from hetao.catalog import load_sample
from hetao.core.settings import Settings
from hetao.hall import load_hall_sample
from hetao.storage.database import make_engine, unit_of_work
from hetao.storage.migrate import upgrade

# Property-based tests (hypothesis): bounded everywhere; derandomised in CI, so a run there is the same
# every time (a failure found locally is replayed from .hypothesis/; CI keeps no example database).
# HYPOTHESIS_PROFILE=thorough explores many more examples when hunting bugs by hand.
settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

PG_ADMIN_URL = os.environ.get(
    "HETAO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_TEST_URL = os.environ.get("HETAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def require_backend(backend: str) -> None:
    if backend == "postgresql" and not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required when CI is set, and 127.0.0.1:5432 is not reachable.")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")


def _reset_pg_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _create_pg_database(name: str) -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    require_backend(request.param)
    return request.param


@pytest.fixture(scope="session")
def seeded_engine(backend, tmp_path_factory):
    """An engine on a migrated database holding the sample data (shared, never modified)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'seeded.db'}"
    elif os.environ.get("HETAO_TEST_PG_URL"):
        url = PG_TEST_URL
        _reset_pg_schema(url)
    else:
        # A database of this test session's own, so concurrent runs on one server never clash.
        url = _create_pg_database(f"hetao_s_{uuid.uuid4().hex[:10]}")
    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    with unit_of_work(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        load_sample(session)
        load_hall_sample(session)
    yield engine
    engine.dispose()
    if backend == "postgresql" and not os.environ.get("HETAO_TEST_PG_URL"):
        _drop_pg_database(url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def search_manager(seeded_engine):
    """The search index of the seeded database, vectors computed once (stored like any cache)."""
    from hetao.search import IndexManager

    manager = IndexManager(seeded_engine, background=False)
    manager.build_now()
    return manager


@pytest.fixture
def connection(seeded_engine):
    conn = seeded_engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection):
    """Sessions bound to the test's connection: every unit of work is a SAVEPOINT in it."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory):
    with unit_of_work(session_factory) as s:
        yield s


@pytest.fixture
def empty_db_url(backend, tmp_path):
    """The URL of a new, empty database (for CLI and round-trip tests that commit for real)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"hetao_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def lean_app(seeded_engine, session_factory):
    """The app without a built search index, for pages that never search (building the index with
    its vectors takes minutes on a small machine)."""
    from hetao.app import create_app

    application = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0), engine=seeded_engine
    )
    application.state.session_factory = session_factory
    return application


@pytest.fixture
def app(seeded_engine, session_factory, search_manager):
    from hetao.app import create_app

    application = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0), engine=seeded_engine
    )
    application.state.session_factory = session_factory
    application.state.search_manager = search_manager
    return application


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def client(app):
    from tests.pages import CheckingClient

    with CheckingClient(app) as c:
        yield c
