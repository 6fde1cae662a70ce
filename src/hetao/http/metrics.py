"""Prometheus metrics: request latency by route template, search latency, and gauges computed from the
database when ``/metrics`` is scraped (outbox backlog, open and overdue tasks, job backlog).

Labels are route *templates* (``/{lp}/services/{slug}``), never raw paths, so the number of series is
bounded by the number of routes. With several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` (see
docs/operations.md): each process then writes its samples there and any of them serves the sum."""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from hetao.cases import Task, local_today
from hetao.cases.clock import OPEN_STATES
from hetao.core.db import utcnow
from hetao.jobs import job_counts
from hetao.notify import OutboxMessage
from hetao.notify.outbox import MAX_ATTEMPTS

log = logging.getLogger(__name__)
router = APIRouter()

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_LATENCY = Histogram(
    "hetao_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status code.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
SEARCH_LATENCY = Histogram(
    "hetao_search_duration_seconds",
    "Time to rank a search question and build its answers, by channel (page or api).",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
UNMATCHED = "<unmatched>"


def route_label(scope: dict) -> str:
    """The template of the route that served ``scope`` (after routing), or ``<unmatched>``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route=route, method=method, status=str(status)).observe(seconds)


@contextmanager
def observe_search(channel: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        SEARCH_LATENCY.labels(channel=channel).observe(time.perf_counter() - start)


class DatabaseCollector:
    """Gauges read from the database at scrape time (a few indexed counts). Registered on a registry
    of its own per scrape, so with several processes the figures are counted once."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def collect(self):
        up = GaugeMetricFamily("hetao_database_up", "1 when the scrape could read the database.")
        try:
            families = list(self._families())
        except Exception:
            log.exception("metrics: the database could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self):
        now = utcnow()
        with self.session_factory() as session:
            pending = OutboxMessage.sent_at.is_(None)
            backlog, oldest = session.execute(
                select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
                    pending, OutboxMessage.attempts < MAX_ATTEMPTS
                )
            ).one()
            failed = session.scalar(
                select(func.count(OutboxMessage.id)).where(pending, OutboxMessage.attempts >= MAX_ATTEMPTS)
            )
            by_state = dict(
                session.execute(
                    select(Task.state, func.count(Task.id))
                    .where(Task.state.in_(OPEN_STATES))
                    .group_by(Task.state)
                ).all()
            )
            overdue = session.scalar(
                select(func.count(Task.id)).where(
                    Task.state.in_(("ready", "in_progress")), Task.due_on < local_today(now)
                )
            )
            job_backlog = job_counts(session, now=now)
        g = GaugeMetricFamily("hetao_outbox_backlog", "E-mail messages waiting for delivery.")
        g.add_metric([], backlog or 0)
        yield g
        g = GaugeMetricFamily(
            "hetao_outbox_oldest_pending_age_seconds", "Age of the oldest message waiting (0: none)."
        )
        g.add_metric([], _age(now, oldest))
        yield g
        g = GaugeMetricFamily("hetao_outbox_failed", "Messages given up after the last attempt.")
        g.add_metric([], failed or 0)
        yield g
        g = GaugeMetricFamily(
            "hetao_tasks_open", "Open case tasks by state (officers' queues).", labels=["state"]
        )
        for state in OPEN_STATES:
            g.add_metric([state], by_state.get(state, 0))
        yield g
        g = GaugeMetricFamily("hetao_tasks_overdue", "Tasks ready or in progress past their due date.")
        g.add_metric([], overdue or 0)
        yield g
        g = GaugeMetricFamily(
            "hetao_jobs",
            "Background jobs: due (waiting for a worker), running, scheduled for later, failed.",
            labels=["state"],
        )
        for state in ("due", "running", "scheduled", "failed"):
            g.add_metric([state], getattr(job_backlog, state))
        yield g
        g = GaugeMetricFamily(
            "hetao_jobs_oldest_due_age_seconds", "How long the oldest due job has waited (0: none)."
        )
        wait = job_backlog.oldest_due_wait
        g.add_metric([], 0.0 if wait is None else max(0.0, wait.total_seconds()))
        yield g


def _age(now, then) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:
        now = now.replace(tzinfo=None)
    return max(0.0, (now - then).total_seconds())


def _authorised(request: Request) -> bool:
    token = request.app.state.settings.metrics_token
    if not token:
        return True
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    if not _authorised(request):
        return JSONResponse(
            {"status": 401, "detail": "A bearer token is required."},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(request.app.state.session_factory))
    body = generate_latest(registry) + generate_latest(database)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
