"""The outbox: one row per message to a person, kept after delivery so the site can show it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class OutboxMessage(UUIDPrimaryKey, Base):
    """A message waiting for delivery (``sent_at`` empty) or delivered.

    Delivery is at least once: a sender claims a message with a lease (``claimed_until``); if it dies
    before marking the message sent, the lease runs out and another sender takes it."""

    __tablename__ = "outbox_messages"

    kind: Mapped[str] = mapped_column(String(64))
    #: The person the message is for, when it concerns an account (shown in the site).
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    to_address: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Not sent (nor shown in the site) before this time, e.g. a reminder the day before a visit.
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Secret messages (sign-in links, reset tokens) are e-mailed but never shown in the site.
    secret: Mapped[bool] = mapped_column(default=False)
