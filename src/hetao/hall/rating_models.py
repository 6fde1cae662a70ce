"""Service ratings (好差評) of hall services and the follow-ups of poor ones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class HallRating(UUIDPrimaryKey, Base):
    """One rating of one served subject (a queue ticket, an appointment…) on the national five-level
    scale (5 非常滿意 … 1 非常不滿意). The database keeps one rating per subject."""

    __tablename__ = "hall_ratings"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    #: The kind of thing rated, as registered with ``register_subject`` ("ticket", "appointment").
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    #: The person who rated, when signed in (a ticket can be rated through its token without an account).
    rater_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    followup: Mapped[RatingFollowup | None] = relationship(back_populates="rating", uselist=False)


class RatingFollowup(UUIDPrimaryKey, Base):
    """The follow-up (回訪整改) of a poor rating: open until answered within 15 working days, then
    closed. Changes are conditional on ``version``."""

    __tablename__ = "hall_rating_followups"

    rating_id: Mapped[str] = mapped_column(ForeignKey("hall_ratings.id", ondelete="CASCADE"), unique=True)
    #: open, answered, closed
    state: Mapped[str] = mapped_column(String(12), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    response: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    rating: Mapped[HallRating] = relationship(back_populates="followup")
