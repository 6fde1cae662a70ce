"""Organisations and places of the park (the 港人地圖 directory)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey, utcnow
from hetao.core.texts import TextRow, Translated


class OrganizationKind(StrEnum):
    department = "department"
    enterprise = "enterprise"
    university_institute = "university_institute"
    incubator = "incubator"
    research_platform = "research_platform"
    service_centre = "service_centre"
    other = "other"


class PlaceKind(StrEnum):
    science_base = "science_base"
    building = "building"
    port = "port"
    service_centre = "service_centre"
    river_crossing = "river_crossing"


class OrganizationText(TextRow, Base):
    __tablename__ = "organization_texts"
    __owner_table__ = "organizations"


class Organization(UUIDPrimaryKey, Translated, Base):
    """An organisation: a department that delivers services, or a member of the park directory."""

    __tablename__ = "organizations"
    __text_model__ = OrganizationText

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    hk_background: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    texts: Mapped[list[OrganizationText]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="(OrganizationText.locale, OrganizationText.field)",
    )
    parent: Mapped[Organization | None] = relationship(remote_side="Organization.id", lazy="joined")
    location: Mapped[Location | None] = relationship(foreign_keys=[location_id], lazy="joined")


class LocationText(TextRow, Base):
    __tablename__ = "location_texts"
    __owner_table__ = "locations"


class Location(UUIDPrimaryKey, Translated, Base):
    """A place of the park: a building, science base, port; drawn on the schematic map."""

    __tablename__ = "locations"
    __text_model__ = LocationText

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    location_type: Mapped[str] = mapped_column(String(16), default="physical")
    kind: Mapped[str | None] = mapped_column(String(32))
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL", use_alter=True)
    )
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    map_x: Mapped[int | None] = mapped_column(Integer)
    map_y: Mapped[int | None] = mapped_column(Integer)
    map_width: Mapped[int | None] = mapped_column(Integer)
    map_height: Mapped[int | None] = mapped_column(Integer)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    texts: Mapped[list[LocationText]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="(LocationText.locale, LocationText.field)"
    )
