"""Read verbs of the catalogue (the write path is the HSDS importer)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from hetao.catalog.filters import ServiceFilter
from hetao.catalog.models import CatalogState, Category, DocumentType, RequiredDocument, Service
from hetao.catalog.snapshot import service_snapshot
from hetao.core.errors import NotFound
from hetao.core.i18n import N_
from hetao.core.pagination import Page, paginate
from hetao.core.texts import by_name


def list_services(
    session: Session, *, filters: ServiceFilter, locale: str, page: int = 1, per_page: int = 50
) -> Page[Service]:
    """Active services accepted by ``filters``, sorted by name in ``locale``; only the page is loaded."""
    filters.validate()
    snap = service_snapshot(session)
    rows = [r for r in snap.services.values() if r.status == "active" and filters.accepts(r)]
    rows.sort(key=lambda r: (r.name(locale), r.id))
    ids = paginate(rows, page, per_page)
    return Page(load_services(session, [r.id for r in ids.items]), ids.total, ids.page, ids.per_page)


def load_services(session: Session, ids: list[str]) -> list[Service]:
    """The services with these ids, as ORM objects, in the order given."""
    if not ids:
        return []
    # Lists show names, descriptions and departments: documents and FAQs load only if touched.
    stmt = select(Service).where(Service.id.in_(ids))
    stmt = stmt.options(lazyload(Service.required_documents), lazyload(Service.faqs))
    found = {s.id: s for s in session.scalars(stmt).unique()}
    return [found[i] for i in ids if i in found]


def get_service(session: Session, ref: str) -> Service:
    """A service by slug or id; raises NotFound."""
    service = session.scalar(select(Service).where((Service.slug == ref) | (Service.id == ref)))
    if service is None:
        raise NotFound(N_("No service item is called %(ref)s."), code="catalog.service_not_found", ref=ref)
    return service


def find_service(session: Session, ref: str) -> Service | None:
    try:
        return get_service(session, ref)
    except NotFound:
        return None


def category_counts(session: Session) -> dict[str, int]:
    counts = Counter(session.scalars(select(Service.category).where(Service.status == "active")))
    return {c.value: counts.get(c.value, 0) for c in Category}


def list_document_types(session: Session, *, locale: str) -> list[DocumentType]:
    rows = list(session.scalars(select(DocumentType)))
    rows.sort(key=by_name(locale))
    return rows


def get_document_type(session: Session, key: str) -> DocumentType:
    doc = session.scalar(select(DocumentType).where((DocumentType.key == key) | (DocumentType.id == key)))
    if doc is None:
        raise NotFound(
            N_("No document type is called %(ref)s."), code="catalog.document_type_not_found", ref=key
        )
    return doc


def services_needing(session: Session, document_type: DocumentType, *, locale: str) -> list[Service]:
    stmt = (
        select(Service)
        .join(RequiredDocument, RequiredDocument.service_id == Service.id)
        .where(RequiredDocument.document_type_id == document_type.id, Service.status == "active")
    )
    rows = list(session.scalars(stmt).unique())
    rows.sort(key=by_name(locale))
    return rows


def document_type_usage(session: Session) -> Counter:
    return Counter(session.scalars(select(RequiredDocument.document_type_id)))


def catalog_version(session: Session) -> int:
    state = session.get(CatalogState, 1)
    return state.version if state else 0
