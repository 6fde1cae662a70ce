"""What is searchable, read from the database with plain queries: one document per active service and
per organisation, with its text fields in every locale and the passage given to the embedding model."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.models import (
    DocumentTypeText,
    Faq,
    FaqText,
    RequiredDocument,
    RequiredDocumentText,
    Service,
    ServiceText,
)
from hetao.directory.models import Organization, OrganizationText

LOCALES = ("zh-Hant", "zh-Hans", "en")

#: Field weights of the lexical index (a name match counts three times a description match).
FIELD_WEIGHTS = {
    "name": 3.0,
    "documents": 1.0,
    "description": 1.0,
    "eligibility": 0.6,
    "faqs": 0.5,
    "department": 0.5,
    "tags": 1.0,
}


@dataclass
class SearchDocument:
    type: str  # "service" | "organization"
    id: str
    slug: str
    category: str | None
    fields: dict[str, str]
    titles: dict[str, str]
    summaries: dict[str, str]
    passages: list[str] = field(default_factory=list)
    content_hash: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def title(self, locale: str) -> str:
        for loc in (locale, "zh-Hant", "zh-Hans", "en"):
            if self.titles.get(loc):
                return self.titles[loc]
        return self.slug

    def summary(self, locale: str) -> str:
        for loc in (locale, "zh-Hant", "zh-Hans", "en"):
            if self.summaries.get(loc):
                return self.summaries[loc]
        return ""


def _hash(passages: list[str]) -> str:
    return hashlib.sha256("\x1e".join(passages).encode("utf-8")).hexdigest()


def _first_sentences(text: str, limit: int = 160) -> str:
    """The opening of a description, cut at a sentence end near ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in "。.；;！!？?")
    return text[: cut + 1] if cut > 40 else text[:limit]


_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|(?<=\.)\s+|\n+")


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (Chinese and English punctuation, line breaks); fragments of three
    characters or fewer are dropped."""
    parts = (p.strip() for p in _SENTENCE_END.split(text or ""))
    return [p for p in parts if len(p) > 3]


#: The languages whose sentences are embedded: the model reads Traditional through Simplified well
#: enough, and every passage costs embedding time.
PASSAGE_LOCALES = ("zh-Hans", "en")


def make_passages(
    titles: dict[str, str],
    summaries: dict[str, str],
    questions: list[str],
    *,
    details: list[str] = (),
    answers: list[str] = (),
) -> list[str]:
    """Short passages embedded separately: the name in each language, the opening of the description,
    FAQ questions, then each sentence of the description and of ``details`` (eligibility) in
    Simplified Chinese and English, and the FAQ ``answers`` whole. A document scores by a soft maximum over its passages
    plus its centroid (see ``SearchIndex.scores``): short passages match short questions,
    and the sentences let a paraphrase meet the words the item uses anywhere in its text."""
    out = [t for t in (titles.get("zh-Hans"), titles.get("en"), titles.get("zh-Hant")) if t]
    for loc in PASSAGE_LOCALES:
        if summaries.get(loc):
            out.append(_first_sentences(summaries[loc]))
    out.extend(q for q in questions if q)
    for loc in PASSAGE_LOCALES:
        out.extend(sentences(summaries.get(loc, "")))
    for text in details:
        out.extend(sentences(text))
    out.extend(a for a in answers if a)
    seen: set[str] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def _texts(session: Session, model) -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    stmt = select(model.owner_id, model.locale, model.field, model.value)
    for owner, locale, fld, value in session.execute(stmt):
        out[owner][locale][fld] = value
    return out


def _joined(values: dict[str, dict[str, str]], *names: str) -> str:
    return "\n".join(v for loc in LOCALES for n in names if (v := values.get(loc, {}).get(n)))


def build_documents(session: Session) -> list[SearchDocument]:
    """Every searchable document, in a stable order (services then organisations, by id)."""
    service_texts = _texts(session, ServiceText)
    org_texts = _texts(session, OrganizationText)
    doc_names: dict[str, list[str]] = defaultdict(list)
    type_texts = _texts(session, DocumentTypeText)
    own_texts = _texts(session, RequiredDocumentText)
    for rd_id, service_id, type_id in session.execute(
        select(RequiredDocument.id, RequiredDocument.service_id, RequiredDocument.document_type_id).order_by(
            RequiredDocument.service_id, RequiredDocument.position
        )
    ):
        names = type_texts.get(type_id, {}) if type_id else {}
        text = _joined(names, "name") or _joined(own_texts.get(rd_id, {}), "document")
        doc_names[service_id].append(text)
    faq_text = _texts(session, FaqText)
    faqs: dict[str, list[str]] = defaultdict(list)
    questions: dict[str, list[str]] = defaultdict(list)
    answers: dict[str, list[str]] = defaultdict(list)
    for faq_id, service_id in session.execute(
        select(Faq.id, Faq.service_id).order_by(Faq.service_id, Faq.position)
    ):
        texts = faq_text.get(faq_id, {})
        faqs[service_id].append(_joined(texts, "question", "answer"))
        questions[service_id].extend(texts.get(loc, {}).get("question", "") for loc in PASSAGE_LOCALES)
        answers[service_id].extend(texts.get(loc, {}).get("answer", "") for loc in PASSAGE_LOCALES)

    docs: list[SearchDocument] = []
    rows = session.execute(
        select(Service.id, Service.slug, Service.category, Service.organization_id)
        .where(Service.status == "active")
        .order_by(Service.id)
    )
    for sid, slug, category, org_id in rows:
        t = service_texts.get(sid, {})
        fields = {
            "name": _joined(t, "name", "alternate_name"),
            "description": _joined(t, "description"),
            "eligibility": _joined(t, "eligibility_description"),
            "documents": "\n".join(doc_names.get(sid, [])),
            "faqs": "\n".join(faqs.get(sid, [])),
            "department": _joined(org_texts.get(org_id, {}), "name"),
        }
        titles = {loc: t.get(loc, {}).get("name", "") for loc in LOCALES}
        summaries = {loc: t.get(loc, {}).get("description", "") for loc in LOCALES}
        eligibility = [t.get(loc, {}).get("eligibility_description", "") for loc in PASSAGE_LOCALES]
        passages = make_passages(
            titles, summaries, questions.get(sid, []), details=eligibility, answers=answers.get(sid, [])
        )
        docs.append(
            SearchDocument(
                "service", sid, slug, category, fields, titles, summaries, passages, _hash(passages)
            )
        )
    for oid, slug, kind, tags in session.execute(
        select(Organization.id, Organization.slug, Organization.kind, Organization.tags).order_by(
            Organization.id
        )
    ):
        t = org_texts.get(oid, {})
        titles = {loc: t.get(loc, {}).get("name", "") for loc in LOCALES}
        summaries = {loc: t.get(loc, {}).get("description", "") for loc in LOCALES}
        fields = {
            "name": _joined(t, "name", "alternate_name"),
            "description": _joined(t, "description"),
            "tags": " ".join(tags or []),
        }
        passages = make_passages(titles, summaries, [])
        docs.append(
            SearchDocument(
                "organization",
                oid,
                slug,
                None,
                fields,
                titles,
                summaries,
                passages,
                _hash(passages),
                extra={"kind": kind},
            )
        )
    return docs
