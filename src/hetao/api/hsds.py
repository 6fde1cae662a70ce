"""The Open Referral HSDS 3.1 read API at ``/api/hsds/`` (with the Hetao profile).

Required endpoints ``/``, ``/services``, ``/services/{id}``; optional ``/organizations``,
``/taxonomies``, ``/taxonomy_terms``, ``/service_at_locations``. Lists use the HSDS ``Page``
envelope; ``format=ndjson`` streams one object per line instead."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao import __version__
from hetao.catalog import PROFILE_URI
from hetao.catalog.hsds_export import (
    serialize_organization,
    serialize_service,
    serialize_service_at_location,
    serialize_taxonomy,
    serialize_taxonomy_term,
    service_attributes,
)
from hetao.catalog.models import Attribute, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from hetao.catalog.snapshot import service_snapshot
from hetao.core.errors import NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES, normalise_locale
from hetao.core.matching import matches, matches_folded
from hetao.core.pagination import MAX_PER_PAGE, paginate
from hetao.directory.models import Organization
from hetao.http.deps import db_session
from hetao.http.problems import problem_responses
from hetao.http.replica import replica_ok

#: Every route here is a public read of the catalogue or directory: anonymous GETs may read the replica.
router = APIRouter(
    prefix="/api/hsds",
    tags=["HSDS 3.1 open data"],
    responses=problem_responses(400, 422, 503),
    dependencies=[Depends(replica_ok)],
)


def hsds_language(
    request: Request, lang: str | None = Query(None, description="Base language of the objects")
) -> str:
    locale = normalise_locale(lang) or (
        normalise_locale((request.headers.get("accept-language") or "").split(",")[0].split(";")[0])
        or LOCALES[0]
    )
    request.state.locale = locale
    return locale


def _parse_modified_after(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationFailed(
            [Problem("modified_after", N_("Give a date or date-time in ISO 8601 form, e.g. 2026-01-31."))]
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _page(
    rows: list[Any],
    serialize: Callable[[list[Any]], list[dict[str, Any]]],
    page: int,
    per_page: int,
    fmt: str | None,
    locale: str,
) -> Response:
    """The HSDS Page envelope of ``rows`` (only the page's rows are serialised), or all as ndjson."""
    headers = {"Content-Language": locale}
    if fmt == "ndjson":
        body = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in serialize(rows))
        return Response(body, media_type="application/x-ndjson", headers=headers)
    p = paginate(rows, page, per_page)
    p = type(p)(serialize(p.items), p.total, p.page, p.per_page)
    return JSONResponse(
        {
            "total_items": p.total,
            "total_pages": p.pages,
            "page_number": p.page,
            "size": len(p.items),
            "first_page": p.page == 1,
            "last_page": p.page >= p.pages,
            "empty": not p.items,
            "contents": p.items,
        },
        headers=headers,
    )


def _text_matches(row, search: str | None) -> bool:
    return not search or matches(search, [r.value for r in row.texts])


Format = Query(None, pattern="^(json|ndjson)$", description="ndjson: one object per line, no paging")
PageQ = Query(1, ge=1)
PerPage = Query(50, ge=1, le=MAX_PER_PAGE)
SearchQ = Query(None, max_length=200)
#: Lists answer with a JSON Page, or with one JSON object per line when ``format=ndjson``.
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An HSDS Page (JSON), or one object per line with format=ndjson",
        "content": {"application/json": {}, "application/x-ndjson": {"schema": {"type": "string"}}},
    }
}


@router.get("/", summary="About this HSDS API")
def root(request: Request):
    base = str(request.base_url).rstrip("/")
    return {
        "version": "3.1",
        "profile": PROFILE_URI,
        "openapi_url": f"{base}/openapi.json",
        "software": f"Hetao One-Stop {__version__}",
        "languages": list(LOCALES),
        "illustrative": True,
    }


@router.get("/services", summary="Services (HSDS Page)", responses=LIST_RESPONSES)
def list_services(
    page: int = PageQ,
    per_page: int = PerPage,
    search: str | None = SearchQ,
    organization_id: str | None = None,
    taxonomy_term_id: str | None = None,
    modified_after: str | None = None,
    format: str | None = Format,  # noqa: A002
    locale: str = Depends(hsds_language),
    session: Session = Depends(db_session, scope="function"),
):
    after = _parse_modified_after(modified_after)
    # Filter on the per-process snapshot (ids, organisation, dates, folded names and descriptions);
    # only the requested page is loaded and serialised.
    linked: set[str] | None = None
    if taxonomy_term_id:
        linked = set(
            session.scalars(
                select(Attribute.link_id).where(
                    Attribute.link_entity == "service", Attribute.taxonomy_term_id == taxonomy_term_id
                )
            )
        )
    rows = sorted(
        r.id
        for r in service_snapshot(session).services.values()
        if (not organization_id or r.organization_id == organization_id)
        and (linked is None or r.id in linked)
        and (not search or matches_folded(search, r.folded))
        and (after is None or (r.modified_at is not None and _aware(r.modified_at) > after))
    )

    def serialize_all(ids: list[str]) -> list[dict[str, Any]]:
        found = {x.id: x for x in session.scalars(select(Service).where(Service.id.in_(ids))).unique()}
        services = [found[i] for i in ids if i in found]
        attrs = service_attributes(session, ids)
        return [serialize_service(x, locale, attrs.get(x.id, [])) for x in services]

    return _page(rows, serialize_all, page, per_page, format, locale)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@router.get("/services/{id}", summary="One service", responses=problem_responses(404))
