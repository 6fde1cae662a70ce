"""The hall's display board: numbers being called and their counters, waiting counts and waits.

A page of its own (no site header) for the screen in the hall. It reloads itself with
``<meta http-equiv="refresh">``; where scripts run, ``/static/hall-board.js`` stops that and redraws
the board in place from ``GET /api/v1/hall/board``."""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from hetao.core.db import utcnow
from hetao.core.locales import URL_PREFIX
from hetao.http.hall_board import board_read
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter()

#: Seconds between reloads without a script, and between polls with one.
REFRESH_SECONDS = 20
POLL_SECONDS = 4


@router.get("/{lp}/hall/board", include_in_schema=False)
def board_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    board = board_read(session, locale=ctx.locale, now=utcnow())
    take_url = str(request.base_url).rstrip("/") + f"/{URL_PREFIX[ctx.locale]}/hall/tickets/new"
    response = render(
        request,
        "hall/board.html",
        ctx,
        board=board,
        json_url=f"/api/v1/hall/board?lang={ctx.locale}",
        refresh_seconds=REFRESH_SECONDS,
        poll_seconds=POLL_SECONDS,
        take_url=take_url,
        take_qr=segno.make(take_url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
