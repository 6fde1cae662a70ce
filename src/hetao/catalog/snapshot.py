"""A per-process snapshot of what service lists filter and sort on, rebuilt when the catalogue changes.

Lists must not load every service with all its texts as ORM objects on every request. The snapshot
holds plain rows (ids, category, channels, flags, department slug, names and descriptions in every
locale, and the folded search text) read with two Core queries; it is keyed by the catalogue's change
token (``catalog_state.token``), so every process sees an edit on its next request. Only the page
being shown is then loaded as ORM objects."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.models import CatalogState, Service, ServiceText
from hetao.core.matching import fold
from hetao.directory.models import Organization

LISTED_FIELDS = ("name", "alternate_name", "description")


@dataclass(frozen=True)
class ServiceRow:
    id: str
    slug: str
    category: str
    status: str
    channels: tuple[str, ...]
    cross_border: bool
    organization_id: str
    department: str
    modified_at: datetime | None
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    folded: str = ""

    def name(self, locale: str) -> str:
        for loc in (locale, "zh-Hant", "zh-Hans", "en"):
            value = self.texts.get(loc, {}).get("name")
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Snapshot:
    token: str
    services: dict[str, ServiceRow]


_lock = threading.Lock()
_cache: dict[str, Snapshot] = {}


def current_token(session: Session) -> str:
    return session.scalar(select(CatalogState.token).where(CatalogState.id == 1)) or ""


def service_snapshot(session: Session) -> Snapshot:
    """The snapshot for the session's database, rebuilt if the catalogue changed since it was taken."""
    token = current_token(session)
    key = str(session.get_bind().engine.url)
    cached = _cache.get(key)
    if cached is not None and cached.token == token and token:
        return cached
    snap = _build(session, token)
    with _lock:
        _cache[key] = snap
    return snap


def _build(session: Session, token: str) -> Snapshot:
    texts: dict[str, dict[str, dict[str, str]]] = {}
    rows = session.execute(
        select(ServiceText.owner_id, ServiceText.locale, ServiceText.field, ServiceText.value).where(
            ServiceText.field.in_(LISTED_FIELDS)
        )
    )
    for owner, locale, fld, value in rows:
        texts.setdefault(owner, {}).setdefault(locale, {})[fld] = value
    services = {}
    query = select(
        Service.id,
        Service.slug,
        Service.category,
        Service.status,
        Service.channels,
        Service.cross_border,
        Service.organization_id,
        Organization.slug,
        Service.modified_at,
    ).join(Organization, Organization.id == Service.organization_id)
    for sid, slug, category, status, channels, cross, org_id, org_slug, modified in session.execute(query):
        own = texts.get(sid, {})
        folded = "\n".join(fold(v) for fields in own.values() for v in fields.values())
        services[sid] = ServiceRow(
            sid,
            slug,
            category,
            status,
            tuple(channels or ()),
            bool(cross),
            org_id,
            org_slug,
            modified,
            own,
            folded,
        )
    return Snapshot(token, services)
