"""Properties of the query normaliser over arbitrary text (hypothesis): it never raises, its canonical
form is a fixed point, its length stays within Unicode's bounds, and Chinese comes out Simplified."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from hetao.core.script import to_simplified
from hetao.search.text import analyze, canonicalize, detect_script, fold, tokenize
from hetao.search.text.segment import HAN_RUN_RE

#: NFKC's largest expansion of one code point (U+FDFA becomes 18 characters).
NFKC_MAX_EXPANSION = 18
#: Everything a person can type or paste: any code point but surrogates (which no request decodes to).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
#: Chinese in either script (common CJK block), with some Latin, digits, punctuation and spaces.
han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese_text = st.text(
    st.one_of(han, han, han, st.sampled_from("港澳居民來往內地通行證申請續簽嘅咗喺唔 ，。？ABCabc123-")),
    max_size=60,
)
SCRIPTS = {"zh-Hant", "zh-Hans", "en", "mixed"}


@given(any_text)
@example("")
@example("\x00\ufeff\u200b")
@example("ﷺ")
@example("ＨＫ１２３ 回鄉證 喺邊度 申請")
def test_analysis_never_raises_and_is_well_formed(text):
    analyzed = analyze(text)
    assert analyzed.original == text
    assert analyzed.script in SCRIPTS
    assert analyzed.variety in {"en", "yue", "zh"}
    assert all(token and token == token.strip() for token in analyzed.tokens)
    assert detect_script(text) == analyzed.script


@given(any_text)
@example("İSTANBUL ß ẞ Ω")
@example("\u0130\u0307")
def test_canonical_form_is_a_fixed_point(text):
    canonical = canonicalize(text)
    assert canonicalize(canonical) == canonical
    assert fold(canonical) == canonical or HAN_RUN_RE.search(canonical)


@given(chinese_text)
@example("喺邊度申請回鄉證")
@example("薴麻")
def test_canonical_form_is_a_fixed_point_for_chinese(text):
    canonical = canonicalize(text)
    assert canonicalize(canonical) == canonical


@given(any_text)
def test_canonical_form_stays_within_unicode_length_bounds(text):
    canonical = canonicalize(text)
    assert len(canonical) <= NFKC_MAX_EXPANSION * len(text)
    assert canonical == canonical.strip()
    assert "  " not in canonical
    assert len(tokenize(canonical)) <= len(canonical)


@given(chinese_text)
@example("港澳居民來往內地通行證")
@example("衞生署 枱 敍述")
def test_chinese_comes_out_without_traditional_only_characters(text):
    canonical = canonicalize(text)
    assert to_simplified(canonical) == canonical
    assert unicodedata.is_normalized("NFKC", canonical)


@given(chinese_text)
def test_traditional_and_simplified_spellings_meet(text):
    assert canonicalize(to_simplified(text)) == canonicalize(text)


def test_every_cjk_character_is_simplified_in_one_pass():
    """Exhaustive over the CJK blocks: the canonical form of each character is canonical itself (OpenCC
    alone would leave 薴 → 苧 half-way to 苎)."""
    blocks = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0)]
    half_way = [
        chr(cp)
        for start, end in blocks
        for cp in range(start, end)
        if canonicalize(canonicalize(chr(cp))) != canonicalize(chr(cp))
    ]
    assert half_way == []
    assert canonicalize("薴") == canonicalize("苧") == "苎"