def get_service(
    id: str, locale: str = Depends(hsds_language), session: Session = Depends(db_session, scope="function")
):  # noqa: A002
    service = session.get(Service, id)
    if service is None:
        raise NotFound(N_("No service has the id %(ref)s."), code="hsds.service_not_found", ref=id)
    attrs = service_attributes(session, [service.id])
    return JSONResponse(
        serialize_service(service, locale, attrs.get(service.id, [])), headers={"Content-Language": locale}
    )


@router.get("/organizations", summary="Organizations (HSDS Page)", responses=LIST_RESPONSES)
def list_organizations(
    page: int = PageQ,
    per_page: int = PerPage,
    search: str | None = SearchQ,
    format: str | None = Format,  # noqa: A002
    locale: str = Depends(hsds_language),
    session: Session = Depends(db_session, scope="function"),
):
    rows = [
        o
        for o in session.scalars(select(Organization).order_by(Organization.id)).unique()
        if _text_matches(o, search)
    ]
    return _page(
        rows, lambda xs: [serialize_organization(x, locale) for x in xs], page, per_page, format, locale
    )


@router.get("/organizations/{id}", summary="One organization", responses=problem_responses(404))
def get_organization(
    id: str, locale: str = Depends(hsds_language), session: Session = Depends(db_session, scope="function")
):  # noqa: A002
    org = session.get(Organization, id)
    if org is None:
        raise NotFound(N_("No organisation has the id %(ref)s."), code="hsds.organization_not_found", ref=id)
    return JSONResponse(serialize_organization(org, locale), headers={"Content-Language": locale})


@router.get("/taxonomies", summary="Taxonomies (HSDS Page)", responses=LIST_RESPONSES)
def list_taxonomies(
    page: int = PageQ,
    per_page: int = PerPage,
    search: str | None = SearchQ,
    format: str | None = Format,  # noqa: A002
    locale: str = Depends(hsds_language),
    session: Session = Depends(db_session, scope="function"),
):
    rows = [t for t in session.scalars(select(Taxonomy).order_by(Taxonomy.id)) if _text_matches(t, search)]
    return _page(rows, lambda xs: [serialize_taxonomy(x, locale) for x in xs], page, per_page, format, locale)


@router.get("/taxonomies/{id}", summary="One taxonomy", responses=problem_responses(404))
def get_taxonomy(
    id: str, locale: str = Depends(hsds_language), session: Session = Depends(db_session, scope="function")
):  # noqa: A002
    row = session.get(Taxonomy, id)
    if row is None:
        raise NotFound(N_("No taxonomy has the id %(ref)s."), code="hsds.taxonomy_not_found", ref=id)
    return JSONResponse(serialize_taxonomy(row, locale), headers={"Content-Language": locale})


@router.get("/taxonomy_terms", summary="Taxonomy terms (HSDS Page)", responses=LIST_RESPONSES)
def list_taxonomy_terms(
    page: int = PageQ,
    per_page: int = PerPage,
    search: str | None = SearchQ,
    taxonomy_id: str | None = None,
    format: str | None = Format,  # noqa: A002
    locale: str = Depends(hsds_language),
    session: Session = Depends(db_session, scope="function"),
):
    stmt = select(TaxonomyTerm).order_by(TaxonomyTerm.id)
    if taxonomy_id:
        stmt = stmt.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
    rows = [t for t in session.scalars(stmt) if _text_matches(t, search)]
    return _page(
        rows, lambda xs: [serialize_taxonomy_term(x, locale) for x in xs], page, per_page, format, locale
    )


@router.get("/taxonomy_terms/{id}", summary="One taxonomy term", responses=problem_responses(404))
def get_taxonomy_term(
    id: str, locale: str = Depends(hsds_language), session: Session = Depends(db_session, scope="function")
):  # noqa: A002
    row = session.get(TaxonomyTerm, id)
    if row is None:
        raise NotFound(
            N_("No taxonomy term has the id %(ref)s."), code="hsds.taxonomy_term_not_found", ref=id
        )
    return JSONResponse(serialize_taxonomy_term(row, locale), headers={"Content-Language": locale})


@router.get("/service_at_locations", summary="Services at locations (HSDS Page)", responses=LIST_RESPONSES)
def list_service_at_locations(
    page: int = PageQ,
    per_page: int = PerPage,
    organization_id: str | None = None,
    format: str | None = Format,  # noqa: A002
    locale: str = Depends(hsds_language),
    session: Session = Depends(db_session, scope="function"),
):
    stmt = select(ServiceAtLocation).order_by(ServiceAtLocation.id)
    if organization_id:
        stmt = stmt.join(Service, Service.id == ServiceAtLocation.service_id).where(
            Service.organization_id == organization_id
        )
    rows = list(session.scalars(stmt).unique())
    return _page(
        rows,
        lambda xs: [serialize_service_at_location(x, locale) for x in xs],
        page,
        per_page,
        format,
        locale,
    )


@router.get(
    "/service_at_locations/{id}", summary="One service at a location", responses=problem_responses(404)
)
def get_service_at_location(
    id: str, locale: str = Depends(hsds_language), session: Session = Depends(db_session, scope="function")
):  # noqa: A002
    row = session.get(ServiceAtLocation, id)
    if row is None:
        raise NotFound(
            N_("No service-at-location has the id %(ref)s."),
            code="hsds.service_at_location_not_found",
            ref=id,
        )
    return JSONResponse(serialize_service_at_location(row, locale), headers={"Content-Language": locale})
