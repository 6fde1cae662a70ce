"""Simple text matching for list filters: case- and script-insensitive substring search.
(The search package replaces this with real retrieval; the list filters keep using it.)"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from hetao.core.script import to_simplified


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold case, width and Chinese script so 居住證, 居住证 and ＡＢＣ/abc compare equal."""
    return to_simplified(unicodedata.normalize("NFKC", text)).casefold()


def matches(query: str, texts: list[str]) -> bool:
    terms = [t for t in fold(query).split() if t]
    haystack = "\n".join(fold(t) for t in texts if t)
    return all(term in haystack for term in terms)


def matches_folded(query: str, folded_haystack: str) -> bool:
    """Like :func:`matches` for a haystack folded beforehand."""
    return all(term in folded_haystack for term in fold(query).split() if term)
