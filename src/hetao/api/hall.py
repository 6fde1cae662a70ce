"""The hall's JSON API: the display board (polled by the board page's script)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from hetao.api.language import api_locale
from hetao.core.db import utcnow
from hetao.http.deps import db_session
from hetao.http.hall_board import BoardRead, board_read
from hetao.http.problems import problem_responses

router = APIRouter(prefix="/api/v1/hall", tags=["service hall"], responses=problem_responses(400, 422, 503))


@router.get(
    "/board",
    response_model=BoardRead,
    summary="The display board: numbers being called and their counters, waiting counts and waits",
)
def get_board(
    response: Response,
    locale: str = Depends(api_locale),
    session: Session = Depends(db_session, scope="function"),
):
    response.headers["Cache-Control"] = "no-store"
    return board_read(session, locale=locale, now=utcnow())
