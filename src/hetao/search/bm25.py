"""BM25 over weighted fields (a BM25F simplification: per-field term counts are weighted and summed
before saturation), with numpy postings so scoring stays fast at 100,000 documents."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np


class BM25Index:
    def __init__(self, documents: list[Counter], *, k1: float = 1.2, b: float = 0.75) -> None:
        """``documents``: for each document, weighted term frequencies (term -> Σ field weight × count)."""
        self.n = len(documents)
        self.k1, self.b = k1, b
        lengths = np.array([sum(d.values()) for d in documents], dtype=np.float32)
        self.avg_length = float(lengths.mean()) if self.n else 1.0
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for i, doc in enumerate(documents):
            for term, tf in doc.items():
                ids, tfs = postings[term]
                ids.append(i)
                tfs.append(tf)
        norm = self.k1 * (1 - self.b + self.b * lengths / max(self.avg_length, 1e-9))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, (ids, tfs) in postings.items():
            idx = np.asarray(ids, dtype=np.int32)
            tf = np.asarray(tfs, dtype=np.float32)
            df = len(ids)
            self.idf[term] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            self._postings[term] = (idx, tf * (self.k1 + 1) / (tf + norm[idx]))
        self.terms = frozenset(self._postings)

    def scores(self, terms: list[str]) -> np.ndarray:
        acc = np.zeros(self.n, dtype=np.float32)
        for term, count in Counter(terms).items():
            posting = self._postings.get(term)
            if posting is None:
                continue
            idx, saturated = posting
            acc[idx] += saturated * (self.idf[term] * (1 + 0.2 * (count - 1)))
        return acc

    def top(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        if not self.n or not terms:
            return []
        scores = self.scores(terms)
        k = min(k, self.n)
        cand = np.argpartition(-scores, k - 1)[:k]
        cand = cand[np.argsort(-scores[cand], kind="stable")]
        return [(int(i), float(scores[i])) for i in cand if scores[i] > 0]

    def matched_weight(self, terms: list[str], doc: int) -> float:
        """The share of the query's idf mass that document ``doc`` contains (0…1)."""
        unique = set(terms)
        unseen = math.log(1 + (self.n + 0.5) / 0.5)  # a term no document has weighs most
        total = sum(self.idf.get(t, unseen) for t in unique)
        if total == 0:
            return 0.0
        found = 0.0
        for term in unique:
            posting = self._postings.get(term)
            if posting is None:
                continue
            idx = posting[0]
            pos = np.searchsorted(idx, doc)
            if pos < len(idx) and idx[pos] == doc:
                found += self.idf[term]
        return found / total
