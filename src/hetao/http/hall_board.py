"""The display board's content in one language, shared by the board page and ``GET /api/v1/hall/board``
(the page's script redraws the board from the JSON with the very texts the page shows), and the
translated labels of queue tickets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from hetao import catalog, hall
from hetao.core.i18n import Translator, translator


def ticket_state_labels(t: Translator) -> dict[str, str]:
    return {
        "waiting": t.gettext("Waiting"),
        "called": t.gettext("Called"),
        "serving": t.gettext("Being served"),
        "served": t.gettext("Served"),
        "no_show": t.gettext("Not present when called"),
    }


def lane_labels(t: Translator) -> dict[str, str]:
    return {
        "appointment": t.gettext("Appointment"),
        "priority": t.gettext("Priority"),
        "walk_in": t.gettext("Walk-in"),
    }


def wait_text(t: Translator, minutes: int | None) -> str:
    """The estimated wait as people read it."""
    if minutes is None:
        return t.gettext("No counter is open for this category")
    if minutes == 0:
        return t.gettext("Very soon")
    return t.ngettext("About %(num)d minute", "About %(num)d minutes", minutes)


class CalledRead(BaseModel):
    number: str
    counter: str
    counter_name: str
    state: str
    state_label: str
    #: When it was (last) called, in the hall's time (UTC+8), ISO 8601.
    called_at: str


class CategoryQueueRead(BaseModel):
    category: str
    name: str
    letter: str
    waiting: int
    counters: int
    average_handling_minutes: float
    #: The wait of someone taking a ticket now; null when no counter serves the category.
    estimated_wait_minutes: int | None
    estimated_wait_text: str


class BoardRead(BaseModel):
    locale: str
    updated_at: str
    updated_text: str
    called: list[CalledRead]
    categories: list[CategoryQueueRead]


def board_read(session: Session, *, locale: str, now: datetime) -> BoardRead:
    t = translator(locale)
    states = ticket_state_labels(t)
    board = hall.board(session, now=now)
    local_now = hall.local_time(now)
    return BoardRead(
        locale=locale,
        updated_at=local_now.isoformat(timespec="seconds"),
        updated_text=t.gettext("Updated at %(time)s", time=local_now.strftime("%H:%M:%S")),
        called=[
            CalledRead(
                number=ticket.code,
                counter=ticket.counter.code if ticket.counter else "",
                counter_name=ticket.counter.name(locale) if ticket.counter else "",
                state=ticket.state,
                state_label=states[ticket.state],
                called_at=hall.local_time(ticket.last_called_at).isoformat(timespec="seconds")
                if ticket.last_called_at
                else "",
            )
            for ticket in board.called
        ],
        categories=[
            CategoryQueueRead(
                category=q.category,
                name=catalog.category_name(q.category, locale),
                letter=hall.LETTERS[q.category],
                waiting=q.waiting,
                counters=q.counters,
                average_handling_minutes=round(q.average_minutes, 1),
                estimated_wait_minutes=q.estimated_minutes,
                estimated_wait_text=wait_text(t, q.estimated_minutes),
            )
            for q in board.categories
        ],
    )
