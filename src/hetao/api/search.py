"""``GET /api/v1/search``: the search box as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from hetao import search as search_domain
from hetao.api.language import api_locale
from hetao.catalog import Category
from hetao.http.deps import db_session
from hetao.http.metrics import observe_search
from hetao.http.problems import problem_responses
from hetao.http.search_json import SearchRead, SearchResultRead, answer_read, result_url

router = APIRouter(prefix="/api/v1", tags=["search"], responses=problem_responses(400, 422, 503))


@router.get(
    "/search", response_model=SearchRead, summary="Search services and organisations; answer the question"
)
def search(
    request: Request,
    q: str = Query(..., max_length=200, description="The question or words, in any of the three languages"),
    limit: int = Query(10, ge=1, le=50),
    type: str | None = Query(None, pattern="^(service|organization)$"),  # noqa: A002
    category: Category | None = None,
    locale: str = Depends(api_locale),
    session: Session = Depends(db_session, scope="function"),
):
    with observe_search("api"):
        outcome = search_domain.search(
            session,
            manager=request.app.state.search_manager,
            query=q,
            locale=locale,
            limit=limit,
            type=type,
            category=category.value if category else None,
        )
    answers = [answer_read(c, locale) for c in outcome.answers]
    return SearchRead(
        query=outcome.query,
        normalized=outcome.normalized,
        language=locale,
        no_match=outcome.no_match,
        did_you_mean=outcome.did_you_mean,
        results=[
            SearchResultRead(
                type=r.type,
                id=r.id,
                slug=r.slug,
                category=r.category,
                title=r.title,
                score=r.score,
                snippet=r.snippet,
                url=result_url(r, locale)[0],
                api_url=result_url(r, locale)[1],
            )
            for r in outcome.results
        ],
        answer=answers[0] if answers else None,
        answers=answers,
        facets=outcome.facets,
    )
