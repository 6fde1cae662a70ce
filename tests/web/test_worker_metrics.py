"""``/metrics`` shows the background job backlog read from the database at scrape time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from hetao import jobs
from hetao.app import create_app
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from tests.web.test_metrics import _sample


@pytest.fixture
def light_app(seeded_engine, session_factory):
    app = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, search_backend="none"),
        engine=seeded_engine,
    )
    app.state.session_factory = session_factory
    return app


def test_job_gauges_follow_the_queue(light_app, session_factory):
    client = TestClient(light_app)
    before = client.get("/metrics").text
    with session_factory() as session, session.begin():
        jobs.enqueue_job(session, "test.metrics", {}, run_at=utcnow() - timedelta(minutes=10))
        jobs.enqueue_job(session, "test.metrics", {}, run_at=utcnow() + timedelta(days=1))
    text = client.get("/metrics").text
    assert _sample(text, "hetao_jobs", state="due") == _sample(before, "hetao_jobs", state="due") + 1
    assert (
        _sample(text, "hetao_jobs", state="scheduled") == _sample(before, "hetao_jobs", state="scheduled") + 1
    )
    assert _sample(text, "hetao_jobs_oldest_due_age_seconds") >= 600
