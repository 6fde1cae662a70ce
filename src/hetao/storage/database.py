"""Engines, sessions and the unit of work (one transaction per request or command)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hetao.core.settings import Settings

#: Seconds to wait for a new PostgreSQL connection (unless the URL sets ``connect_timeout``).
CONNECT_TIMEOUT = 10
#: Seconds a read replica that failed is left alone (its reads go to the primary) before it is tried
#: again: a replica whose host stopped answering must not cost each request a connection timeout.
REPLICA_REST_SECONDS = 30.0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling (BEGIN only before a write, none before SAVEPOINT) breaks
    # savepoints and read consistency; SQLAlchemy's documented recipe: let SQLAlchemy emit BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A transaction that will write takes the write lock at once (BEGIN IMMEDIATE), waiting up to
    # busy_timeout for it; a deferred one that reads and then writes could fail at once with
    # "database is locked" when another writer committed in between.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _sqlite_query_only(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def make_engine(settings: Settings, *, url: str | None = None, read_only: bool = False) -> Engine:
    """The engine of ``settings.database_url`` (or of ``url``, e.g. a read replica's, with the same
    pool settings). ``read_only``: every transaction is read-only (PostgreSQL ``BEGIN READ ONLY``,
    set on the driver's connection, so it costs no extra round trip; SQLite ``PRAGMA query_only``), so
    a write sent there by mistake fails at once instead of landing in a database that is not the
    primary."""
    url = make_url(url or settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not read_only:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=settings.sql_echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if read_only:
            event.listen(engine, "connect", _sqlite_query_only)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A server that does not answer at all (a host gone, a dropped route) must not hold requests for
    # the system's TCP timeout of minutes: they fail after CONNECT_TIMEOUT and get the 503 page.
    connect_args = {}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    return create_engine(
        url,
        echo=settings.sql_echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args=connect_args,
        execution_options={"postgresql_readonly": True} if read_only else {},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


class Replica:
    """A read replica: its engine and read-only session factory, and whether it is resting (it failed
    less than ``rest`` seconds ago, so its reads go to the primary). Thread-safe."""

    def __init__(self, engine: Engine, *, rest: float = REPLICA_REST_SECONDS):
        self.engine = engine
        self.session_factory = make_session_factory(engine)
        self.rest = rest
        self._resting_until = float("-inf")
        self._lock = threading.Lock()

    def usable(self) -> bool:
        """Not resting: reads may be sent to it."""
        return time.monotonic() >= self._resting_until

    def failed(self) -> None:
        """It could not serve: send its reads to the primary for the next ``rest`` seconds."""
        with self._lock:
            self._resting_until = time.monotonic() + self.rest


def make_replica(settings: Settings) -> Replica | None:
    """The read replica of ``HETAO_DATABASE_REPLICA_URL``, or None when it is not set (or names the
    primary itself: a second pool on the same database would only take connections)."""
    url = settings.database_replica_url
    if not url or url == settings.database_url:
        return None
    return Replica(make_engine(settings, url=url, read_only=True))


@contextmanager
def unit_of_work(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception. ``write``
    declares that it will write (on SQLite it then holds the write lock from the start, so
    concurrent writers queue instead of failing)."""
    session = factory()
    try:
        with session.begin():
            if write:
                session.connection(execution_options={"write": True})
            yield session
    finally:
        session.close()
