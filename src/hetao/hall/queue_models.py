"""Queue tickets (取號) of the hall and the per-category, per-day number sequences behind them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey
from hetao.hall.models import Counter


class Lane(StrEnum):
    """How a ticket was taken; lanes are called in this order (see ``LANE_RANK``)."""

    appointment = "appointment"  # an appointment holder checking in
    priority = "priority"  # the elderly and people with disabilities
    walk_in = "walk_in"


#: Call order of the lanes: appointment holders first, then priority, then walk-ins.
LANE_RANK = {Lane.appointment: 0, Lane.priority: 1, Lane.walk_in: 2}


class TicketState(StrEnum):
    waiting = "waiting"
    called = "called"
    serving = "serving"
    served = "served"
    no_show = "no_show"


class TicketSequence(Base):
    """The last number given in one category on one (local) day. Incremented by a conditional
    UPDATE, so concurrent takers each get the next number."""

    __tablename__ = "hall_ticket_sequences"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(UUIDPrimaryKey, Base):
    """One queue ticket: a number in a category on a day, its lane, and where it is called."""

    __tablename__ = "hall_tickets"
    __table_args__ = (
        UniqueConstraint("first_category", "day", "number", name="uq_hall_tickets_number"),
        Index("ix_hall_tickets_queue", "day", "state", "category"),
    )

    #: Unguessable token of the ticket's public page.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    day: Mapped[date] = mapped_column(Date)
    #: The category the number was given in (its letter); ``category`` changes on a transfer.
    first_category: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    #: What people see and hear: the category's letter and the number, e.g. "B012".
    code: Mapped[str] = mapped_column(String(8))
    lane: Mapped[str] = mapped_column(String(16), default=Lane.walk_in)
    #: The appointment's code when an appointment holder checked in (a plain string).
    appointment_code: Mapped[str | None] = mapped_column(String(40))
    #: The signed-in person who took it, if any (taking a ticket needs no account).
    holder_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default=TicketState.waiting)
    #: The counter it is called to (or was served at).
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("hall_counters.id"))
    #: After a transfer to a particular counter: only that counter calls it.
    for_counter_id: Mapped[str | None] = mapped_column(ForeignKey("hall_counters.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: First call (for the waiting-time statistics) and latest call or recall (for the board).
    called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    #: The officer who acted on it last (call, start, finish, no-show, transfer).
    officer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])
    for_counter: Mapped[Counter | None] = relationship(foreign_keys=[for_counter_id])

    @property
    def lane_rank(self) -> int:
        return LANE_RANK[Lane(self.lane)]
