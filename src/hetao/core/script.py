"""Chinese script conversion with OpenCC (Hong Kong variant for Traditional, mainland for Simplified)."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional_hk(text: str) -> str:
    """Simplified → Traditional with Hong Kong variants and phrases."""
    return _converter("s2hk").convert(text)


def to_simplified(text: str) -> str:
    """Traditional (any variant) → Simplified."""
    return _converter("t2s").convert(text)


def convert(text: str, *, source: str, target: str) -> str:
    """Convert ``text`` between our Chinese locales; other pairs return it unchanged."""
    if source == target:
        return text
    if source == "zh-Hans" and target == "zh-Hant":
        return to_traditional_hk(text)
    if source == "zh-Hant" and target == "zh-Hans":
        return to_simplified(text)
    return text
