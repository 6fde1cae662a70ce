"""Applications (cases), their per-department tasks, supplements, documents, ratings and the
tamper-evident audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hetao.core.db import Base, UUIDPrimaryKey, utcnow


class Case(UUIDPrimaryKey, Base):
    """One application for one journey plan: a draft until submitted, then a case with a reference."""

    __tablename__ = "cases"

    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    journey: Mapped[str] = mapped_column(String(80))
    #: The journey's title per locale when the application was started.
    title: Mapped[dict] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON)
    #: Values of the merged form, by field id.
    values: Mapped[dict] = mapped_column("form_values", JSON, default=dict)
    #: draft, submitted, completed, withdrawn
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the answers and form values were removed (the applicant closed the account).
    scrubbed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.position")
    documents: Mapped[list[CaseDocument]] = relationship(order_by="CaseDocument.id")


class Task(UUIDPrimaryKey, Base):
    """One catalogue item of a case, handled by its department. What the officer needs (fields,
    documents, time limit) is copied from the plan, so later catalogue edits do not change a case."""

    __tablename__ = "case_tasks"
    __table_args__ = (Index("ix_case_tasks_queue", "department_id", "state", "due_on"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_key: Mapped[str] = mapped_column(String(120))
    names: Mapped[dict] = mapped_column(JSON)
    department_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Item keys of this case's tasks that must be approved first.
    after: Mapped[list] = mapped_column(JSON, default=list)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    #: Names per locale of those documents, by code, as the catalogue had them.
    document_names: Mapped[dict] = mapped_column(JSON, default=dict)
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    time_limit_unit: Mapped[str] = mapped_column(String(16), default="working_day")
    #: waiting, ready, in_progress, supplement_requested, approved, rejected, cancelled
    state: Mapped[str] = mapped_column(String(24), index=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    clock_paused_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(back_populates="tasks")
    supplements: Mapped[list[Supplement]] = relationship(order_by="Supplement.id")


class Supplement(Base):
    """A request for more (補正): what is asked and why; the applicant resubmits only that."""

    __tablename__ = "case_supplements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("case_tasks.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Upload(Base):
    """A stored file, named by the SHA-256 of its content (stored once however often uploaded)."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseDocument(Base):
    """A document of a case: one per document type, reused by every task that needs it."""

    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(120))
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"))
    filename: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When the retention period ended and the file was removed (the row stays as a record).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    upload: Mapped[Upload] = relationship(lazy="joined")


class Rating(Base):
    """The applicant's rating of a completed case on the national five-level scale (5 = very satisfied)."""

    __tablename__ = "case_ratings"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseCounter(Base):
    """The last reference number given out per year."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CaseEvent(Base):
    """An entry of the append-only audit log: who did what to which case, before and after. Each
    entry's ``hash`` covers its content and the previous entry's hash (a chain)."""

    __tablename__ = "case_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head (one row): the last sequence number and hash. Appending moves it with a
    conditional update, so concurrent appends never fork the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
