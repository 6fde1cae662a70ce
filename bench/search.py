"""Search latency, index build time, memory and start-up time.

    .venv/bin/python bench/search.py [--queries 1000] [--large 100000]

1. The sample catalogue in a scratch SQLite database: index build (vectors computed), then start-up
   of a fresh process-like manager with the vectors cached in the database, then p50/p99 latency of
   `--queries` searches (the labelled questions, cycled) through the full path (analysis, BM25,
   query embedding, fusion, answer card), and the same for BM25 only as the baseline.
2. `--large` generated items (text recombined from the catalogue; synthetic random unit vectors: this
   measures latency and memory, not quality): index build time, memory, p50/p99 query latency.
Figures are printed, not asserted."""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

STARTUP = """
import sys, time
t0 = time.perf_counter()
from hetao.core.settings import Settings
from hetao.search import IndexManager, search
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
engine = make_engine(Settings(database_url=sys.argv[1]))
manager = IndexManager(engine, background=False)
with unit_of_work(make_session_factory(engine)) as session:
    out = search(session, manager=manager, query="港澳居民居住證", locale="zh-Hant", log_misses=False)
missing = len(manager._index.missing_vectors)
print(f"{time.perf_counter() - t0:.2f} s (missing vectors: {missing})")
"""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100)[p - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    from hetao.catalog import load_sample
    from hetao.core.settings import Settings
    from hetao.search import IndexManager, search
    from hetao.search.bm25 import BM25Index
    from hetao.search.engine import rank, rank_question
    from hetao.search.evaluation import load_queries
    from hetao.search.index import SearchIndex, weighted_terms
    from hetao.search.text import Vocabulary, analyze
    from hetao.storage.database import make_engine, make_session_factory, unit_of_work
    from hetao.storage.migrate import upgrade

    settings = Settings(database_url=f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_sample(session)

    t0 = time.perf_counter()
    manager = IndexManager(engine, background=False)
    index, computed = manager.build_now()
    build = time.perf_counter() - t0
    print(
        f"sample catalogue: {len(index.documents)} documents; backend {index.backend.name if index.backend else 'none'}"
    )
    print(f"  index build with {computed} vectors computed: {build:.2f} s")

    startup = subprocess.run(
        [sys.executable, "-c", STARTUP, str(engine.url)], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"  start-up of a new process with cached vectors (imports, index, model, first answer): {startup}")
    fresh = IndexManager(engine, background=False)
    with factory() as session:
        warm = fresh.current(session)

    questions = [q.q for q in load_queries()]
    stream = [questions[i % len(questions)] for i in range(args.queries)]
    backend = fresh.backend
    for label, semantic in (("BM25 only (baseline)", False), ("BM25 + semantic (full path)", True)):
        times = []
        with unit_of_work(factory) as session:
            for q in stream:
                t = time.perf_counter()
                if semantic:
                    search(session, manager=fresh, query=q, locale="zh-Hant", log_misses=False)
                else:
                    rank_question(warm, q, use_semantic=False)
                times.append(time.perf_counter() - t)
        if semantic:
            # The first pass over the questions embeds each one; later passes find its vector in the
            # backend's memo (people repeat questions). Both are shown, so neither flatters.
            first = times[: len(questions)]
            print(
                f"  {label + ', new questions':32} p50 {pct(first, 50):6.1f} ms   p99 {pct(first, 99):6.1f} ms"
                f"   ({len(first)} queries)"
            )
        print(
            f"  {label:32} p50 {pct(times, 50):6.1f} ms   p99 {pct(times, 99):6.1f} ms   ({len(times)} queries)"
        )
    if backend is not None:
        lengths = []
        for q in questions:
            t = time.perf_counter()
            backend._queries([q])  # the model alone, past the memo
            lengths.append(time.perf_counter() - t)
        print(
            f"  {'query embedding alone':32} p50 {pct(lengths, 50):6.1f} ms   p99 {pct(lengths, 99):6.1f} ms"
        )
    print(f"  max RSS so far: {rss_mb():.0f} MB")

    if args.large:
        rng = random.Random(7)
        vocab_docs = [d for d in index.documents]
        before = rss_mb()
        t0 = time.perf_counter()
        counts = []
        base_terms = [weighted_terms(d) for d in vocab_docs]
        for i in range(args.large):
            a, b = rng.sample(base_terms, 2)
            c = Counter()
            for term, w in list(a.items())[:60]:
                c[term] += w
            for term, w in list(b.items())[:40]:
                c[term] += w * 0.5
            c[f"item{i}"] += 3.0
            counts.append(c)
        bm25 = BM25Index(counts)
        vectors = np.random.default_rng(7).standard_normal(
            (args.large, index.backend.dim if index.backend else 384), dtype=np.float32
        )
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        large = SearchIndex(
            "bench",
            index.backend,
            [vocab_docs[i % len(vocab_docs)] for i in range(args.large)],
            bm25,
            Vocabulary(t for c in base_terms for t in c),
            None,
            vectors,
            np.ones(args.large, dtype=bool),
            np.arange(args.large, dtype=np.int64),
            np.ones(args.large, dtype=np.int64),
        )
        print(
            f"{args.large} generated items: index build {time.perf_counter() - t0:.1f} s, "
            f"memory +{rss_mb() - before:.0f} MB (max RSS {rss_mb():.0f} MB)"
        )
        times = []
        for q in stream:
            t = time.perf_counter()
            rank_question(large, q)
            times.append(time.perf_counter() - t)
        print(
            f"  BM25 + semantic                  p50 {pct(times, 50):6.1f} ms   p99 {pct(times, 99):6.1f} ms"
        )
        if index.backend is not None:
            vectors_of = {q: index.backend.embed_queries([q])[0] for q in set(stream)}
            times = []
            for q in stream:
                t = time.perf_counter()
                rank(large, q, query_vector=vectors_of[q])
                times.append(time.perf_counter() - t)
            print(
                f"  ranking alone (vector given)     p50 {pct(times, 50):6.1f} ms   p99 {pct(times, 99):6.1f} ms"
            )
        _ = analyze


if __name__ == "__main__":
    main()
