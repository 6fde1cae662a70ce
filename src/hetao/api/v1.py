"""The JSON API under ``/api/v1``: the same resources and filters as the HTML pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from hetao import catalog, directory
from hetao.api import schemas as s
from hetao.api.language import api_locale
from hetao.core.locales import URL_PREFIX
from hetao.core.pagination import MAX_PER_PAGE
from hetao.http.deps import db_session
from hetao.http.problems import problem_responses
from hetao.http.replica import replica_ok

#: Every route here is a public read of the catalogue or directory: anonymous GETs may read the replica.
router = APIRouter(
    prefix="/api/v1",
    tags=["catalogue and directory"],
    responses=problem_responses(400, 422, 503),
    dependencies=[Depends(replica_ok)],
)


def _text(row, field: str, locale: str) -> str | None:
    value = row.text(field, locale) if row is not None else None
    return value.value if value else None


def _html(locale: str, path: str) -> str:
    return f"/{URL_PREFIX[locale]}{path}"


def _org_ref(org, locale: str) -> s.Ref:
    return s.Ref(
        slug=org.slug,
        name=_text(org, "name", locale),
        url=_html(locale, f"/organizations/{org.slug}"),
        api_url=f"/api/v1/organizations/{org.slug}",
    )


def service_summary(service, locale: str) -> s.ServiceSummary:
    return s.ServiceSummary(
        id=service.id,
        slug=service.slug,
        name=_text(service, "name", locale),
        description=_text(service, "description", locale),
        category=service.category,
        department=_org_ref(service.organization, locale),
        channels=list(service.channels),
        cross_border=service.cross_border,
        url=_html(locale, f"/services/{service.slug}"),
        api_url=f"/api/v1/services/{service.slug}",
    )


def _limit(value) -> s.TimeLimit | None:
    return s.TimeLimit(value=value[0], unit=value[1]) if value else None


@router.get("/categories", response_model=list[s.CategoryRead], summary="The nine service categories")
def list_categories(
    locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    counts = catalog.category_counts(session)
    return [
        s.CategoryRead(
            code=code,
            slug=slug,
            name=catalog.category_name(code, locale),
            summary=catalog.category_summary(code, locale),
            service_count=counts[code],
            url=_html(locale, f"/categories/{slug}"),
        )
        for code, slug in catalog.CATEGORY_SLUGS.items()
    ]


@router.get("/services", response_model=s.ServicePage, summary="Service items, filtered like the HTML lists")
def list_services(
    category: catalog.Category | None = None,
    channel: catalog.Channel | None = None,
    cross_border: bool | None = None,
    department: str | None = Query(None, description="Slug of the department that handles the item"),
    q: str | None = Query(None, max_length=200),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    locale: str = Depends(api_locale),
    session: Session = Depends(db_session, scope="function"),
):
    filters = catalog.ServiceFilter(
        category=category.value if category else None,
        channel=channel.value if channel else None,
        cross_border=cross_border,
        department=department,
        q=q,
    )
    result = catalog.list_services(session, filters=filters, locale=locale, page=page, per_page=per_page)
    return s.ServicePage(
        items=[service_summary(x, locale) for x in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


@router.get(
    "/services/{ref}",
    response_model=s.ServiceRead,
    summary="One service item (by slug or id)",
    responses=problem_responses(404),
)
def get_service(
    ref: str, locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    service = catalog.get_service(session, ref)
    steps = _text(service, "application_process", locale)
    machine = [
        f
        for f in ("name", "description", "eligibility_description", "application_process", "fees_description")
        if (v := service.text(f, locale)) is not None and v.machine
    ]
    return s.ServiceRead(
        **service_summary(service, locale).model_dump(),
        eligibility=_text(service, "eligibility_description", locale),
        steps=[line for line in (steps or "").splitlines() if line.strip()],
        fees=_text(service, "fees_description", locale),
        legal_basis=_text(service, "legal_basis", locale),
        promised_time_limit=_limit(service.time_limit("promised")),
        statutory_time_limit=_limit(service.time_limit("statutory")),
        visits=service.visits,
        item_code=service.item_code,
        documents=[
            s.DocumentRef(
                key=rd.document_type.key if rd.document_type else None,
                name=(label.value if (label := rd.label(locale)) else None),
                url=f"/api/v1/document-types/{rd.document_type.key}" if rd.document_type else None,
            )
            for rd in service.required_documents
        ],
        faqs=[
            s.FaqRead(question=_text(f, "question", locale), answer=_text(f, "answer", locale))
            for f in service.faqs
        ],
        modified_at=service.modified_at,
        machine_converted=machine,
    )


def _doc_read(doc, locale: str, count: int) -> s.DocumentTypeRead:
    return s.DocumentTypeRead(
        key=doc.key,
        name=_text(doc, "name", locale),
        description=_text(doc, "description", locale),
        service_count=count,
        url=_html(locale, f"/documents/{doc.key}"),
        api_url=f"/api/v1/document-types/{doc.key}",
    )


@router.get(
    "/document-types", response_model=list[s.DocumentTypeRead], summary="The shared registry of documents"
)
def list_document_types(
    locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    usage = catalog.document_type_usage(session)
    return [
        _doc_read(d, locale, usage.get(d.id, 0)) for d in catalog.list_document_types(session, locale=locale)
    ]


@router.get(
    "/document-types/{key}",
    response_model=s.DocumentTypeDetail,
    summary="One document type and its items",
    responses=problem_responses(404),
)
def get_document_type(
    key: str, locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    doc = catalog.get_document_type(session, key)
    services = catalog.services_needing(session, doc, locale=locale)
    return s.DocumentTypeDetail(
        **_doc_read(doc, locale, len(services)).model_dump(),
        services=[service_summary(x, locale) for x in services],
    )


def organization_read(org, locale: str) -> s.OrganizationRead:
    place = org.location
    return s.OrganizationRead(
        id=org.id,
        slug=org.slug,
        kind=org.kind,
        name=_text(org, "name", locale),
        description=_text(org, "description", locale),
        tags=list(org.tags or []),
        hk_background=org.hk_background,
        place=s.PlaceRef(
            slug=place.slug,
            name=_text(place, "name", locale),
            url=_html(locale, f"/places/{place.slug}"),
            api_url=f"/api/v1/places/{place.slug}",
        )
        if place
        else None,
        parent=org.parent.slug if org.parent else None,
        url=_html(locale, f"/organizations/{org.slug}"),
        api_url=f"/api/v1/organizations/{org.slug}",
    )


@router.get("/organizations", response_model=s.OrganizationPage, summary="Organisations of the directory")
def list_organizations(
    kind: directory.OrganizationKind | None = None,
    tag: str | None = Query(None, description="Field tag, e.g. ai, biomedicine, chips, robotics"),
    hk_background: bool | None = None,
    q: str | None = Query(None, max_length=200),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=MAX_PER_PAGE),
    locale: str = Depends(api_locale),
    session: Session = Depends(db_session, scope="function"),
):
    filters = directory.OrganizationFilter(
        kind=kind.value if kind else None, tag=tag, hk_background=hk_background, q=q
    )
    result = directory.list_organizations(
        session, filters=filters, locale=locale, page=page, per_page=per_page
    )
    return s.OrganizationPage(
        items=[organization_read(o, locale) for o in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


@router.get(
    "/organizations/{ref}",
    response_model=s.OrganizationRead,
    summary="One organisation",
    responses=problem_responses(404),
)
def get_organization(
    ref: str, locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    return organization_read(directory.get_organization(session, ref), locale)


def place_read(place, locale: str) -> s.PlaceRead:
    return s.PlaceRead(
        id=place.id,
        slug=place.slug,
        kind=place.kind,
        name=_text(place, "name", locale),
        description=_text(place, "description", locale),
        latitude=place.latitude,
        longitude=place.longitude,
        map=s.MapBox(x=place.map_x, y=place.map_y, width=place.map_width, height=place.map_height)
        if place.map_x is not None
        else None,
        url=_html(locale, f"/places/{place.slug}"),
        api_url=f"/api/v1/places/{place.slug}",
    )


@router.get("/places", response_model=list[s.PlaceRead], summary="Places of the park (buildings, ports)")
def list_places(locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")):
    return [place_read(p, locale) for p in directory.list_places(session, locale=locale)]


@router.get(
    "/places/{ref}",
    response_model=s.PlaceDetail,
    summary="One place and who is there",
    responses=problem_responses(404),
)
def get_place(
    ref: str, locale: str = Depends(api_locale), session: Session = Depends(db_session, scope="function")
):
    place = directory.get_place(session, ref)
    orgs = directory.organizations_at(session, place, locale=locale)
    return s.PlaceDetail(
        **place_read(place, locale).model_dump(), organizations=[organization_read(o, locale) for o in orgs]
    )
