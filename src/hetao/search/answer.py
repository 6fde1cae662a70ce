"""The answer card: built only from catalogue fields of the chosen service item, nothing invented."""

from __future__ import annotations

from dataclasses import dataclass, field

from hetao.catalog.models import Service
from hetao.core.texts import LocalText


@dataclass
class DocumentLine:
    key: str | None
    name: LocalText | None


@dataclass
class AnswerCard:
    service_id: str
    slug: str
    category: str
    title: LocalText | None
    summary: LocalText | None
    department_slug: str
    department: LocalText | None
    channels: list[str]
    documents: list[DocumentLine]
    promised_time_limit: tuple[int, str] | None
    statutory_time_limit: tuple[int, str] | None
    fees: LocalText | None
    eligibility: LocalText | None
    visits: int
    cross_border: bool
    also_consider: list[tuple[str, str, LocalText | None]] = field(default_factory=list)  # (id, slug, title)


def build_card(service: Service, locale: str, also: list[Service]) -> AnswerCard:
    return AnswerCard(
        service_id=service.id,
        slug=service.slug,
        category=service.category,
        title=service.text("name", locale),
        summary=service.text("description", locale),
        department_slug=service.organization.slug,
        department=service.organization.text("name", locale),
        channels=list(service.channels),
        documents=[
            DocumentLine(rd.document_type.key if rd.document_type else None, rd.label(locale))
            for rd in service.required_documents
        ],
        promised_time_limit=service.time_limit("promised"),
        statutory_time_limit=service.time_limit("statutory"),
        fees=service.text("fees_description", locale),
        eligibility=service.text("eligibility_description", locale),
        visits=service.visits,
        cross_border=service.cross_border,
        also_consider=[(s.id, s.slug, s.text("name", locale)) for s in also],
    )
