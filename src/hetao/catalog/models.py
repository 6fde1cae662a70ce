"""Service items, the shared registry of document types, FAQs, taxonomies and where services are given."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey, utcnow
from hetao.core.texts import TextRow, Translated
from hetao.directory.models import Location, Organization


class Category(StrEnum):
    government_affairs = "government_affairs"
    customs = "customs"
    public_security = "public_security"
    traffic_police = "traffic_police"
    finance = "finance"
    legal = "legal"
    accounting = "accounting"
    tax = "tax"
    innovation = "innovation"


class Channel(StrEnum):
    hall = "hall"  # 一門: in the centre's hall
    window = "window"  # 一窗: any window takes any item
    online = "online"  # 一網: online


class TimeUnit(StrEnum):
    working_day = "working_day"
    calendar_day = "calendar_day"


class DocumentTypeText(TextRow, Base):
    __tablename__ = "document_type_texts"
    __owner_table__ = "document_types"


class DocumentType(UUIDPrimaryKey, Translated, Base):
    """One kind of document (e.g. the Mainland Travel Permit), shared by every item that needs it."""

    __tablename__ = "document_types"
    __text_model__ = DocumentTypeText

    key: Mapped[str] = mapped_column(String(120), unique=True)
    texts: Mapped[list[DocumentTypeText]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ServiceText(TextRow, Base):
    __tablename__ = "service_texts"
    __owner_table__ = "services"


class Service(UUIDPrimaryKey, Translated, Base):
    """A service item of the catalogue."""

    __tablename__ = "services"
    __text_model__ = ServiceText

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(24), default="active")
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    promised_value: Mapped[int | None] = mapped_column(Integer)
    promised_unit: Mapped[str | None] = mapped_column(String(16))
    statutory_value: Mapped[int | None] = mapped_column(Integer)
    statutory_unit: Mapped[str | None] = mapped_column(String(16))
    cross_border: Mapped[bool] = mapped_column(Boolean, default=False)
    item_code: Mapped[str | None] = mapped_column(String(64))
    visits: Mapped[int] = mapped_column(Integer, default=1)
    modified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    texts: Mapped[list[ServiceText]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    organization: Mapped[Organization] = relationship(lazy="joined")
    required_documents: Mapped[list[RequiredDocument]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RequiredDocument.position"
    )
    faqs: Mapped[list[Faq]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Faq.position"
    )

    def time_limit(self, which: str) -> tuple[int, str] | None:
        value = getattr(self, f"{which}_value")
        unit = getattr(self, f"{which}_unit")
        return (value, unit) if value is not None and unit else None


class RequiredDocumentText(TextRow, Base):
    __tablename__ = "required_document_texts"
    __owner_table__ = "required_documents"


class RequiredDocument(UUIDPrimaryKey, Translated, Base):
    """A document a service needs; linked to the shared document type when it has one."""

    __tablename__ = "required_documents"
    __text_model__ = RequiredDocumentText

    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    document_type_id: Mapped[str | None] = mapped_column(
        ForeignKey("document_types.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    texts: Mapped[list[RequiredDocumentText]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    document_type: Mapped[DocumentType | None] = relationship(lazy="joined")

    def label(self, locale: str):
        own = self.text("document", locale)
        if self.document_type is not None:
            typed = self.document_type.text("name", locale)
            if typed is not None and (own is None or own.locale != locale or own.machine):
                return typed
        return own


class FaqText(TextRow, Base):
    __tablename__ = "faq_texts"
    __owner_table__ = "faqs"


class Faq(UUIDPrimaryKey, Translated, Base):
    __tablename__ = "faqs"
    __text_model__ = FaqText

    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    texts: Mapped[list[FaqText]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class TaxonomyText(TextRow, Base):
    __tablename__ = "taxonomy_texts"
    __owner_table__ = "taxonomies"


class Taxonomy(UUIDPrimaryKey, Translated, Base):
    __tablename__ = "taxonomies"
    __text_model__ = TaxonomyText

    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(50))
    texts: Mapped[list[TaxonomyText]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class TaxonomyTermText(TextRow, Base):
    __tablename__ = "taxonomy_term_texts"
    __owner_table__ = "taxonomy_terms"


class TaxonomyTerm(UUIDPrimaryKey, Translated, Base):
    __tablename__ = "taxonomy_terms"
    __text_model__ = TaxonomyTermText

    code: Mapped[str | None] = mapped_column(String(120), index=True)
    taxonomy_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomies.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_terms.id", ondelete="SET NULL"))
    term_uri: Mapped[str | None] = mapped_column(String(500))
    texts: Mapped[list[TaxonomyTermText]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Attribute(UUIDPrimaryKey, Base):
    """An HSDS attribute: links an object (service, organization, location …) to a taxonomy term."""

    __tablename__ = "attributes"

    link_entity: Mapped[str] = mapped_column(String(32))
    link_id: Mapped[str] = mapped_column(String(36), index=True)
    link_type: Mapped[str | None] = mapped_column(String(64))
    taxonomy_term_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_terms.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str | None] = mapped_column(String(500))
    label: Mapped[str | None] = mapped_column(String(500))


class ServiceAtLocationText(TextRow, Base):
    __tablename__ = "service_at_location_texts"
    __owner_table__ = "service_at_locations"


class ServiceAtLocation(UUIDPrimaryKey, Translated, Base):
    __tablename__ = "service_at_locations"
    __text_model__ = ServiceAtLocationText
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    texts: Mapped[list[ServiceAtLocationText]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    service: Mapped[Service] = relationship(lazy="joined")
    location: Mapped[Location] = relationship(lazy="joined")


class CatalogState(Base):
    """One row: the catalogue version, bumped by every write, so caches know when to rebuild."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: A new random token with every change: caches compare it, so a rolled-back change's number
    #: reused by a later change can never pass for it.
    token: Mapped[str] = mapped_column(String(36), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
