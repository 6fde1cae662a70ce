"""Evaluation of the search on a labelled set of questions (``hetao eval search``).

Each question has a language (zh-Hant, zh-Hans, en, yue), a kind (direct, paraphrase, colloquial,
typo, mixed, multi, none) and the slugs that answer it (any one counts; ``org:slug`` for an
organisation); ``none`` questions have no answer. Figures: recall@1, recall@5, MRR@10 over the
answerable questions (a no-match verdict counts as not found), overall, per language and per kind;
no-answer precision and recall; the false no-match rate; and for multi-intent questions the share
whose every part is answered in the top five."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import yaml

from hetao.search.engine import candidates, fuse, rank_question
from hetao.search.index import SearchIndex
from hetao.search.params import DEFAULT_PARAMS, RankingParams

LANGS = ("zh-Hant", "zh-Hans", "en", "yue")
KINDS = ("direct", "paraphrase", "colloquial", "typo", "mixed", "multi", "none")


@dataclass(frozen=True)
class Query:
    q: str
    lang: str
    kind: str
    expect: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()


def load_queries(path: Path | None = None) -> list[Query]:
    sources = (
        [path]
        if path
        else sorted(
            (p for p in files("hetao.search").joinpath("eval").iterdir() if p.name.endswith(".yaml")),
            key=lambda p: p.name,
        )
    )
    out = []
    for source in sources:
        for row in yaml.safe_load(source.read_text(encoding="utf-8")) or []:
            out.append(
                Query(
                    q=str(row["q"]),
                    lang=row["lang"],
                    kind=row["kind"],
                    expect=tuple(row.get("expect") or ()),
                    parts=tuple(tuple(p) for p in row.get("parts") or ()),
                )
            )
    return out


@dataclass
class Tally:
    n: int = 0
    r1: int = 0
    r5: int = 0
    rr: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.r1 += rank == 1
            self.r5 += rank <= 5
            self.rr += 1.0 / rank if rank <= 10 else 0.0

    def row(self) -> tuple[float, float, float]:
        return (self.r1 / self.n, self.r5 / self.n, self.rr / self.n) if self.n else (0.0, 0.0, 0.0)


@dataclass
class Report:
    name: str
    overall: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    none_total: int = 0
    none_caught: int = 0
    flagged: int = 0
    flagged_correct: int = 0
    answerable: int = 0
    false_no_match: int = 0
    multi_total: int = 0
    multi_all_parts: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def no_answer_precision(self) -> float:
        return self.flagged_correct / self.flagged if self.flagged else 1.0

    @property
    def no_answer_recall(self) -> float:
        return self.none_caught / self.none_total if self.none_total else 1.0

    @property
    def false_no_match_rate(self) -> float:
        return self.false_no_match / self.answerable if self.answerable else 0.0


def _key(index: SearchIndex, position: int) -> str:
    doc = index.documents[position]
    return doc.slug if doc.type == "service" else f"org:{doc.slug}"


def _rank_of(keys: list[str], expect: tuple[str, ...]) -> int | None:
    for i, key in enumerate(keys[:10], start=1):
        if key in expect:
            return i
    return None


def _record(
    report: Report, q: Query, keys: list[str], no_match: bool, parts_keys: list[list[str]] | None
) -> None:
    if no_match:
        report.flagged += 1
    if q.kind == "none":
        report.none_total += 1
        if no_match:
            report.none_caught += 1
            report.flagged_correct += 1
        else:
            report.failures.append(f"[none answered] {q.q} -> {keys[:3]}")
        return
    report.answerable += 1
    if no_match:
        report.false_no_match += 1
    rank = None if no_match else _rank_of(keys, q.expect)
    if rank is None or rank > 5:
        report.failures.append(
            f"[{q.lang}/{q.kind}] {q.q} -> {'NO MATCH' if no_match else keys[:5]} want {list(q.expect)}"
        )
    for tally in (report.overall, report.by_lang[q.lang], report.by_kind[q.kind]):
        tally.add(rank)
    if q.kind == "multi" and q.parts:
        report.multi_total += 1
        top = set(keys[:5])
        if not no_match and all(top & set(part) for part in q.parts):
            report.multi_all_parts += 1


def evaluate(
    index: SearchIndex,
    queries: list[Query],
    *,
    params: RankingParams = DEFAULT_PARAMS,
    semantic: bool = True,
    name: str = "",
) -> Report:
    report = Report(name or ("fused" if semantic else "bm25"))
    for q in queries:
        ranking = rank_question(index, q.q, params=params, use_semantic=semantic)
        keys = [_key(index, h.position) for h in ranking.hits]
        _record(report, q, keys, not ranking.confident, None)
    return report


def tune(index: SearchIndex, queries: list[Query]) -> tuple[RankingParams, Report]:
    """Grid search of the fusion weights and no-match thresholds (single-intent ranking, cached
    candidate lists), maximising recall@5 + MRR@10 with a penalty on false no-matches and missed
    no-answers."""
    cached = []
    for q in queries:
        cached.append((q, candidates(index, q.q, depth=DEFAULT_PARAMS.depth)))
    best: tuple[float, RankingParams, Report] | None = None
    grid = itertools.product(
        (10.0, 20.0),
        (0.0, 0.5, 1.0),
        (1.0, 1.5, 2.0, 3.0),
        (0.4, 0.6, 1.0),
        (0.86, 0.865, 0.87),
        (0.8, 1.01),
        (0.2, 0.25, 0.3),
    )
    for rrf_k, w_name, w_sem, w_org, sem_t, lex_t, cov_f in grid:
        params = RankingParams(
            rrf_k=rrf_k,
            w_name=w_name,
            w_sem=w_sem,
            w_org=w_org,
            sem_threshold=sem_t,
            lex_threshold=lex_t,
            cov_floor=cov_f,
        )
        report = Report("tuning")
        for q, cands in cached:
            ranking = fuse(index, cands, params)
            _record(report, q, [_key(index, h.position) for h in ranking.hits], not ranking.confident, None)
        r1, r5, mrr = report.overall.row()
        objective = r5 + mrr - 2.0 * report.false_no_match_rate - 0.5 * (1 - report.no_answer_recall)
        if best is None or objective > best[0]:
            best = (objective, params, report)
    assert best is not None
    return best[1], best[2]


def format_report(reports: list[Report]) -> str:
    lines = []
    header = f"{'':22}" + "".join(f"{r.name:>26}" for r in reports)
    lines.append(header)
    lines.append(f"{'':22}" + "".join(f"{'R@1   R@5   MRR@10   n':>26}" for _ in reports))

    def row(label: str, pick) -> None:
        cells = []
        for r in reports:
            t = pick(r)
            r1, r5, mrr = t.row()
            cells.append(f"{r1:6.3f}{r5:6.3f}{mrr:8.3f}{t.n:5d}  ")
        lines.append(f"{label:22}" + "".join(f"{c:>26}" for c in cells))

    row("overall", lambda r: r.overall)
    for lang in LANGS:
        row(f"  lang {lang}", lambda r, lang=lang: r.by_lang[lang])
    for kind in KINDS:
        if kind != "none":
            row(f"  kind {kind}", lambda r, kind=kind: r.by_kind[kind])
    lines.append("")
    lines.append(f"{'no-answer precision':22}" + "".join(f"{r.no_answer_precision:>26.3f}" for r in reports))
    lines.append(f"{'no-answer recall':22}" + "".join(f"{r.no_answer_recall:>26.3f}" for r in reports))
    lines.append(f"{'false no-match rate':22}" + "".join(f"{r.false_no_match_rate:>26.3f}" for r in reports))
    lines.append(
        f"{'multi: all parts @5':22}"
        + "".join(f"{(r.multi_all_parts / r.multi_total if r.multi_total else 0):>26.3f}" for r in reports)
    )
    return "\n".join(lines)
