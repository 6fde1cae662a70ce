"""HTML pages of the 港人地圖 directory: the list with filters and the map, organisations, places."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from hetao import catalog, directory
from hetao.core.i18n import Translator
from hetao.http.page_cache import shared_page
from hetao.http.replica import replica_ok
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context, parse_bool
from hetao.web.labels import org_kind_labels, place_kind_labels, tag_labels
from hetao.web.templating import render

router = APIRouter()


def map_labels(t: Translator) -> directory.MapLabels:
    return directory.MapLabels(
        title=t.gettext("Schematic map of the Hetao park"),
        description=t.gettext(
            "Buildings of the park north of the Shenzhen River, the ports and the Hong Kong side. "
            "Positions are schematic. Numbered markers match the numbered list of organisations."
        ),
        legend=t.gettext("Legend"),
        kind_names=place_kind_labels(t),
        marker=t.gettext("Organisation (numbered)"),
        river=t.gettext("Shenzhen River"),
        shenzhen=t.gettext("Shenzhen (Futian)"),
        hong_kong=t.gettext("Hong Kong"),
    )


@router.get(
    "/{lp}/directory", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def directory_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    filters = directory.OrganizationFilter(
        kind=q.get("kind") or None,
        tag=q.get("tag") or None,
        hk_background=parse_bool(q.get("hk")),
        q=(q.get("q") or "").strip() or None,
        include_departments=False,
    )
    page = directory.list_organizations(session, filters=filters, locale=ctx.locale, page=1, per_page=200)
    markers = directory.number_markers(page.items)
    number_of = {m.organization.id: m.number for m in markers}
    places = directory.list_places(session, locale=ctx.locale)
    svg = directory.render_map(
        places,
        markers,
        locale=ctx.locale,
        labels=map_labels(ctx.t),
        place_url=lambda p: ctx.urls.place(p.slug),
    )
    json_q = {"kind": filters.kind, "tag": filters.tag, "hk_background": q.get("hk"), "q": filters.q}
    json_url = with_query("/api/v1/organizations", json_q)
    return render(
        request,
        "directory.html",
        ctx,
        filters=filters,
        organizations=page.items,
        number_of=number_of,
        map_svg=Markup(svg),
        kinds=org_kind_labels(ctx.t),
        tags=tag_labels(ctx.t),
        field_tags=directory.FIELD_TAGS,
        hk=q.get("hk") or "",
        json_url=json_url,
    )


@router.get(
    "/{lp}/organizations/{slug}",
    include_in_schema=False,
    dependencies=[Depends(replica_ok), Depends(shared_page)],
)
def organization_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    org = directory.get_organization(session, slug)
    children = directory.list_children(session, org, locale=ctx.locale)
    services = []
    if org.kind == directory.OrganizationKind.department:
        services = catalog.list_services(
            session, filters=catalog.ServiceFilter(department=org.slug), locale=ctx.locale, per_page=200
        ).items
    return render(
        request,
        "organization.html",
        ctx,
        org=org,
        children=children,
        services=services,
        kinds=org_kind_labels(ctx.t),
        tags=tag_labels(ctx.t),
        json_url=f"/api/v1/organizations/{org.slug}",
    )


@router.get(
    "/{lp}/places/{slug}", include_in_schema=False, dependencies=[Depends(replica_ok), Depends(shared_page)]
)
def place_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    place = directory.get_place(session, slug)
    orgs = directory.organizations_at(session, place, locale=ctx.locale)
    markers = directory.number_markers(orgs)
    svg = directory.render_map(
        directory.list_places(session, locale=ctx.locale),
        markers,
        locale=ctx.locale,
        labels=map_labels(ctx.t),
        place_url=lambda p: ctx.urls.place(p.slug),
    )
    return render(
        request,
        "place.html",
        ctx,
        place=place,
        organizations=orgs,
        number_of={m.organization.id: m.number for m in markers},
        map_svg=Markup(svg),
        kinds=org_kind_labels(ctx.t),
        place_kinds=place_kind_labels(ctx.t),
        json_url=f"/api/v1/places/{place.slug}",
    )
