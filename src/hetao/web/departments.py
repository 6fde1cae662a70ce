"""Department names for pages that show roles and queues."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao import directory
from hetao.core.texts import by_name


def departments(session: Session, locale: str) -> list[tuple[str, str]]:
    """(id, name) of every department in the directory, sorted by name in ``locale``."""
    rows = list(
        session.scalars(select(directory.Organization).where(directory.Organization.kind == "department"))
    )
    rows.sort(key=by_name(locale))
    return [(org.id, org.text("name", locale).value) for org in rows]


def department_names(session: Session, locale: str) -> dict[str, str]:
    return dict(departments(session, locale))
