"""Read verbs of the directory."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.core.errors import NotFound
from hetao.core.i18n import N_
from hetao.core.pagination import Page, paginate
from hetao.core.texts import by_name
from hetao.directory.filters import OrganizationFilter
from hetao.directory.models import Location, Organization


def list_organizations(
    session: Session, *, filters: OrganizationFilter, locale: str, page: int = 1, per_page: int = 100
) -> Page[Organization]:
    filters.validate()
    rows = [o for o in session.scalars(select(Organization)).unique() if filters.accepts(o)]
    rows.sort(key=by_name(locale))
    return paginate(rows, page, per_page)


def get_organization(session: Session, ref: str) -> Organization:
    org = session.scalar(select(Organization).where((Organization.slug == ref) | (Organization.id == ref)))
    if org is None:
        raise NotFound(
            N_("No organisation is called %(ref)s."), code="directory.organization_not_found", ref=ref
        )
    return org


def list_children(session: Session, org: Organization, *, locale: str) -> list[Organization]:
    rows = list(session.scalars(select(Organization).where(Organization.parent_id == org.id)).unique())
    rows.sort(key=by_name(locale))
    return rows


def list_places(session: Session, *, locale: str) -> list[Location]:
    rows = list(session.scalars(select(Location)))
    rows.sort(key=by_name(locale))
    return rows


def get_place(session: Session, ref: str) -> Location:
    place = session.scalar(select(Location).where((Location.slug == ref) | (Location.id == ref)))
    if place is None:
        raise NotFound(N_("No place is called %(ref)s."), code="directory.place_not_found", ref=ref)
    return place


def organizations_at(session: Session, place: Location, *, locale: str) -> list[Organization]:
    rows = list(session.scalars(select(Organization).where(Organization.location_id == place.id)).unique())
    rows.sort(key=by_name(locale))
    return rows


def kind_counts(session: Session) -> Counter:
    return Counter(session.scalars(select(Organization.kind)))
