"""Journeys edited by administrators in the site: each save is a new revision (the shipped file stays
as the first version). The journeys in use are the shipped ones overlaid by the latest revision of
each, cached per process and reloaded when a newer revision appears (the database decides, so every
app process sees an edit on its next request)."""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import datetime

import yaml
from sqlalchemy import DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hetao.core.db import Base
from hetao.core.errors import NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.journeys.loader import data_dir, load_fields, load_journeys, parse_journey
from hetao.journeys.model import Journey

MAX_SOURCE = 200_000


class JourneyRevision(Base):
    """One saved version of a journey's YAML."""

    __tablename__ = "journey_revisions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


_lock = threading.Lock()
_cache: dict[str, object] = {"token": None, "journeys": {}}


def overrides() -> dict[str, Journey]:
    """The latest revision of each edited journey, as last loaded by :func:`refresh`."""
    return _cache["journeys"]  # type: ignore[return-value]


def reset_cache() -> None:
    with _lock:
        _cache.update(token=None, journeys={})


def refresh(session: Session) -> None:
    """Reload the edited journeys when the database holds a revision this process has not seen."""
    token = session.scalar(select(func.max(JourneyRevision.id)))
    if token == _cache["token"]:
        return
    latest = select(func.max(JourneyRevision.id)).group_by(JourneyRevision.slug)
    rows = session.scalars(select(JourneyRevision).where(JourneyRevision.id.in_(latest))).all()
    fields = load_fields()
    loaded = {
        row.slug: parse_journey(yaml.safe_load(row.source), source=f"{row.slug}.yaml", fields=fields)
        for row in rows
    }
    with _lock:
        _cache.update(token=token, journeys=loaded)


def source_of(session: Session, slug: str) -> str:
    """The YAML in use for ``slug``: its latest revision, else the shipped file."""
    if slug not in load_journeys():
        raise NotFound(N_("No journey is called %(ref)s."), code="journeys.journey_not_found", ref=slug)
    row = session.scalar(
        select(JourneyRevision)
        .where(JourneyRevision.slug == slug)
        .order_by(JourneyRevision.id.desc())
        .limit(1)
    )
    if row is not None:
        return row.source
    return data_dir().joinpath(f"{slug}.yaml").read_text(encoding="utf-8")


def history(session: Session, slug: str) -> list[JourneyRevision]:
    return list(
        session.scalars(
            select(JourneyRevision).where(JourneyRevision.slug == slug).order_by(JourneyRevision.id.desc())
        )
    )


def save_revision(
    session: Session,
    *,
    slug: str,
    source: str,
    author_id: str | None,
    catalog_keys: Collection[str],
    now: datetime,
) -> Journey:
    """Check ``source`` as the loader checks shipped journeys (rules, questions, items against the
    catalogue) and store it as the newest revision; ValidationFailed lists every problem."""
    if slug not in load_journeys():
        raise NotFound(N_("No journey is called %(ref)s."), code="journeys.journey_not_found", ref=slug)
    if len(source) > MAX_SOURCE:
        raise ValidationFailed(
            [Problem("source", N_("Enter at most %(maximum)s characters."), {"maximum": MAX_SOURCE})]
        )
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise ValidationFailed(
            [Problem("source", N_("This is not valid YAML: %(reason)s"), {"reason": str(exc)[:300]})]
        ) from None
    journey = parse_journey(data, source=f"{slug}.yaml", fields=load_fields(), catalog_keys=catalog_keys)
    if journey.slug != slug:
        raise ValidationFailed([Problem("source", N_("Keep the slug %(slug)s."), {"slug": slug})])
    session.add(JourneyRevision(slug=slug, source=source, author_id=author_id, created_at=now))
    session.flush()
    return journey
