"""The operations dashboard for administrators: time limits, applications, ratings and unanswered
searches over a range of dates, drawn as SVG charts with their tables."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.core.periods import DEFAULT_DAYS, local_date, parse_range
from hetao.web.account_pages import field_errors
from hetao.web.auth import require_admin
from hetao.web.context import PageContext, with_query
from hetao.web.dashboard import SECTIONS, DashboardInput, build_sections
from hetao.web.dashboard_hall import HALL_SECTIONS
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter()


@router.get("/{lp}/admin/dashboard", include_in_schema=False)
def dashboard_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    today = local_date(utcnow())
    values = {"from": q.get("from", "")[:40], "to": q.get("to", "")[:40]}
    try:
        period = parse_range(values["from"], values["to"], today=today)
    except ValidationFailed as failed:
        return render(
            request,
            "admin/dashboard.html",
            ctx,
            status_code=422,
            errors=field_errors(ctx, failed),
            values=values,
            sections=[],
            period=None,
            default_days=DEFAULT_DAYS,
        )
    sections = build_sections(
        DashboardInput(session=session, ctx=ctx, period=period, today=today), SECTIONS + HALL_SECTIONS
    )
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return render(
        request,
        "admin/dashboard.html",
        ctx,
        errors={},
        values=query,
        sections=sections,
        period=period,
        today=today,
        json_url=with_query("/api/v1/admin/dashboard", {**query, "lang": ctx.locale}),
    )
