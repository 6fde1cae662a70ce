"""The search results page: answer cards, results with highlights, ways forward when nothing fits."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from hetao import catalog
from hetao import search as search_domain
from hetao.core.errors import ValidationFailed
from hetao.http.metrics import observe_search
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.labels import channel_labels, org_kind_labels
from hetao.web.templating import render

router = APIRouter()


def highlight(text: str, spans: list[tuple[int, int]]) -> Markup:
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>{}</mark>").format(text[start:end]))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


@router.get("/{lp}/search", include_in_schema=False)
def search_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    q = (request.query_params.get("q") or "").strip()
    category = request.query_params.get("category") or None
    if category not in catalog.CATEGORY_SLUGS:
        category = None
    outcome, problems = None, []
    if q:
        try:
            with observe_search("page"):
                outcome = search_domain.search(
                    session,
                    manager=request.app.state.search_manager,
                    query=q,
                    locale=ctx.locale,
                    limit=20,
                    category=category,
                )
        except ValidationFailed as failed:
            problems = [ctx.t.gettext(p.message, **p.params) for p in failed.problems]
    categories = [
        {"code": code, "name": catalog.category_name(code, ctx.locale), "slug": slug}
        for code, slug in catalog.CATEGORY_SLUGS.items()
    ]
    json_url = "/api/v1/search?" + request.url.query if q else None
    return render(
        request,
        "search.html",
        ctx,
        status_code=422 if problems else 200,
        q=q,
        search_value=q,
        category=category,
        categories=categories,
        outcome=outcome,
        problems=problems,
        highlight=highlight,
        channels=channel_labels(ctx.t),
        kinds=org_kind_labels(ctx.t),
        category_names={c["code"]: c["name"] for c in categories},
        json_url=json_url,
    )
