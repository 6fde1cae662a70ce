"""``/metrics``: request latency by route template (never the raw path), search latency, and gauges
read from the database at scrape time; a bearer token when one is configured."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from hetao import cases
from hetao.app import create_app
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.notify import enqueue
from tests.cases.helpers import ANSWERS, company_plan, person


@pytest.fixture
def light_app(seeded_engine, session_factory):
    """The app without the search index's vectors (lexical search only), on the test's transaction."""
    app = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, search_backend="none"),
        engine=seeded_engine,
    )
    app.state.session_factory = session_factory
    return app


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition ``text`` (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series, value = line.rsplit(" ", 1)
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if found == labels:
            return float(value)
    return 0.0


def test_requests_are_counted_by_route_template(light_app):
    client = TestClient(light_app)
    route = "/{lp}/services/{slug}"
    before = _sample(
        client.get("/metrics").text,
        "hetao_http_request_duration_seconds_count",
        route=route,
        method="GET",
        status="200",
    )
    for slug in ("hk-driving-licence-exchange", "hk-driving-licence-exchange"):
        assert client.get(f"/en/services/{slug}").status_code == 200
    assert client.get("/en/services/no-such-item").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    count = "hetao_http_request_duration_seconds_count"
    assert _sample(text, count, route=route, method="GET", status="200") == before + 2
    assert _sample(text, count, route=route, method="GET", status="404") >= 1
    assert "hk-driving-licence-exchange" not in text and "no-such-item" not in text
    assert 'le="0.25"' in text


def test_unknown_paths_share_one_label(light_app):
    client = TestClient(light_app)
    client.get("/no/such/path/one")
    client.get("/no/such/path/two")
    text = client.get("/metrics").text
    assert "/no/such" not in text
    assert (
        _sample(
            text, "hetao_http_request_duration_seconds_count", route="<unmatched>", method="GET", status="404"
        )
        >= 2
    )


def test_search_latency_is_measured(light_app):
    client = TestClient(light_app)
    before = _sample(client.get("/metrics").text, "hetao_search_duration_seconds_count", channel="api")
    assert client.get("/api/v1/search", params={"q": "company registration"}).status_code == 200
    text = client.get("/metrics").text
    assert _sample(text, "hetao_search_duration_seconds_count", channel="api") == before + 1


def test_database_gauges_follow_the_data(light_app, session_factory):
    client = TestClient(light_app)
    text = client.get("/metrics").text
    assert _sample(text, "hetao_database_up") == 1
    backlog, overdue = _sample(text, "hetao_outbox_backlog"), _sample(text, "hetao_tasks_overdue")
    with session_factory() as s, s.begin():
        enqueue(s, kind="test", locale="en", subject="Hello", body="Body", to_address="a@example.org")
        applicant = person(s, "metrics@example.org")
        journey, plan = company_plan(s)
        case = cases.start_application(
            s, applicant, journey=journey, answers=ANSWERS, plan=plan, now=utcnow()
        )
        task_ids = [t.id for t in case.tasks]
        s.execute(
            update(cases.Task)
            .where(cases.Task.id == task_ids[0])
            .values(state="ready", due_on=date.today() - timedelta(days=10))
        )
        s.execute(
            update(cases.Task)
            .where(cases.Task.id == task_ids[1])
            .values(state="in_progress", due_on=date.today() + timedelta(days=30))
        )
        assert s.scalar(select(cases.Task.state).where(cases.Task.id == task_ids[0])) == "ready"
    text = client.get("/metrics").text
    assert _sample(text, "hetao_outbox_backlog") == backlog + 1
    assert _sample(text, "hetao_outbox_oldest_pending_age_seconds") >= 0
    assert _sample(text, "hetao_tasks_overdue") == overdue + 1
    assert _sample(text, "hetao_tasks_open", state="in_progress") >= 1


def test_a_token_guards_the_metrics_when_set(seeded_engine, session_factory):
    app = create_app(
        Settings(
            database_url=str(seeded_engine.url),
            outbox_interval=0,
            search_backend="none",
            metrics_token="s3cret",
        ),
        engine=seeded_engine,
    )
    app.state.session_factory = session_factory
    client = TestClient(app)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 200 and "hetao_http_request_duration_seconds" in response.text
