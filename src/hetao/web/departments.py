"""Department names for pages that show roles and queues."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hetao import directory


def departments(session: Session, locale: str) -> list[tuple[str, str]]:
    """(id, name) of every department in the directory, sorted by name in ``locale``."""
    page = directory.list_organizations(
        session, filters=directory.OrganizationFilter(kind="department"), locale=locale, per_page=500
    )
    return [(org.id, org.text("name", locale).value) for org in page.items]


def department_names(session: Session, locale: str) -> dict[str, str]:
    return dict(departments(session, locale))
