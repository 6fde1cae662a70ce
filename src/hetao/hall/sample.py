"""Illustrative sample content of the hall, loaded into an empty hall by `hetao serve` and the tests."""

from __future__ import annotations

from importlib.resources import files

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hetao.directory.models import Organization
from hetao.hall.appointment_models import Closure
from hetao.hall.models import Counter

#: The hall's standard opening hours (ISO weekday → periods): weekdays 09:00–12:00 and 13:30–17:30.
STANDARD_HOURS = {str(d): [["09:00", "12:00"], ["13:30", "17:30"]] for d in range(1, 6)}


def _data(name: str):
    return yaml.safe_load(files("hetao.hall").joinpath("data", name).read_text(encoding="utf-8"))


def hall_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Counter))


def load_counters(session: Session) -> int:
    departments = dict(session.execute(select(Organization.slug, Organization.id)).all())
    entries = _data("counters.yaml")
    for position, entry in enumerate(entries):
        session.add(
            Counter(
                code=entry["code"],
                names=entry["names"],
                categories=entry.get("categories", []),
                department_id=departments.get(entry.get("department")),
                hours=entry.get("hours", STANDARD_HOURS),
                capacity=entry.get("capacity", 1),
                calendars=entry.get("calendars", ["mainland"]),
                position=position,
            )
        )
    session.flush()
    return len(entries)


def load_closures(session: Session) -> int:
    counters = dict(session.execute(select(Counter.code, Counter.id)).all())
    entries = _data("closures.yaml")
    for entry in entries:
        session.add(
            Closure(day=entry["day"], counter_id=counters.get(entry.get("counter")), reasons=entry["reasons"])
        )
    session.flush()
    return len(entries)


#: Loaders of each part of the hall's sample content, run in order on an empty hall.
SAMPLE_LOADERS = [("counters", load_counters), ("closures", load_closures)]


def load_hall_sample(session: Session) -> dict[str, int]:
    """Load the hall's illustrative sample content if the hall is empty; returns counts per part."""
    if not hall_is_empty(session):
        return {}
    return {name: loader(session) for name, loader in SAMPLE_LOADERS}
