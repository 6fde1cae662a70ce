"""A database that is down or drops its connections: reads get a second chance on a new connection,
everything else a clean, localised 503 (a page or problem+json, with ``Retry-After``) — never an
unhandled error, which the server answers by closing the client's connection.

The connection is made to die under the request as a server restart does: the driver's connection is
closed (SQLite and PostgreSQL) or its PostgreSQL backend terminated, just before a SELECT is sent.
The clients raise server errors (TestClient's default), so a request that is not answered cleanly
fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from hetao.app import create_app
from hetao.core.i18n import translator
from hetao.core.settings import Settings
from hetao.http.deps import db_session
from tests.pages import CheckingClient

PAGE = "/en/services"
API = "/api/v1/services?per_page=1"
HEADING = "Service temporarily unavailable"
DETAIL = "The service is briefly unavailable. Please try again in a moment."


def _app(engine):
    """The app on ``engine`` itself (not on the test's rolled-back connection), so that a dead
    connection is replaced from the engine's pool as it is in production. The shared page cache is
    off: every request must reach the database."""
    settings = Settings(
        database_url=str(engine.url), outbox_interval=0, search_backend="none", page_cache=False
    )
    return create_app(settings, engine=engine)


@contextmanager
def connections_dropped(engine, *, times: int, how: str = "close") -> Iterator[list[str]]:
    """The next ``times`` SELECTs on ``engine`` lose their connection just before being sent:
    ``close`` closes the driver's connection, ``terminate`` has PostgreSQL end its backend (what a
    restart does to every connection). Yields the statements that were hit."""
    hit: list[str] = []
    admin = create_engine(engine.url) if how == "terminate" else None

    def drop(conn, cursor, statement, parameters, context, executemany):
        if len(hit) >= times or not statement.lstrip().upper().startswith("SELECT"):
            return
        hit.append(statement)
        dbapi_connection = conn.connection.dbapi_connection
        if how == "close":
            dbapi_connection.close()
        else:
            with admin.connect() as other:
                pid = dbapi_connection.info.backend_pid
                other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", drop)
    try:
        yield hit
    finally:
        event.remove(engine, "before_cursor_execute", drop)
        if admin is not None:
            admin.dispose()


def _ways(backend: str) -> list[str]:
    return ["close", "terminate"] if backend == "postgresql" else ["close"]


@pytest.mark.parametrize("path", [PAGE, API])
def test_a_read_whose_connection_dies_is_run_again_on_a_new_connection(seeded_engine, backend, path):
    client = CheckingClient(_app(seeded_engine))
    for how in _ways(backend):
        with connections_dropped(seeded_engine, times=1, how=how) as hit:
            response = client.get(path)
        assert len(hit) == 1, how
        assert response.status_code == 200, (how, response.text[:500])
    # And the site goes on as before.
    assert client.get(path).status_code == 200


def test_a_read_that_loses_its_connection_twice_gets_a_clean_503(seeded_engine, backend):
    client = CheckingClient(_app(seeded_engine))
    for how in _ways(backend):
        with connections_dropped(seeded_engine, times=3, how=how) as hit:
            page = client.get(PAGE)
        assert len(hit) == 2, how  # run once more, not a third time
        with connections_dropped(seeded_engine, times=2, how=how):
            api = client.get(API, headers={"Accept-Language": "en"})
        assert page.status_code == 503 and page.headers["retry-after"] == "5"
        assert page.soup.h1.get_text(strip=True) == HEADING
        assert api.status_code == 503 and api.json()["code"] == "core.unavailable"
    assert client.get(PAGE).status_code == 200


def test_a_write_is_never_run_twice(seeded_engine, backend):
    app = _app(seeded_engine)
    runs: list[int] = []

    @app.post("/api/v1/outage-test")
    def write(session: Session = Depends(db_session, scope="function")):
        runs.append(1)
        return {"one": session.execute(text("SELECT 1")).scalar_one()}

    client = TestClient(app)
    with connections_dropped(seeded_engine, times=1) as hit:
        response = client.post("/api/v1/outage-test", json={})
    assert len(hit) == 1 and len(runs) == 1
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "core.unavailable"
    assert client.post("/api/v1/outage-test", json={}).json() == {"one": 1}


UNREACHABLE = {
    # Nothing listens on port 1: the connection is refused at once.
    "postgresql": "postgresql+psycopg://hetao:secret-pw@127.0.0.1:1/nowhere",
    # A directory that cannot exist: the file cannot be opened.
    "sqlite": "sqlite:////proc/hetao-nowhere/hetao.db",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_client(request):
    url = UNREACHABLE[request.param]
    engine = create_engine(url, connect_args={"connect_timeout": 2} if "postgresql" in url else {})
    app = create_app(Settings(database_url=url, outbox_interval=0, search_backend="none"), engine=engine)
    yield CheckingClient(app)
    engine.dispose()


@pytest.mark.parametrize("prefix", ["zh-hant", "zh-hans", "en"])
def test_a_database_that_is_down_gives_a_localised_503_page(down_client, prefix):
    response = down_client.get(f"/{prefix}/services")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5" and response.headers["cache-control"] == "no-store"
    assert "text/html" in response.headers["content-type"]
    locale = {"zh-hant": "zh-Hant", "zh-hans": "zh-Hans", "en": "en"}[prefix]
    t = translator(locale)
    assert response.headers["content-language"] == locale
    assert response.soup.h1.get_text(strip=True) == t.gettext(HEADING)
    assert t.gettext(DETAIL) in response.text
    # The site's own headers, as on every page; nothing about the database's address.
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-request-id"]
    assert "secret" not in response.text and "127.0.0.1" not in response.text
    assert "OperationalError" not in response.text


@pytest.mark.parametrize("language", ["zh-Hant", "zh-Hans", "en"])
def test_a_database_that_is_down_gives_problem_json_503_to_the_api(down_client, language):
    response = down_client.get(API, headers={"Accept-Language": language})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["status"] == 503 and body["code"] == "core.unavailable"
    assert body["type"] == "urn:hetao-one-stop:problem:core.unavailable"
    assert body["detail"] == translator(response.headers["content-language"]).gettext(DETAIL)
    assert "secret" not in response.text


def test_liveness_stays_up_while_the_database_is_down(down_client):
    assert down_client.get("/healthz").status_code == 200
    assert down_client.get("/readyz").status_code == 503
