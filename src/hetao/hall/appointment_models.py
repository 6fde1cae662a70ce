"""Appointments (一門 / 一窗): the hall's closed days, the places of each slot, and the visits booked.

Times of day are local hall time (Asia/Shanghai) kept as a date and minutes after midnight, so a
slot is the same on every database; they become UTC only where a calendar file needs it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class AppointmentState(StrEnum):
    booked = "booked"
    cancelled = "cancelled"
    checked_in = "checked_in"
    completed = "completed"
    no_show = "no_show"


#: States that hold a place and count as the person's one active booking of an item.
ACTIVE_STATES = (AppointmentState.booked, AppointmentState.checked_in)


class Closure(UUIDPrimaryKey, Base):
    """A day the hall (``counter_id`` empty) or one counter is closed, beyond the public calendars."""

    __tablename__ = "hall_closures"
    __table_args__ = (UniqueConstraint("day", "counter_id"),)

    day: Mapped[date] = mapped_column(Date, index=True)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("hall_counters.id", ondelete="CASCADE"))
    #: Why, per locale (shown to people choosing a day).
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def reason(self, locale: str) -> str:
        return self.reasons.get(locale) or self.reasons.get("en") or next(iter(self.reasons.values()), "")


class SlotPlaces(UUIDPrimaryKey, Base):
    """The places of one counter in one slot: written the first time someone books it. A place is
    taken by a conditional UPDATE (``taken < capacity``), and the check constraint makes a double
    booking impossible even for a writer that forgot the condition."""

    __tablename__ = "hall_slots"
    __table_args__ = (
        UniqueConstraint("counter_id", "day", "start_minute"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    counter_id: Mapped[str] = mapped_column(ForeignKey("hall_counters.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    #: Local start time, in minutes after midnight.
    start_minute: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(UUIDPrimaryKey, Base):
    """One visit to the hall: one service item, or the items of a journey plan at a comprehensive
    window (``journey`` set). It holds the places of the slots from ``start_minute`` to
    ``end_minute`` at its counter while active."""

    __tablename__ = "hall_appointments"

    #: Confirmation code people show at the hall (unambiguous characters, unique).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    counter_id: Mapped[str] = mapped_column(ForeignKey("hall_counters.id", ondelete="RESTRICT"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    #: The journey whose plan this visit is for ("one visit"), else empty.
    journey: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), default=AppointmentState.booked)
    #: The language of the confirmation and the reminder.
    locale: Mapped[str] = mapped_column(String(12))
    #: Raised on every change of time or state, so calendar files replace earlier copies.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The outbox message that reminds the person the day before (withdrawn on cancel/reschedule).
    reminder_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[AppointmentItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AppointmentItem.position"
    )

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


class AppointmentItem(Base):
    """A service item of a visit. ``active_key`` (person and item) is set while the visit is active
    and NULL otherwise; its unique constraint allows one active booking per person per item."""

    __tablename__ = "hall_appointment_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    appointment_id: Mapped[str] = mapped_column(
        ForeignKey("hall_appointments.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True)


def active_key(user_id: str, service_id: str) -> str:
    return f"{user_id}/{service_id}"
