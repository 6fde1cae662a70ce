"""HTML pages of the catalogue: home, service lists, categories, service items, document types."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from hetao import catalog
from hetao.core.errors import NotFound
from hetao.http.page_cache import shared_page
from hetao.http.replica import replica_ok
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context, parse_bool, parse_page
from hetao.web.templating import render

router = APIRouter()

THEMES = ("comprehensive", "exhibition", "negotiation", "leisure")
PER_PAGE = 30


def _categories(session: Session, ctx: PageContext) -> list[dict]:
    counts = catalog.category_counts(session)
    return [
        {
            "code": code,
            "slug": catalog.CATEGORY_SLUGS[code],
            "name": catalog.category_name(code, ctx.locale),
            "summary": catalog.category_summary(code, ctx.locale),
            "count": counts[code],
        }
        for code in catalog.CATEGORY_SLUGS
    ]


@router.get("/{lp}/", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)])
def home(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    return render(
        request,
        "home.html",
        ctx,
        categories=_categories(session, ctx),
        themes=THEMES,
        json_url="/api/v1/categories",
    )


def _filters_from(request: Request, category: str | None) -> catalog.ServiceFilter:
    q = request.query_params
    return catalog.ServiceFilter(
        category=category if category is not None else (q.get("category") or None),
        channel=q.get("channel") or None,
        cross_border=parse_bool(q.get("cross_border")),
        q=(q.get("q") or "").strip() or None,
    )


def _list_page(request: Request, ctx: PageContext, session: Session, *, category: str | None):
    filters = _filters_from(request, category)
    page = catalog.list_services(
        session,
        filters=filters,
        locale=ctx.locale,
        page=parse_page(request.query_params.get("page")),
        per_page=PER_PAGE,
    )
    query = {
        "channel": filters.channel,
        "cross_border": request.query_params.get("cross_border"),
        "q": filters.q,
    }
    json_url = with_query("/api/v1/services", {**query, "category": filters.category})
    return dict(
        filters=filters, page=page, query=query, json_url=json_url, categories=_categories(session, ctx)
    )


@router.get(
    "/{lp}/services", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def service_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    values = _list_page(request, ctx, session, category=None)
    return render(request, "service_list.html", ctx, category=None, **values)


@router.get(
    "/{lp}/categories/{slug}",
    include_in_schema=False,
    dependencies=[Depends(replica_ok), Depends(shared_page)],
)
def category_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    code = catalog.SLUG_CATEGORIES.get(slug)
    if code is None:
        raise NotFound("No service category is called %(ref)s.", code="catalog.category_not_found", ref=slug)
    values = _list_page(request, ctx, session, category=code)
    category = next(c for c in values["categories"] if c["code"] == code)
    return render(request, "service_list.html", ctx, category=category, **values)


@router.get(
    "/{lp}/services/{slug}", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def service_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    service = catalog.get_service(session, slug)
    category = {
        "code": service.category,
        "slug": catalog.CATEGORY_SLUGS[service.category],
        "name": catalog.category_name(service.category, ctx.locale),
    }
    steps = service.text("application_process", ctx.locale)
    return render(
        request,
        "service.html",
        ctx,
        service=service,
        category=category,
        steps=[s for s in steps.value.splitlines() if s.strip()] if steps else [],
        steps_text=steps,
        json_url=f"/api/v1/services/{service.slug}",
    )


@router.get(
    "/{lp}/documents", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def document_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    docs = catalog.list_document_types(session, locale=ctx.locale)
    usage = catalog.document_type_usage(session)
    return render(
        request, "document_list.html", ctx, documents=docs, usage=usage, json_url="/api/v1/document-types"
    )


@router.get(
    "/{lp}/documents/{key}", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def document_page(
    request: Request,
    key: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    doc = catalog.get_document_type(session, key)
    services = catalog.services_needing(session, doc, locale=ctx.locale)
    return render(
        request,
        "document.html",
        ctx,
        document=doc,
        services=services,
        json_url=f"/api/v1/document-types/{doc.key}",
    )
