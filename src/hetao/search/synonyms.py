"""Domain synonyms: plain or colloquial words expanded into the formal terms service items use."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1)
def synonym_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    text = files("hetao.search").joinpath("data", "synonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        plain, _, formal = line.partition("\t")
        table[plain.strip()] = tuple(formal.split())
    return table


def expand(tokens: tuple[str, ...], canonical: str) -> list[str]:
    """The query's terms plus the formal terms of any synonym found in its tokens or its text."""
    table = synonym_table()
    out = list(tokens)
    for plain, formal in table.items():
        if plain in tokens or (not plain.isascii() and plain in canonical):
            out.extend(t for t in formal if t not in out)
    return out
