"""Meeting rooms (商務洽談) with their bookings, and events (展示交流 · 創新創業交流) with their
registrations and waitlists.

Times are stored in UTC (timezone-aware values; SQLite keeps them without the zone, so read them
through :func:`hetao.hall.rooms.as_utc`) and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class Room(UUIDPrimaryKey, Base):
    """A negotiation room of the hall that people book for a time range."""

    __tablename__ = "hall_rooms"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: Name per locale.
    names: Mapped[dict] = mapped_column(JSON)
    #: Where the room is, per locale (floor, wing).
    places: Mapped[dict] = mapped_column(JSON, default=dict)
    capacity: Mapped[int] = mapped_column(Integer)
    #: Equipment keys (labels in :data:`hetao.hall.rooms.EQUIPMENT`).
    equipment: Mapped[list] = mapped_column(JSON, default=list)
    #: Bookings wait (pending, holding the time) until an administrator approves them.
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.slug

    def place(self, locale: str) -> str:
        return self.places.get(locale) or self.places.get("en") or ""


class RoomBooking(UUIDPrimaryKey, Base):
    """One booking of a room. Pending and confirmed bookings hold their time: no two of them of one
    room overlap (checked with the room's row locked)."""

    __tablename__ = "hall_room_bookings"
    __table_args__ = (Index("ix_hall_room_bookings_room_time", "room_id", "starts_at", "ends_at"),)

    room_id: Mapped[str] = mapped_column(ForeignKey("hall_rooms.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purpose: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[int] = mapped_column(Integer)
    #: pending, confirmed, rejected, cancelled
    state: Mapped[str] = mapped_column(String(16), index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Raised on every change (conditional updates; the .ics SEQUENCE).
    version: Mapped[int] = mapped_column(Integer, default=1)


class Event(UUIDPrimaryKey, Base):
    """A roadshow, seminar, exhibition or exchange in the hall, with places people register for."""

    __tablename__ = "hall_events"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: roadshow, seminar, exhibition, exchange
    kind: Mapped[str] = mapped_column(String(16))
    titles: Mapped[dict] = mapped_column(JSON)
    summaries: Mapped[dict] = mapped_column(JSON)
    descriptions: Mapped[dict] = mapped_column(JSON)
    places: Mapped[dict] = mapped_column(JSON)
    #: The organiser's name per locale, as shown on the page.
    organisers: Mapped[dict] = mapped_column(JSON)
    #: The organiser's account, who may download the attendee list.
    organiser_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Raised on every edit: of two editors, the second is told instead of overwriting the first.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def text(self, field: str, locale: str) -> str:
        values = getattr(self, field) or {}
        return values.get(locale) or values.get("en") or ""


class EventRegistration(UUIDPrimaryKey, Base):
    """A person's place at an event: registered, waitlisted (in ``position`` order) or cancelled.
    One row per person and event; registering again after cancelling reuses it."""

    __tablename__ = "hall_event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    event_id: Mapped[str] = mapped_column(ForeignKey("hall_events.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    #: registered, waitlisted, cancelled
    state: Mapped[str] = mapped_column(String(16))
    #: Order of arrival at the event (the waitlist's order), given under the event's row lock.
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
