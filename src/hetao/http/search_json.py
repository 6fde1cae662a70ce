"""The JSON shape of search results, shared by ``GET /api/v1/search`` and ``hetao search --json``."""

from __future__ import annotations

from pydantic import BaseModel

from hetao.core.locales import URL_PREFIX


class SearchResultRead(BaseModel):
    type: str
    id: str
    slug: str
    category: str | None
    title: str
    score: float
    snippet: str
    url: str
    api_url: str


class DocumentRead(BaseModel):
    key: str | None
    name: str | None


class TimeLimitRead(BaseModel):
    value: int
    unit: str


class AlsoRead(BaseModel):
    id: str
    title: str | None
    url: str


class AnswerRead(BaseModel):
    service_id: str
    title: str | None
    url: str
    summary: str | None
    department: str | None
    department_url: str
    channels: list[str]
    documents: list[DocumentRead]
    promised_time_limit: TimeLimitRead | None
    statutory_time_limit: TimeLimitRead | None
    fees: str | None
    eligibility: str | None
    visits: int
    also_consider: list[AlsoRead]


class SearchRead(BaseModel):
    query: str
    normalized: str
    language: str
    no_match: bool
    did_you_mean: str | None
    results: list[SearchResultRead]
    answer: AnswerRead | None
    answers: list[AnswerRead]
    facets: dict[str, int]


def _v(text) -> str | None:
    return text.value if text is not None else None


def _limit(value) -> TimeLimitRead | None:
    return TimeLimitRead(value=value[0], unit=value[1]) if value else None


def answer_read(card, locale: str) -> AnswerRead:
    prefix = "/" + URL_PREFIX[locale]
    return AnswerRead(
        service_id=card.service_id,
        title=_v(card.title),
        url=f"{prefix}/services/{card.slug}",
        summary=_v(card.summary),
        department=_v(card.department),
        department_url=f"{prefix}/organizations/{card.department_slug}",
        channels=card.channels,
        documents=[DocumentRead(key=d.key, name=_v(d.name)) for d in card.documents],
        promised_time_limit=_limit(card.promised_time_limit),
        statutory_time_limit=_limit(card.statutory_time_limit),
        fees=_v(card.fees),
        eligibility=_v(card.eligibility),
        visits=card.visits,
        also_consider=[
            AlsoRead(id=i, title=_v(t), url=f"{prefix}/services/{slug}") for i, slug, t in card.also_consider
        ],
    )


def result_url(item, locale: str) -> tuple[str, str]:
    prefix = "/" + URL_PREFIX[locale]
    if item.type == "service":
        return f"{prefix}/services/{item.slug}", f"/api/hsds/services/{item.id}"
    return f"{prefix}/organizations/{item.slug}", f"/api/hsds/organizations/{item.id}"
