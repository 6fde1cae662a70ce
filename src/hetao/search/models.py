"""Stored search data: embeddings and analysed terms (caches keyed by content hash) and queries that
found nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hetao.core.db import Base, utcnow


class SearchEmbedding(Base):
    """The vector of one searchable document for one embedding backend, valid for one content hash."""

    __tablename__ = "search_embeddings"

    owner_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    backend: Mapped[str] = mapped_column(String(48), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchMiss(Base):
    """A query that found no good answer, scrubbed of personal data, counted per locale."""

    __tablename__ = "search_misses"
    __table_args__ = (UniqueConstraint("query", "locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(12))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class SearchTerms(Base):
    """The analysed index terms of one searchable document, per field, valid for one analyser and one
    hash of the document's fields: a cache that spares each new process re-segmenting the catalogue."""

    __tablename__ = "search_terms"

    owner_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: Fingerprint of the analyser (its code version and dictionaries): another analyser, another row.
    analyzer: Mapped[str] = mapped_column(String(16), primary_key=True)
    fields_hash: Mapped[str] = mapped_column(String(64))
    #: {field: {term: count}}
    terms: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
