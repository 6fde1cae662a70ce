"""FastAPI dependencies shared by the HTML pages and the APIs."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from hetao.storage.database import unit_of_work


def db_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: one transaction, committed on success, rolled back on error."""
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with unit_of_work(request.app.state.session_factory, write=write) as session:
        yield session
