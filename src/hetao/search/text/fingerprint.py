"""A fingerprint of the analyser: its code, its dictionaries and the versions of the libraries it
relies on. Stored analysed terms are valid only for the fingerprint they were made with."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_HERE = Path(__file__).parent
_SOURCES = ("normalize.py", "segment.py", "cantonese.py", "data/cantonese.tsv", "data/terms.txt")
#: Script conversion (Traditional → Simplified) is part of the canonical form.
_SCRIPT = _HERE.parent.parent / "core" / "script.py"
_LIBRARIES = ("jieba", "opencc", "snowballstemmer")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def analyzer_fingerprint() -> str:
    """16 hex digits; changes whenever analysing a text could give other terms."""
    digest = hashlib.sha256()
    for path in [_HERE / name for name in _SOURCES] + [_SCRIPT]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for name in _LIBRARIES:
        digest.update(f"{name}={_version(name)}".encode())
    return digest.hexdigest()[:16]
