"""Illustrative sample content of the hall, loaded into an empty hall by `hetao serve` and the tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.resources import files

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hetao.core.db import utcnow
from hetao.directory.models import Organization
from hetao.hall.appointment_models import Closure
from hetao.hall.info_models import TOPICS, InfoPage
from hetao.hall.localtime import at, local_today
from hetao.hall.models import Counter
from hetao.hall.room_event_models import Event, Room

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


def load_rooms(session: Session) -> int:
    entries = _data("rooms.yaml")
    for position, entry in enumerate(entries):
        session.add(Room(**entry, position=position))
    session.flush()
    return len(entries)


def _clock(value: str):
    return datetime.strptime(value, "%H:%M").time()


def load_events(session: Session, *, now: datetime | None = None) -> int:
    """Sample events dated ``in_days`` after the day of loading, so they stay upcoming."""
    today = local_today(now or utcnow())
    entries = _data("events.yaml")
    for entry in entries:
        entry = dict(entry)
        day = today + timedelta(days=entry.pop("in_days"))
        starts, ends = _clock(entry.pop("starts")), _clock(entry.pop("ends"))
        stamp = now or utcnow()
        session.add(
            Event(
                **entry, starts_at=at(day, starts), ends_at=at(day, ends), created_at=stamp, updated_at=stamp
            )
        )
    session.flush()
    return len(entries)


def load_info_pages(session: Session) -> int:
    """The illustrative information pages (published), in the order of the file."""
    entries = _data("info_pages.yaml")
    for position, entry in enumerate(entries):
        if entry["topic"] not in TOPICS:
            raise ValueError(f"info_pages.yaml: {entry['slug']}: unknown topic {entry['topic']!r}")
        session.add(
            InfoPage(
                slug=entry["slug"],
                topic=entry["topic"],
                titles=entry["titles"],
                bodies={k: v.strip() for k, v in entry["bodies"].items()},
                published=entry.get("published", True),
                position=position,
                version=1,
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


#: Each part of the hall's sample content: its name, the model whose empty table it fills, its loader.
SAMPLE_LOADERS = [
    ("counters", Counter, load_counters),
    ("closures", Closure, load_closures),
    ("rooms", Room, load_rooms),
    ("events", Event, load_events),
    ("info_pages", InfoPage, load_info_pages),
]


def load_hall_sample(session: Session) -> dict[str, int]:
    """Load each part of the hall's illustrative sample content whose table is empty (so a database
    that gained a new part of the hall in a migration gets that part's sample too); returns counts
    per part loaded."""
    loaded = {}
    for name, model, loader in SAMPLE_LOADERS:
        if not session.scalar(select(func.count()).select_from(model)):
            loaded[name] = loader(session)
    return loaded
