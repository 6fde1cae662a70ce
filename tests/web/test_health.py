"""``/healthz`` answers whatever the database does; ``/readyz`` says whether the site can serve."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from hetao.app import create_app
from hetao.core.settings import Settings
from hetao.storage.database import make_engine
from hetao.storage.migrate import head_revision, upgrade


def _client(url: str, engine=None) -> TestClient:
    settings = Settings(database_url=url, outbox_interval=0, search_backend="none")
    return TestClient(create_app(settings, engine=engine or make_engine(settings)))


def test_a_migrated_database_is_ready(seeded_engine):
    client = _client(str(seeded_engine.url), engine=seeded_engine)
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "revision": head_revision(seeded_engine)}
    assert ready.headers["cache-control"] == "no-store"
    assert "set-cookie" not in ready.headers


def test_an_empty_database_is_alive_but_not_ready(empty_db_url):
    client = _client(empty_db_url)
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "migrations_pending"
    assert body["current"] is None and body["expected"] == head_revision(client.app.state.engine)


def test_a_database_behind_the_code_is_not_ready_until_upgraded(empty_db_url):
    client = _client(empty_db_url)
    engine = client.app.state.engine
    upgrade(engine, "0005")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["current"] == "0005"
    upgrade(engine)
    assert client.get("/readyz").status_code == 200
    engine.dispose()


def test_an_unreachable_database_is_not_ready_and_the_reason_hides_the_address():
    url = "postgresql+psycopg://secret-user:secret-pw@127.0.0.1:1/nowhere"
    client = _client(url, engine=create_engine(url, connect_args={"connect_timeout": 2}))
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database_unreachable"
    assert "secret" not in response.text and "127.0.0.1" not in response.text
