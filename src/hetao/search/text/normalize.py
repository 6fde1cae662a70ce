"""Normalisation and analysis of queries and documents.

``analyze`` turns any text — Traditional, Simplified, English, colloquial Cantonese, full-width, mixed —
into a *canonical* form (NFKC, lower case, Simplified Chinese, colloquial Cantonese rewritten to standard
written Chinese) and the index terms of that form. Documents and queries go through the same function so
their terms meet; ``analyze_query`` adds typo correction against the index vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from hetao.core.script import to_simplified, to_traditional_hk
from hetao.search.text.cantonese import rewrite_simplified
from hetao.search.text.segment import HAN_RUN_RE, tokenize

if TYPE_CHECKING:
    from hetao.search.text.fuzzy import Vocabulary

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_SPACES = re.compile(r"\s+")
#: Hong Kong variant characters that OpenCC's t2s leaves alone (its hk2s would convert them).
_HK_VARIANTS = str.maketrans({"衞": "卫", "敍": "叙", "枱": "台", "粧": "妆", "糭": "粽", "衹": "只"})
#: OpenCC's t2s takes 薴 to 苧, itself converted to 苎 only by a second pass: the one such chain in the
#: CJK blocks (tests/unit/search/test_text_properties.py checks them all). Finishing it here keeps the
#: canonical form a fixed point.
_T2S_SECOND_STEP = str.maketrans({"苧": "苎"})
#: Characters that OpenCC converts when they stand for a merged Simplified character but that are also
#: ordinary Traditional characters (了解/瞭解, 批准/準): no evidence of Simplified text.
_SHARED = frozenset("了准周布干里台后面系余只几制征冲范松斗朴卜千才咸舍划向吁家借克困蒙表折云郁御愿岳占致"
                    "佣党卷夸凶游姜丰据累沈秋烟谷丑出志回筑症")  # fmt: skip


@dataclass(frozen=True)
class Analyzed:
    """A text analysed for search."""

    original: str
    #: "zh-Hant", "zh-Hans", "en" (no Chinese characters) or "mixed" (Traditional and Simplified)
    script: str
    #: NFKC, lower case, Simplified Chinese, colloquial Cantonese rewritten to standard written Chinese
    canonical: str
    #: index terms of ``canonical`` (Chinese words, English stems, numbers and codes), stop words removed
    tokens: tuple[str, ...]
    #: (wrong, corrected) pairs applied by fuzzy correction, in canonical form
    corrections: tuple[tuple[str, str], ...] = ()
    #: "en" (no Chinese characters), "yue" (colloquial Cantonese was rewritten) or "zh": semantic
    #: similarities run lower for English and Cantonese, so no-match thresholds are per variety
    variety: str = "zh"


def fold(text: str) -> str:
    """Width, compatibility forms, case, quotes and white space folded: ``ＨＫ１２３`` → ``hk123``."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_PUNCT).lower()
    return _SPACES.sub(" ", text).strip()


def detect_script(text: str) -> str:
    """The script of ``text``: "en" without Chinese characters; "zh-Hant" or "zh-Hans" when its
    characters are Traditional-only or Simplified-only; "mixed" when it has both (the minority being at
    least a tenth of the majority). Chinese text whose characters are the same in both scripts (深圳公司)
    counts as "zh-Hant", the default locale."""
    text = unicodedata.normalize("NFKC", text)
    han = "".join(HAN_RUN_RE.findall(text))
    if not han:
        return "en"
    simplified = to_simplified(han)
    traditional = to_traditional_hk(han)
    if len(simplified) == len(han) == len(traditional):
        pairs = zip(han, simplified, traditional, strict=True)
    else:  # a phrase conversion changed the length: compare character by character
        pairs = ((c, to_simplified(c), to_traditional_hk(c)) for c in han)
    traditional_only = simplified_only = 0
    for char, simp, trad in pairs:
        if simp != char:
            traditional_only += 1
        elif trad != char and char not in _SHARED:
            simplified_only += 1
    if traditional_only and simplified_only:
        # A stray conversion in a long text is noise; a pasted term in a short query is mixed script.
        if min(traditional_only, simplified_only) * 10 >= max(traditional_only, simplified_only):
            return "mixed"
    return "zh-Hans" if simplified_only > traditional_only else "zh-Hant"


def _canonical_and_variety(text: str) -> tuple[str, str]:
    folded = fold(text)
    if HAN_RUN_RE.search(folded) is None:
        return folded, "en"
    simplified = to_simplified(folded).translate(_HK_VARIANTS).translate(_T2S_SECOND_STEP)
    canonical = rewrite_simplified(simplified)
    return canonical, ("yue" if canonical != simplified else "zh")


def canonicalize(text: str) -> str:
    """The canonical form of ``text`` (see :class:`Analyzed`)."""
    return _canonical_and_variety(text)[0]


@lru_cache(maxsize=4096)
def analyze(text: str) -> Analyzed:
    """Analyse a document field or a query (no fuzzy correction). Results are cached (they are immutable)."""
    canonical, variety = _canonical_and_variety(text)
    return Analyzed(
        original=text,
        script=detect_script(text),
        canonical=canonical,
        tokens=tokenize(canonical),
        variety=variety,
    )


def analyze_query(text: str, vocabulary: Vocabulary | None = None) -> Analyzed:
    """Analyse a query, then correct Chinese terms and English words unknown to ``vocabulary``."""
    analyzed = analyze(text)
    if vocabulary is None:
        return analyzed
    corrected, corrections = vocabulary.correct_text(analyzed.canonical)
    if not corrections:
        return analyzed
    return Analyzed(
        original=analyzed.original,
        script=analyzed.script,
        canonical=corrected,
        tokens=tokenize(corrected),
        corrections=corrections,
        variety=analyzed.variety,
    )
