"""The hall's places: counters (windows) with what they serve and when they are open.

Appointments, queue tickets, rooms, events, information pages and ratings build on these."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, UUIDPrimaryKey


class Counter(UUIDPrimaryKey, Base):
    """One window of the hall. A comprehensive window (綜合窗口, 一窗) serves every category; the
    others serve the categories listed, for their department."""

    __tablename__ = "hall_counters"

    #: Short code shown on tickets and the display board, e.g. "A01".
    code: Mapped[str] = mapped_column(String(12), unique=True)
    #: Name per locale.
    names: Mapped[dict] = mapped_column(JSON)
    #: Category values served; empty means every category (a comprehensive window).
    categories: Mapped[list] = mapped_column(JSON, default=list)
    department_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    #: Opening periods per ISO weekday ("1" Monday … "7" Sunday): [["09:00", "12:00"], …].
    hours: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Visits each opening period's slot can take at once (people served in parallel).
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    #: Holiday calendars the counter closes on: "mainland", and "hong_kong" for HK-side services.
    calendars: Mapped[list] = mapped_column(JSON, default=lambda: ["mainland"])
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def comprehensive(self) -> bool:
        return not self.categories

    def serves(self, category: str) -> bool:
        return self.comprehensive or category in self.categories

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.code
