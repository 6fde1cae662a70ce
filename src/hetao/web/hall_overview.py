"""The hall's own page (一門): what can be done there and online, with the queue at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from hetao.core.db import utcnow
from hetao.http.hall_board import board_read
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter()


@router.get("/{lp}/hall", include_in_schema=False)
def overview(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    board = board_read(session, locale=ctx.locale, now=utcnow())
    return render(request, "hall/overview.html", ctx, queue=board.categories)
