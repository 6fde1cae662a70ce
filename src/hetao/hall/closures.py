"""The hall's own closed days (beyond the public calendars): the whole hall, or one counter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.errors import NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.hall.appointment_models import Closure
from hetao.hall.models import Counter
from hetao.hall.slots import local_today


def list_closures(session: Session, *, since: date | None = None) -> list[Closure]:
    query = select(Closure).order_by(Closure.day, Closure.counter_id)
    if since is not None:
        query = query.where(Closure.day >= since)
    return list(session.scalars(query))


def add_closure(
    session: Session,
    principal: Principal,
    *,
    day: date | None,
    counter_id: str | None,
    reasons: dict[str, str],
    now: datetime,
) -> Closure:
    """Close the hall (``counter_id`` None) or one counter on ``day``. Appointments already booked
    that day are kept: the hall contacts those people (the officers' day list shows them)."""
    principal.require_admin()
    problems = []
    if day is None:
        problems.append(Problem("day", N_("Enter the date as YYYY-MM-DD.")))
    elif day < local_today(now):
        problems.append(Problem("day", N_("That day has passed. Enter today or a later day.")))
    if counter_id and session.get(Counter, counter_id) is None:
        problems.append(Problem("counter", N_("Choose a counter from the list.")))
    clean = {loc: (reasons.get(loc) or "").strip()[:200] for loc in LOCALES}
    clean = {loc: text for loc, text in clean.items() if text}
    if not clean:
        problems.append(Problem("reason-en", N_("Give the reason in at least one language.")))
    if not problems and day is not None:
        duplicate = session.scalar(
            select(Closure.id).where(
                Closure.day == day,
                Closure.counter_id.is_(None) if not counter_id else Closure.counter_id == counter_id,
            )
        )
        if duplicate:
            problems.append(
                Problem("day", N_("That day is already closed for that counter or the whole hall."))
            )
    if problems:
        raise ValidationFailed(problems)
    closure = Closure(day=day, counter_id=counter_id or None, reasons=clean, created_at=now)
    session.add(closure)
    session.flush()
    return closure


def remove_closure(session: Session, principal: Principal, closure_id: str) -> None:
    principal.require_admin()
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise NotFound()
    session.delete(closure)
    session.flush()
