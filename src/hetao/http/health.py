"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database reachable, schema current).

Load balancers and process managers poll them; they take no session, set no cookie and are not in
the OpenAPI document."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hetao.storage.migrate import current_revision, head_revision

log = logging.getLogger(__name__)
router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """Alive: always 200, touches nothing (a failing database must not get the process restarted)."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """Ready: 200 when the database answers and its schema is at the head revision; otherwise 503 with
    the reason (never the driver's message, which may name hosts or users: that goes to the log)."""
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception:
        log.exception("readiness check: the database is not reachable")
        return _unready("database_unreachable", "The database does not answer.")
    head = head_revision(engine)
    if current != head:
        return _unready(
            "migrations_pending",
            "The database schema is not at the current revision: run `hetao db upgrade`.",
            current=current,
            expected=head,
        )
    return JSONResponse({"status": "ok", "database": "ok", "revision": current}, headers=NO_STORE)


def _unready(reason: str, detail: str, **extra: object) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "reason": reason, "detail": detail, **extra},
        status_code=503,
        headers=NO_STORE,
    )
