"""The search verb used by the pages, the API and the command line."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from hetao.catalog import load_services
from hetao.core.db import utcnow
from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.script import to_simplified
from hetao.search.answer import AnswerCard, build_card
from hetao.search.engine import Hit, Ranking, rank_question
from hetao.search.index import IndexManager, SearchIndex
from hetao.search.models import SearchMiss
from hetao.search.params import DEFAULT_PARAMS, RankingParams
from hetao.search.text import did_you_mean

log = logging.getLogger(__name__)

MAX_QUERY = 200
TYPES = ("service", "organization")


@dataclass
class ResultItem:
    type: str
    id: str
    slug: str
    category: str | None
    title: str
    title_locale: str
    snippet: str
    highlights: list[tuple[int, int]]
    score: float


@dataclass
class SearchOutcome:
    query: str
    normalized: str
    locale: str
    no_match: bool
    did_you_mean: str | None
    results: list[ResultItem]
    answers: list[AnswerCard] = field(default_factory=list)
    facets: dict[str, int] = field(default_factory=dict)


def _validate(query: str, limit: int, type_: str | None) -> str:
    text = " ".join((query or "").split())
    problems = []
    if not text:
        problems.append(Problem("q", N_("Type a question or some words to search for.")))
    if len(text) > MAX_QUERY:
        problems.append(
            Problem("q", N_("The search text is too long (at most %(max)d characters)."), {"max": MAX_QUERY})
        )
    if not 1 <= limit <= 50:
        problems.append(Problem("limit", N_("limit must be between 1 and 50.")))
    if type_ is not None and type_ not in TYPES:
        problems.append(Problem("type", N_("Unknown result type %(value)s."), {"value": type_}))
    if problems:
        raise ValidationFailed(problems)
    return text


def search(
    session: Session,
    *,
    manager: IndexManager,
    query: str,
    locale: str,
    limit: int = 10,
    type: str | None = None,  # noqa: A002
    category: str | None = None,
    params: RankingParams = DEFAULT_PARAMS,
    log_misses: bool = True,
) -> SearchOutcome:
    text = _validate(query, limit, type)
    index = manager.current(session)
    ranking = rank_question(index, text, params=params)
    no_match = not ranking.confident
    hits = [] if no_match else ranking.hits
    filtered = [h for h in hits if _accept(index, h, type, category)]
    facets = Counter(
        index.documents[h.position].category or "organization"
        for h in hits[:50]
        if _accept(index, h, type, None)
    )
    results = [_item(index, h, ranking, locale) for h in filtered[:limit]]
    answers = [] if no_match else _answers(session, index, ranking, locale, params)
    if no_match and log_misses:
        record_miss(session, text, locale)
    return SearchOutcome(
        query=text,
        normalized=ranking.analyzed.canonical,
        locale=locale,
        no_match=no_match,
        did_you_mean=did_you_mean(ranking.analyzed, locale),
        results=results,
        answers=answers,
        facets=dict(facets),
    )


def _accept(index: SearchIndex, hit: Hit, type_: str | None, category: str | None) -> bool:
    doc = index.documents[hit.position]
    return (type_ is None or doc.type == type_) and (category is None or doc.category == category)


def _item(index: SearchIndex, hit: Hit, ranking: Ranking, locale: str) -> ResultItem:
    doc = index.documents[hit.position]
    title_locale = (
        locale
        if doc.titles.get(locale)
        else next((x for x in ("zh-Hant", "zh-Hans", "en") if doc.titles.get(x)), locale)
    )
    snippet = _snippet(doc.summary(locale), ranking.analyzed.tokens)
    return ResultItem(
        type=doc.type,
        id=doc.id,
        slug=doc.slug,
        category=doc.category,
        title=doc.title(locale),
        title_locale=title_locale,
        snippet=snippet,
        highlights=highlight_spans(snippet, ranking.analyzed.tokens),
        score=round(hit.score, 6),
    )


def _snippet(text: str, tokens: tuple[str, ...], width: int = 140) -> str:
    if len(text) <= width:
        return text
    folded = to_simplified(text).lower()
    first = min((p for t in tokens if (p := folded.find(t)) >= 0), default=0)
    start = max(0, first - 30)
    return ("…" if start else "") + text[start : start + width] + "…"


def highlight_spans(text: str, tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text`` (any script): (start, end) pairs, merged."""
    folded = to_simplified(text).lower()
    if len(folded) != len(text):
        return []
    spans = []
    for token in sorted({t for t in tokens if len(t) >= 2 or not t.isascii()}, key=len, reverse=True):
        for m in re.finditer(re.escape(token), folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


#: answer cards kept per index (per catalogue version); past this many the cache starts afresh
CARD_CACHE_SIZE = 2048


def _answers(
    session: Session, index: SearchIndex, ranking: Ranking, locale: str, params: RankingParams
) -> list[AnswerCard]:
    groups = ranking.parts or [ranking]
    cards: list[AnswerCard] = []
    used: set[str] = set()
    for part in groups:
        services = [h for h in part.hits if index.documents[h.position].type == "service"]
        if not services or index.documents[services[0].position].id in used:
            continue
        top = services[0]
        also_hits = [h for h in services[1:4] if h.score >= params.also_ratio * top.score]
        ids = [index.documents[top.position].id] + [index.documents[h.position].id for h in also_hits]
        card = _card(session, index, ids, locale)
        if card is None:
            continue
        cards.append(card)
        used.add(card.service_id)
    return cards


def _card(session: Session, index: SearchIndex, ids: list[str], locale: str) -> AnswerCard | None:
    """The card of ``ids[0]`` with the others as "also consider", built once per catalogue version (the
    index is rebuilt, and its cards dropped, when the catalogue changes). Cards are shared between
    requests: read them, never change them."""
    key = (tuple(ids), locale)
    card = index.cards.get(key)
    if card is None:
        loaded = load_services(session, ids)
        if not loaded or loaded[0].id != ids[0]:
            return None
        card = build_card(loaded[0], locale, loaded[1:])
        if len(index.cards) >= CARD_CACHE_SIZE:
            index.cards.clear()
        index.cards[key] = card
    return card


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_HKID = re.compile(r"\b[A-Za-z]{1,2}\d{6}\s*\(?[0-9Aa]\)?")
_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")


def scrub(text: str) -> str:
    """Remove what could identify a person: e-mail addresses, identity-card numbers, long digit runs."""
    text = _EMAIL.sub("…", text)
    text = _HKID.sub("…", text)
    return _DIGITS.sub("…", text)[:MAX_QUERY]


def record_miss(session: Session, query: str, locale: str) -> None:
    """Count a question without a good answer. Two requests recording the same new question at once
    meet on the unique constraint: the loser's insert is rolled back to a savepoint and it counts.
    The count is a statistic: when SQLite cannot turn the search's read transaction into a write (a
    background job wrote meanwhile), it is skipped with a warning rather than failing the search."""
    clean = scrub(query)
    where = (SearchMiss.query == clean, SearchMiss.locale == locale)
    try:
        with session.begin_nested():
            if session.scalar(select(SearchMiss.id).where(*where)) is None:
                try:
                    with session.begin_nested():
                        session.add(SearchMiss(query=clean, locale=locale, count=1))
                    return
                except IntegrityError:
                    pass
            session.execute(
                update(SearchMiss).where(*where).values(count=SearchMiss.count + 1, last_seen=utcnow())
            )
    except OperationalError:
        log.warning("a question without an answer was not counted: the database was busy", exc_info=True)


def list_misses(session: Session, *, limit: int = 50) -> list[SearchMiss]:
    return list(
        session.scalars(
            select(SearchMiss).order_by(SearchMiss.count.desc(), SearchMiss.last_seen.desc()).limit(limit)
        )
    )
