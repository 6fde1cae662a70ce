"""Colloquial Cantonese and Hong Kong usage rewritten to standard written Chinese.

The table (``data/cantonese.tsv``) is written in Traditional Chinese; each row is also converted to
Simplified with OpenCC, so both scripts are covered. Matching is longest first, left to right, and rows
whose standard form equals the colloquial one are *protected compounds*: they are matched and kept, so
that 係→是 leaves 關係, 體系 and 系統 alone and 仲→還 leaves 仲裁 alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hetao.core.script import to_simplified, to_traditional_hk

TABLE_PATH = Path(__file__).parent / "data" / "cantonese.tsv"


@dataclass(frozen=True)
class RewriteTable:
    """Longest-match-first rewriting with a dictionary; a ``None`` replacement keeps the match (protected)."""

    mapping: dict[str, str | None]
    lengths: tuple[int, ...]  # key lengths, longest first
    starts: re.Pattern[str]  # the characters a key can start with

    @classmethod
    def build(cls, mapping: dict[str, str | None]) -> RewriteTable:
        lengths = tuple(sorted({len(k) for k in mapping}, reverse=True))
        first = "".join(sorted({re.escape(k[0]) for k in mapping}))
        return cls(mapping, lengths, re.compile(f"[{first}]"))

    def apply(self, text: str) -> str:
        out: list[str] = []
        i = 0
        n = len(text)
        while True:
            m = self.starts.search(text, i)
            if m is None:
                break
            s = m.start()
            for length in self.lengths:
                if s + length > n:
                    continue
                piece = text[s : s + length]
                if piece in self.mapping:
                    replacement = self.mapping[piece]
                    out.append(text[i:s])
                    out.append(piece if replacement is None else replacement)
                    i = s + length
                    break
            else:
                out.append(text[i : s + 1])
                i = s + 1
        out.append(text[i:])
        return "".join(out)


def _parse(text: str) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{TABLE_PATH.name}:{number}: expected 'colloquial<TAB>standard', got {line!r}")
        rows.append((parts[0].strip(), parts[1].strip()))
    return rows


@lru_cache(maxsize=1)
def table_rows() -> tuple[tuple[str, str], ...]:
    """The rows of the table as written (Traditional): ``(colloquial, standard)``; equal = protected."""
    return tuple(_parse(TABLE_PATH.read_text(encoding="utf-8")))


def _put(mapping: dict[str, str | None], key: str, value: str | None) -> None:
    if key in mapping and mapping[key] != value:
        raise ValueError(f"{TABLE_PATH.name}: {key!r} maps to both {mapping[key]!r} and {value!r}")
    mapping[key] = value


@lru_cache(maxsize=1)
def _tables() -> tuple[RewriteTable, RewriteTable]:
    """(Simplified table, Traditional table). The Traditional one also knows the Simplified keys, for
    Traditional text with a few Simplified characters in it."""
    hans: dict[str, str | None] = {}
    hant: dict[str, str | None] = {}
    for colloquial, standard in table_rows():
        protected = colloquial == standard
        key_hans = to_simplified(colloquial)
        _put(hans, key_hans, None if protected else to_simplified(standard))
        _put(hant, colloquial, None if protected else standard)
        if key_hans != colloquial and key_hans not in hant:
            hant[key_hans] = None if protected else standard
    return RewriteTable.build(hans), RewriteTable.build(hant)


def rewrite_simplified(text: str) -> str:
    """Apply the Simplified table to text already converted to Simplified (the search pipeline's path)."""
    return _tables()[0].apply(text)


def cantonese_to_standard(text: str) -> str:
    """Rewrite colloquial Cantonese in ``text`` to standard written Chinese, keeping the text's script:
    Simplified text gets Simplified replacements, anything else Traditional (Hong Kong) ones."""
    hans, hant = _tables()
    simplified = to_simplified(text) == text and to_traditional_hk(text) != text
    return (hans if simplified else hant).apply(text)
