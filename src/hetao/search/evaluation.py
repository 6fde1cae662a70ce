"""Evaluation of the search on a labelled set of questions (``hetao eval search``).

Each question has a language (zh-Hant, zh-Hans, en, yue), a kind (direct, paraphrase, colloquial,
typo, mixed, multi, none) and the slugs that answer it (any one counts; ``org:slug`` for an
organisation); ``none`` questions have no answer. Figures: recall@1, recall@5, MRR@10 over the
answerable questions (a no-match verdict counts as not found), overall, per language and per kind;
no-answer precision and recall; the false no-match rate; and for multi-intent questions the share
whose every part is answered in the top five."""

from __future__ import annotations

import itertools
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path

import numpy as np
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


def held_out(q: Query) -> bool:
    """A fixed third of the questions (by a hash of their text) kept out of tuning."""
    return zlib.crc32(q.q.encode("utf-8")) % 3 == 0


def split(queries: list[Query]) -> tuple[list[Query], list[Query]]:
    """(tuning set, held-out set)."""
    return [q for q in queries if not held_out(q)], [q for q in queries if held_out(q)]


def tune(
    index: SearchIndex, queries: list[Query], *, max_false_no_match: float = 0.03
) -> tuple[RankingParams, Report]:
    """Grid search on ``queries`` (pass the tuning split, and judge the result on the held-out one).
    First the semantic ranking's temperature and centroid weight with the fusion weights, maximising
    recall@5 + MRR@10 of single-intent ranking (cached candidate lists, no-match ignored); then the no-match thresholds per query variety, maximising no-answer
    recall with at most ``max_false_no_match`` of answerable questions flagged."""

    def run(params: RankingParams, cached, *, no_match: bool) -> Report:
        report = Report("tuning")
        for q, cands in cached:
            if not no_match and q.kind == "none":
                continue
            ranking = fuse(index, cands, params)
            keys = [_key(index, h.position) for h in ranking.hits]
            _record(report, q, keys, no_match and not ranking.confident, None)
        return report

    best: tuple[float, RankingParams, list] | None = None
    for rank_temperature, rank_centroid in itertools.product((0.03, 0.05, 0.1), (1.0, 2.0)):
        scoring = replace(DEFAULT_PARAMS, rank_temperature=rank_temperature, rank_centroid=rank_centroid)
        cached = [(q, candidates(index, q.q, depth=scoring.depth, params=scoring)) for q in queries]
        for rrf_k, w_name, w_sem, w_org in itertools.product(
            (5.0, 10.0, 20.0), (0.0, 0.5), (1.0, 2.0, 3.0), (0.6, 1.0)
        ):
            params = replace(scoring, rrf_k=rrf_k, w_name=w_name, w_sem=w_sem, w_org=w_org)
            _r1, r5, mrr = run(params, cached, no_match=False).overall.row()
            if best is None or r5 + mrr > best[0] + 1e-9:
                best = (r5 + mrr, params, cached)
    assert best is not None
    ranking_params, cached = best[1], best[2]

    # The no-match verdict depends only on each question's variety, best semantic score and best
    # coverage under the chosen ranking: decide the whole grid on those arrays.
    rankings = [(q, fuse(index, cands, ranking_params)) for q, cands in cached]
    variety = np.array([r.analyzed.variety for _q, r in rankings])
    sem = np.array([r.best_semantic for _q, r in rankings])
    cov = np.array([r.best_coverage for _q, r in rankings])
    none = np.array([q.kind == "none" for q, _r in rankings])
    chosen: tuple[float, RankingParams] | None = None
    grid = [round(0.84 + 0.005 * i, 3) for i in range(15)]
    for zh, en, yue in itertools.product(grid, grid, grid):
        threshold = np.where(variety == "en", en, np.where(variety == "yue", yue, zh))
        for margin, cov_floor, lex in itertools.product((0.0, 0.01, 0.02), (0.1, 0.2, 0.3), (0.8, 1.01)):
            confident = (sem >= threshold + margin) | (cov >= lex) | ((sem >= threshold) & (cov >= cov_floor))
            false_no_match = float(np.mean(~confident[~none])) if (~none).any() else 0.0
            recall = float(np.mean(~confident[none])) if none.any() else 1.0
            excess = max(0.0, false_no_match - max_false_no_match)
            objective = recall - 10 * excess - 0.5 * false_no_match
            if chosen is None or objective > chosen[0] + 1e-9:
                chosen = (
                    objective,
                    replace(
                        ranking_params,
                        sem_threshold=zh,
                        sem_threshold_en=en,
                        sem_threshold_yue=yue,
                        sem_margin=margin,
                        cov_floor=cov_floor,
                        lex_threshold=lex,
                    ),
                )
    assert chosen is not None
    return chosen[1], run(chosen[1], cached, no_match=True)


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
