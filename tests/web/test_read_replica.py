"""A read replica (``HETAO_DATABASE_REPLICA_URL``): anonymous GETs of the routes that declare
``replica_ok`` read it; signed-in people, other methods and other routes read the primary; a replica
that is down or drops its connection costs nothing but a second run on the primary; ``/readyz``
reports it and stays ready without it.

The primary and the "replica" are two copies of the seeded database (an SQLite file copied, or a
PostgreSQL database made with the seeded one as its template), and the replica's copy names one
service differently, so each answer tells which database it came from. The shared page cache is off
except in the test about it: every request must reach a database."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import Depends
from sqlalchemy import create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from hetao import catalog
from hetao.app import create_app
from hetao.core.settings import Settings
from hetao.http.deps import db_session
from hetao.http.page_cache import RECHECK_SECONDS, shared_page
from hetao.http.replica import reads_replica, replica_ok
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.web import catalog_pages, directory_pages
from tests.cases.helpers import person
from tests.conftest import PG_ADMIN_URL, _drop_pg_database
from tests.pages import CheckingClient, signed_in
from tests.web.test_database_outage import connections_dropped

SLUG = "hk-driving-licence-exchange"
PAGE = f"/en/services/{SLUG}"
API = f"/api/v1/services/{SLUG}?lang=en"
MARK = " (from the replica)"
UNREACHABLE = {
    # Nothing listens on port 1: the connection is refused at once.
    "postgresql": "postgresql+psycopg://hetao:secret-pw@127.0.0.1:1/nowhere",
    # A directory that cannot exist: the file cannot be opened.
    "sqlite": "sqlite:////proc/hetao-nowhere/replica.db",
}


def _copy(backend: str, seeded_engine, tmp_path, role: str) -> str:
    """The URL of a new copy of the seeded database."""
    if backend == "sqlite":
        path = tmp_path / f"{role}.db"
        source, target = sqlite3.connect(seeded_engine.url.database), sqlite3.connect(path)
        source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{path}"
    seeded_engine.dispose()  # a template database must have no other connection
    name = f"hetao_r_{role}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{seeded_engine.url.database}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def urls(backend, seeded_engine, tmp_path_factory):
    """(primary URL, replica URL): copies of the seeded database; in the replica's, the service
    ``SLUG`` has another English name."""
    tmp = tmp_path_factory.mktemp("replica")
    primary = _copy(backend, seeded_engine, tmp, "primary")
    replica = _copy(backend, seeded_engine, tmp, "replica")
    engine = make_engine(Settings(database_url=replica))
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE service_texts SET value = value || :mark WHERE field = 'name' AND locale = 'en' "
                "AND owner_id = (SELECT id FROM services WHERE slug = :slug)"
            ),
            {"mark": MARK, "slug": SLUG},
        )
    engine.dispose()
    yield primary, replica
    if backend == "postgresql":
        for url in (primary, replica):
            _drop_pg_database(url.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def primary_engine(urls):
    engine = make_engine(Settings(database_url=urls[0]))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def names(primary_engine):
    """(the primary's English name of ``SLUG``, the replica's, the service's id)."""
    with unit_of_work(make_session_factory(primary_engine)) as session:
        service = catalog.get_service(session, SLUG)
        name = service.text("name", "en").value
        return name, name + MARK, service.id


@pytest.fixture
def make_app(primary_engine):
    """Apps on the primary, with the replica at ``replica_url`` ("" for none); their replica
    engines are closed after the test."""
    apps = []

    def make(replica_url: str, **settings):
        settings = {"outbox_interval": 0, "search_backend": "none", "page_cache": False, **settings}
        app = create_app(
            Settings(
                database_url=primary_engine.url.render_as_string(hide_password=False),
                database_replica_url=replica_url,
                **settings,
            ),
            engine=primary_engine,
        )
        _add_probes(app)
        apps.append(app)
        return app

    yield make
    for app in apps:
        if app.state.replica is not None:
            app.state.replica.engine.dispose()


def _name(session: Session) -> str:
    return catalog.get_service(session, SLUG).text("name", "en").value


def _add_probes(app) -> None:
    """Two routes that say which database they read: one not marked, and a POST to a marked one."""

    @app.get("/api/v1/replica-test/unmarked")
    def unmarked(session: Session = Depends(db_session, scope="function")):
        return {"name": _name(session)}

    @app.post("/api/v1/replica-test/marked", dependencies=[Depends(replica_ok)])
    def marked_post(session: Session = Depends(db_session, scope="function")):
        return {"name": _name(session)}


def _page_name(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200, response.text[:500]
    return response.soup.h1.get_text(strip=True)


def _api_name(client) -> str:
    response = client.get(API)
    assert response.status_code == 200, response.text[:500]
    return response.json()["name"]


def test_anonymous_reads_of_marked_routes_read_the_replica(make_app, urls, names):
    primary, replica, service_id = names
    client = CheckingClient(make_app(urls[1]))
    assert _page_name(client) == replica
    assert _api_name(client) == replica
    listed = client.get("/api/v1/services?per_page=200&lang=en").json()["items"]
    assert [s["name"] for s in listed if s["slug"] == SLUG] == [replica]
    hsds = client.get(f"/api/hsds/services/{service_id}?lang=en")
    assert hsds.status_code == 200 and hsds.json()["name"] == replica
    # A route that does not declare replica_ok reads the primary.
    assert client.get("/api/v1/replica-test/unmarked").json() == {"name": primary}


def test_a_post_reads_the_primary_even_on_a_marked_route(make_app, urls, names):
    response = CheckingClient(make_app(urls[1])).post("/api/v1/replica-test/marked")
    assert response.json() == {"name": names[0]}


def test_a_signed_in_person_reads_the_primary(make_app, urls, names, primary_engine):
    primary, replica, _ = names
    app = make_app(urls[1])
    email = f"reader-{uuid.uuid4().hex[:8]}@example.org"
    with unit_of_work(make_session_factory(primary_engine), write=True) as session:
        person(session, email)
    member = signed_in(app, email)  # the sign-in is a POST: it writes the session on the primary
    assert _page_name(member) == primary
    assert _api_name(member) == primary
    assert _page_name(CheckingClient(app)) == replica  # while visitors read the replica


def test_without_the_setting_everything_reads_the_primary(make_app, names):
    primary, _, _ = names
    app = make_app("")
    assert app.state.replica is None
    client = CheckingClient(app)
    assert _page_name(client) == primary and _api_name(client) == primary


def test_a_replica_url_naming_the_primary_adds_no_second_pool(make_app, primary_engine, names):
    app = make_app(primary_engine.url.render_as_string(hide_password=False))
    assert app.state.replica is None
    assert _page_name(CheckingClient(app)) == names[0]


def test_a_replica_that_is_down_leaves_the_primary_to_serve(make_app, backend, names, caplog):
    primary, _, _ = names
    app = make_app(UNREACHABLE[backend])
    client = CheckingClient(app)
    assert _page_name(client) == primary
    assert "read replica unavailable during GET /en/services" in caplog.text
    assert not app.state.replica.usable()  # it rests: the next requests do not try it
    assert _api_name(client) == primary
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok" and ready.json()["replica"] == "unreachable"
    assert "secret" not in ready.text and "127.0.0.1" not in ready.text
    # Once the rest is over it is tried again (and found down again): still the primary answers.
    app.state.replica.rest = 0.0
    app.state.replica.failed()
    assert _api_name(client) == primary
    assert client.get("/readyz").json()["replica"] == "unreachable"


def test_a_replica_whose_connection_drops_leaves_the_primary_to_serve(make_app, urls, names):
    primary, replica, _ = names
    app = make_app(urls[1])
    app.state.replica.rest = 0.2
    client = CheckingClient(app)
    assert _api_name(client) == replica  # a pooled connection to the replica
    with connections_dropped(app.state.replica.engine, times=1) as hit:
        assert _page_name(client) == primary
    assert len(hit) == 1
    time.sleep(0.25)
    assert _page_name(client) == replica  # back on the replica after its rest


def test_readyz_reports_the_replica(make_app, urls):
    ready = CheckingClient(make_app(urls[1])).get("/readyz")
    assert ready.status_code == 200 and ready.json()["replica"] == "ok"
    assert "replica" not in CheckingClient(make_app("")).get("/readyz").json()


def test_the_replica_refuses_writes(make_app, urls):
    app = make_app(urls[1])
    with pytest.raises(sa_exc.DBAPIError):
        with unit_of_work(app.state.replica.session_factory) as session:
            session.execute(text("UPDATE catalog_state SET token = 'written'"))


@contextmanager
def every_statement(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_page_cache_reads_its_token_from_the_replica(make_app, urls, names, primary_engine):
    _, replica, _ = names
    app = make_app(urls[1], page_cache=True)
    client = CheckingClient(app)
    with (
        every_statement(primary_engine) as on_primary,
        every_statement(app.state.replica.engine) as on_replica,
    ):
        first = client.get(PAGE)
        time.sleep(RECHECK_SECONDS + 0.1)  # the token is read again before the page is served
        again = client.get(PAGE)
    assert first.soup.h1.get_text(strip=True) == replica and again.text == first.text
    assert again.headers["etag"] == first.headers["etag"]
    assert on_primary == []
    assert sum("catalog_state" in s for s in on_replica) == 2


def test_every_shared_page_may_read_the_replica():
    """The page cache reads its change token where shared pages read (the replica): every route
    that declares shared_page must also declare replica_ok."""
    shared = [
        r
        for module in (catalog_pages, directory_pages)
        for r in module.router.routes
        if any(d.dependency is shared_page for d in r.dependencies)
    ]
    assert len(shared) == 9
    assert all(reads_replica(r) for r in shared)
