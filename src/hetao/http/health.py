"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database reachable, schema current).

With a read replica, ``/readyz`` also reports it (``"replica": "ok"`` or ``"unreachable"``) but stays
200 when only the replica is down: the primary then serves its reads
(:mod:`hetao.http.replica`), so the process can still serve everything.

Load balancers and process managers poll them; they take no session, set no cookie and are not in
the OpenAPI document."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hetao.storage.database import Replica
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
    replica = _replica_report(getattr(request.app.state, "replica", None))
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception:
        log.exception("readiness check: the database is not reachable")
        return _unready("database_unreachable", "The database does not answer.", **replica)
    head = head_revision(engine)
    if current != head:
        return _unready(
            "migrations_pending",
            "The database schema is not at the current revision: run `hetao db upgrade`.",
            current=current,
            expected=head,
            **replica,
        )
    return JSONResponse({"status": "ok", "database": "ok", "revision": current, **replica}, headers=NO_STORE)


def _replica_report(replica: Replica | None) -> dict[str, str]:
    """``{"replica": "ok" | "unreachable"}``, or nothing without a replica. A replica that failed
    lately (resting) is reported unreachable without being asked again, so a replica host that no
    longer answers costs the check at most one connection timeout per rest period; one that fails
    here is put to rest as when a request finds it down."""
    if replica is None:
        return {}
    if replica.usable():
        try:
            with replica.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return {"replica": "ok"}
        except Exception:
            replica.failed()
            log.exception("readiness check: the read replica is not reachable (the primary serves its reads)")
    else:
        log.warning("readiness check: the read replica failed lately (the primary serves its reads)")
    return {"replica": "unreachable"}


def _unready(reason: str, detail: str, **extra: object) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "reason": reason, "detail": detail, **extra},
        status_code=503,
        headers=NO_STORE,
    )
