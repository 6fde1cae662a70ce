"""FastAPI dependencies shared by the HTML pages and the APIs."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hetao import journeys
from hetao.http.replica import session_factory_for
from hetao.storage.database import unit_of_work


def db_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: one transaction, committed on success, rolled back on error. On
    the primary database, or on the read replica for the anonymous reads of routes that declare
    ``replica_ok`` (see :mod:`hetao.http.replica`)."""
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with unit_of_work(session_factory_for(request), write=write) as session:
        yield session


def fresh_journeys(session: Session = Depends(db_session, scope="function")) -> None:
    """Journeys in use = shipped files overlaid by administrators' latest revisions (reloaded when a
    newer revision is in the database)."""
    journeys.refresh(session)
