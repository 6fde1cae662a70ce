"""Information pages of the hall (休閒資訊): short guides edited by administrators in three languages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, UUIDPrimaryKey, utcnow

#: The topics pages are grouped by, in the order the public index shows them.
TOPICS = ("border_crossing", "transport", "dining_leisure", "centre_services")


class InfoPage(UUIDPrimaryKey, Base):
    """One information page: a title and a Markdown body per locale. Changes are conditional on
    ``version`` (optimistic locking), so two editors never silently overwrite each other."""

    __tablename__ = "hall_info_pages"

    #: Lowercase English slug of the page's URL, e.g. "futian-port".
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: One of ``TOPICS``.
    topic: Mapped[str] = mapped_column(String(24), index=True)
    #: Title per locale.
    titles: Mapped[dict] = mapped_column(JSON)
    #: Markdown body per locale (rendered and sanitised when shown).
    bodies: Mapped[dict] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def title(self, locale: str) -> str:
        return self.titles.get(locale) or self.titles.get("en") or self.slug

    def body(self, locale: str) -> str:
        return self.bodies.get(locale) or self.bodies.get("en") or ""
