"""Typo and homophone correction of queries against the vocabulary of the index.

Chinese: users type by pinyin, so typos are homophones (居住正 for 居住证) or near-homophones (报光 for
报关). A window of a Chinese run is replaced by a vocabulary term of the same length when

* the window is made of whole words of the run's segmentation and is not itself a vocabulary term or a
  dictionary word;
* the term reads the same (toneless pinyin, any heteronym; up to half the characters may differ) or
  differs in one character whose syllable is nearly the same: the same initial with finals one edit
  apart (zheng/zhen), or a fuzzy-pinyin pair of input methods (z/zh, n/l, an/ang …);
* no changed character belongs to a vocabulary term or a stop word, and for near-homophones the changed
  character stands alone (is not part of any dictionary word): a real word is never "corrected" except
  as part of a longer run that reads exactly like a vocabulary term (保管单位 → 报关单位, unless 保管
  itself is in the vocabulary);
* a two-character window is corrected only to a term of the domain dictionary and only with a
  fuzzy-pinyin pair at most (社宝 → 社保), since two characters are easily a name (意法 is not 依法).

English: a word of 5+ letters whose stem is unknown is replaced by a vocabulary stem within
Damerau-Levenshtein distance 1 (2 for words of 8+ letters), the closest and then the most frequent. The
word shown is a word of the analysed documents with that stem, closest to what was typed and itself
within that distance (``residnce`` → ``residence``; ``imigration`` is not turned into ``image`` although
imigr ~ imag). Shorter words are left alone: without an English dictionary, "open" would become "oper".
A substituted letter must be a likely slip (a neighbouring key, another vowel, or a letter that sounds
alike): "north" is another word, not a typo of "worth", nor "fridge" of "bridge".
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from hetao.core.script import to_simplified, to_traditional_hk
from hetao.search.text.normalize import Analyzed
from hetao.search.text.segment import (
    EN_STOP_WORDS,
    HAN_RUN_RE,
    ZH_STOP_WORDS,
    cut,
    domain_terms,
    is_word,
    stem,
    surface_forms,
)

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z",
             "c", "s", "y", "w")  # fmt: skip
_HAN_ONLY = re.compile(f"^{HAN_RUN_RE.pattern}$")
#: Chinese runs and plain English words (not the letters of a code such as c1, hk$300 or r&d).
_WORD_OR_HAN = re.compile(
    rf"(?P<han>{HAN_RUN_RE.pattern})|(?<![a-z0-9$&'])(?P<word>[a-z]+(?:'[a-z]+)*)(?![a-z0-9$&])"
)
_MAX_READINGS = 64  # heteronym combinations tried per window
_MAX_TERM = 12  # longest Chinese vocabulary term indexed
_MIN_WORD = 5  # shorter English words are left alone: without a dictionary, open→oper is too likely


@lru_cache(maxsize=1)
def _domain_terms() -> frozenset[str]:
    return frozenset(domain_terms())


def _toneless(syllable: str) -> str:
    return syllable.rstrip("012345")


@lru_cache(maxsize=16384)
def _readings(char: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(toned, toneless) readings of one character, every heteronym."""
    from pypinyin import Style, pinyin  # imported on first use: its phrase tables take ~0.4 s to load

    toned = tuple(
        dict.fromkeys(pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0])
    )
    return toned, tuple(dict.fromkeys(_toneless(s) for s in toned))


def _split_syllable(syllable: str) -> tuple[str, str]:
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def _levenshtein_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


#: The confusions of pinyin input methods' "fuzzy pinyin" (模糊音) settings.
_FUZZY_INITIALS = {
    frozenset(p) for p in (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("f", "h"), ("r", "l"))
}
_FUZZY_FINALS = {
    frozenset(p) for p in (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"), ("uan", "uang"))
}


@lru_cache(maxsize=65536)
def syllables_confusable(a: str, b: str) -> bool:
    """Toneless syllables equal or a fuzzy-pinyin pair (zi/zhi, lan/nan, guan/guang): the test used for
    two-character windows."""
    if a == b:
        return True
    ia, fa = _split_syllable(a)
    ib, fb = _split_syllable(b)
    return (ia == ib and frozenset((fa, fb)) in _FUZZY_FINALS) or (
        fa == fb and frozenset((ia, ib)) in _FUZZY_INITIALS
    )


@lru_cache(maxsize=65536)
def syllables_near(a: str, b: str) -> bool:
    """Nearly the same syllable: the same initial and finals one edit apart (zheng/zhen, zhi/zhu), or a
    fuzzy-pinyin pair. Other initial changes (wu/hu, wai/dai) are different words, not typos."""
    if syllables_confusable(a, b):
        return True
    ia, fa = _split_syllable(a)
    ib, fb = _split_syllable(b)
    return ia == ib and _levenshtein_le1(fa, fb)


def damerau_levenshtein(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent transpositions count 1)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (row, col) for row, keys in enumerate(_KEYBOARD) for col, ch in enumerate(keys)}
_VOWELS = frozenset("aeiouy")
#: letters spelt for one another by sound: licence/license, organise/organize, color/colour aside
_SOUND_ALIKE = frozenset({frozenset("cs"), frozenset("sz"), frozenset("ck")})


def typo_substitution(a: str, b: str) -> bool:
    """Whether typing ``a`` for ``b`` is a likely slip: neighbouring keys, two vowels, or letters that
    sound alike. north/worth, fridge/bridge and sensor/senior are other words, not typos."""
    if a == b or {a, b} in _SOUND_ALIKE or (a in _VOWELS and b in _VOWELS):
        return True
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (ra, ca), (rb, cb) = sorted((_KEY_AT[a], _KEY_AT[b]))
    if ra == rb:
        return cb - ca == 1
    # each row sits half a key to the right of the one above: key j touches j and j + 1 above it
    return rb == ra + 1 and cb in (ca - 1, ca)


def plausible_typo(typed: str, word: str) -> bool:
    """Whether ``typed`` can be a slip for ``word``: when they differ only by substituted letters (same
    length, no transposition), every substitution must be a likely one (:func:`typo_substitution`).
    Insertions, deletions and swaps of neighbouring letters are always plausible."""
    if len(typed) != len(word):
        return True
    diffs = [i for i, (x, y) in enumerate(zip(typed, word, strict=True)) if x != y]
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and typed[diffs[0]] == word[diffs[1]]:
        return True  # neighbouring letters swapped
    return all(typo_substitution(typed[i], word[i]) for i in diffs)


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))} - out
        out |= frontier
    return out


@dataclass
class _ChineseIndex:
    by_reading: dict[tuple[str, ...], list[str]]  # toneless syllables → terms
    by_mask: dict[str, list[tuple[str, int]]]  # term with one character masked → (term, position)
    toned: dict[str, tuple[str, ...]]  # term → its toned syllables
    longest: int


@dataclass
class _EnglishIndex:
    by_delete: dict[str, list[str]]  # a stem with up to 2 letters deleted → stems
    by_delete_word: dict[str, list[str]]  # a word seen with a vocabulary stem, letters deleted → stems


@dataclass(frozen=True)
class _Candidate:
    term: str
    exact: bool  # same toneless reading at every position
    changed: tuple[int, ...]
    tones: int  # positions whose tone also matches


class Vocabulary:
    """Terms of the indexed documents (canonical tokens), with a pinyin index for homophone/typo correction.

    Repeated terms count as more frequent (pass one term per document for document frequencies)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._counts: Counter[str] = Counter(terms)
        self._lock = threading.Lock()
        self._chinese: _ChineseIndex | None = None
        self._english: _EnglishIndex | None = None

    def __contains__(self, term: object) -> bool:
        return term in self._counts

    def __len__(self) -> int:
        return len(self._counts)

    def frequency(self, term: str) -> int:
        return self._counts.get(term, 0)

    # --- indexes, built on first use -------------------------------------------------------------------

    def _chinese_index(self) -> _ChineseIndex:
        index = self._chinese
        if index is None:
            with self._lock:
                if self._chinese is None:
                    self._chinese = self._build_chinese()
                index = self._chinese
        return index

    def _build_chinese(self) -> _ChineseIndex:
        from pypinyin import Style, lazy_pinyin

        by_reading: dict[tuple[str, ...], list[str]] = defaultdict(list)
        by_mask: dict[str, list[tuple[str, int]]] = defaultdict(list)
        toned: dict[str, tuple[str, ...]] = {}
        longest = 0
        for term in self._counts:
            if not 2 <= len(term) <= _MAX_TERM or not _HAN_ONLY.match(term):
                continue
            syllables = tuple(lazy_pinyin(term, style=Style.TONE3, neutral_tone_with_five=True))
            if len(syllables) != len(term):
                continue
            toned[term] = syllables
            by_reading[tuple(_toneless(s) for s in syllables)].append(term)
            for k in range(len(term)):
                by_mask[term[:k] + "\0" + term[k + 1 :]].append((term, k))
            longest = max(longest, len(term))
        return _ChineseIndex(dict(by_reading), dict(by_mask), toned, longest)

    def _english_index(self) -> _EnglishIndex:
        index = self._english
        if index is None:
            with self._lock:
                if self._english is None:
                    by_delete: dict[str, list[str]] = defaultdict(list)
                    by_delete_word: dict[str, list[str]] = defaultdict(list)
                    for term in self._counts:
                        if len(term) >= 3 and term.isascii() and term.isalpha():
                            for variant in _deletes(term, 2 if len(term) >= 6 else 1):
                                by_delete[variant].append(term)
                            for word in surface_forms(term):
                                if len(word) >= _MIN_WORD - 1:
                                    for variant in _deletes(word, 2 if len(word) >= 7 else 1):
                                        by_delete_word[variant].append(term)
                    self._english = _EnglishIndex(dict(by_delete), dict(by_delete_word))
                index = self._english
        return index

    # --- Chinese -----------------------------------------------------------------------------------------

    def _candidates(self, window: str) -> list[_Candidate]:
        index = self._chinese_index()
        readings = [_readings(c) for c in window]
        found: dict[str, _Candidate] = {}

        def consider(term: str) -> None:
            if term in found or term == window:
                return
            syllables = index.toned[term]
            changed = tuple(k for k, (a, b) in enumerate(zip(window, term, strict=True)) if a != b)
            exact = all(_toneless(s) in readings[k][1] for k, s in enumerate(syllables))
            if not exact:
                if len(changed) != 1:
                    return
                k = changed[0]
                near = syllables_near if len(window) >= 3 else syllables_confusable
                if not any(near(r, _toneless(syllables[k])) for r in readings[k][1]):
                    return
            tones = sum(s in readings[k][0] for k, s in enumerate(syllables))
            found[term] = _Candidate(term, exact, changed, tones)

        combos = 1
        for _toned, toneless in readings:
            combos *= len(toneless)
        if combos <= _MAX_READINGS:
            for key in itertools.product(*(toneless for _toned, toneless in readings)):
                for term in index.by_reading.get(key, ()):
                    consider(term)
        for k in range(len(window)):
            for term, _k in index.by_mask.get(window[:k] + "\0" + window[k + 1 :], ()):
                consider(term)
        return list(found.values())

    def _acceptable(self, candidate: _Candidate, window: str, pieces: list[str]) -> bool:
        """The guards of the module docstring. ``pieces``: the window's segmentation."""
        length = len(window)
        if length == 2 and candidate.term not in _domain_terms():
            return False  # two characters are too easily a name or another word: domain terms only
        if candidate.exact:
            if len(candidate.changed) > max(1, length // 2):
                return False
        elif len(candidate.changed) != 1:
            return False
        owner: list[str] = []
        for piece in pieces:
            owner.extend([piece] * len(piece))
        for k in candidate.changed:
            piece = owner[k]
            if piece in ZH_STOP_WORDS or window[k] in ZH_STOP_WORDS:
                return False
            if len(piece) > 1:
                # A changed character inside a real word: only an exact homophone in a longer run.
                if piece in self or not candidate.exact or len(piece) >= length:
                    return False
        return True

    def _best(self, window: str, pieces: list[str]) -> str | None:
        accepted = [c for c in self._candidates(window) if self._acceptable(c, window, pieces)]
        if not accepted:
            return None
        best = min(
            accepted,
            key=lambda c: (not c.exact, len(c.changed), -c.tones, -self._counts[c.term], c.term),
        )
        return best.term

    def _suspicious(self, piece: str) -> bool:
        """Whether a piece of a segmented run could hold a typo: a lone character, or a dictionary word
        unknown to the vocabulary (a homophone inside a longer run). Vocabulary terms and stop words
        are never changed."""
        return piece not in ZH_STOP_WORDS and (len(piece) == 1 or piece not in self)

    def _correct_run(self, run: str) -> tuple[str, list[tuple[str, str]]]:
        if len(run) < 2:
            return run, []
        pieces = cut(run)
        suspicious = [self._suspicious(p) for p in pieces]
        if not any(suspicious):
            return run, []
        # The pinyin index is built only when a run holds something to correct.
        longest = self._chinese_index().longest
        if longest < 2:
            return run, []
        out: list[str] = []
        fixes: list[tuple[str, str]] = []
        n = 0
        while n < len(pieces):
            fixed = None
            # Windows are whole pieces n..m-1, longest first, holding at least one suspicious piece.
            size = 0
            ends: list[tuple[int, int]] = []
            for m in range(n, len(pieces)):
                size += len(pieces[m])
                if size > longest:
                    break
                ends.append((m + 1, size))
            for m, size in reversed(ends):
                if size < 2 or not any(suspicious[n:m]):
                    continue
                window = "".join(pieces[n:m])
                if window in self or is_word(window):
                    continue
                fixed = self._best(window, list(pieces[n:m]))
                if fixed is not None:
                    out.append(fixed)
                    fixes.append((window, fixed))
                    n = m
                    break
            if fixed is None:
                out.append(pieces[n])
                n += 1
        return "".join(out), fixes

    # --- English -----------------------------------------------------------------------------------------

    def _near_stems(self, stemmed: str, limit: int) -> dict[str, int]:
        """Vocabulary terms within ``limit`` Damerau-Levenshtein edits of ``stemmed``, with the distance."""
        index = self._english_index()
        found: dict[str, int] = {}
        for variant in _deletes(stemmed, limit):
            for term in index.by_delete.get(variant, ()):
                if term not in found:
                    found[term] = damerau_levenshtein(stemmed, term)
        return {t: d for t, d in found.items() if d <= limit}

    def _correct_stem(self, stemmed: str, limit: int) -> str | None:
        near = {t: d for t, d in self._near_stems(stemmed, limit).items() if plausible_typo(stemmed, t)}
        if not near:
            return None
        return min(near, key=lambda t: (near[t], -self._counts[t], t))

    def _correct_word(self, word: str) -> str | None:
        """A corrected surface word for an unknown English word, or None.

        Candidates are vocabulary stems near the word's stem; a candidate whose words have been seen
        (:func:`surface_forms`) must have one within the same distance of the typed word, which is then
        shown (imigration is not "image" although imigr ~ imag)."""
        if len(word) < _MIN_WORD or not word.isascii() or not word.isalpha() or word in EN_STOP_WORDS:
            return None
        stemmed = stem(word)
        if stemmed in self or word in self:
            return None
        limit = 2 if len(word) >= 8 else 1
        keys = [stemmed]
        if word.endswith("y"):  # the stemmer turns a final y into i: compnay → compnai ~ compani
            keys.append(word[:-1] + "i")
        candidates: dict[str, int] = {}
        for key in keys:
            for term, distance in self._near_stems(key, limit).items():
                candidates[term] = min(distance, candidates.get(term, distance))
        index = self._english_index()
        for variant in _deletes(word, limit):  # stems of known words near the typed word (drivng → driv)
            for term in index.by_delete_word.get(variant, ()):
                candidates.setdefault(term, limit)
        best: tuple[int, int, str] | None = None
        for term, stem_distance in candidates.items():
            forms = surface_forms(term)
            if forms:
                distance, _count, form = min((damerau_levenshtein(word, f), -n, f) for f, n in forms.items())
                if distance > limit or not plausible_typo(word, form):
                    continue
            else:
                distance, form = stem_distance, _surface(word, term)
                if not plausible_typo(word, form):
                    continue
            rank = (distance, -self._counts[term], form)
            if best is None or rank < best:
                best = rank
        return None if best is None else best[2]

    # --- public ------------------------------------------------------------------------------------------

    def correct(self, token: str) -> str | None:
        """A vocabulary term for an unknown token (a Chinese word or an English stem), or None."""
        if not token or token in self:
            return None
        if _HAN_ONLY.match(token):
            if len(token) < 2 or is_word(token) or len(token) > self._chinese_index().longest:
                return None
            return self._best(token, list(cut(token)))
        if token.isascii() and token.isalpha() and len(token) >= _MIN_WORD and token not in EN_STOP_WORDS:
            return self._correct_stem(token, 2 if len(token) >= 8 else 1)
        return None

    def correct_text(self, canonical: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Fix typos in a canonical text; returns the corrected text and the (wrong, corrected) pairs."""
        if not self._counts:
            return canonical, ()
        fixes: list[tuple[str, str]] = []

        def replace(m: re.Match[str]) -> str:
            if m.lastgroup == "han":
                fixed, found = self._correct_run(m.group())
                fixes.extend(found)
                return fixed
            word = m.group()
            corrected = self._correct_word(word)
            if corrected is None or corrected == word:
                return word
            fixes.append((word, corrected))
            return corrected

        corrected = _WORD_OR_HAN.sub(replace, canonical)
        return corrected, tuple(fixes)


_ENDINGS = ("", "e", "s", "es", "ed", "ing", "y", "ies", "ence", "ance", "ment", "ments", "ion", "ions", "ation",
            "ations", "er", "ers", "or", "ors", "al", "ity", "ive", "ly", "ness", "ise", "ize", "ate")  # fmt: skip


def _surface(word: str, target: str) -> str:
    """The word to show for a corrected stem: a word with that stem, closest to what the user typed
    (``residnce`` → ``residence``, not ``reside``)."""
    bases = [target] + ([target[:-1]] if target.endswith(("i", "e")) else [])
    options = [base + ending for ending in _ENDINGS for base in bases]
    options = [o for o in options if stem(o) == target] or [target]
    return min(options, key=lambda o: (damerau_levenshtein(word, o), options.index(o)))


def _display_script(locale: str, script: str) -> str:
    if locale in ("zh-Hant", "zh-Hans"):
        return locale
    return "zh-Hans" if script == "zh-Hans" else "zh-Hant"


def _in_script(text: str, script: str) -> str:
    return to_traditional_hk(text) if script == "zh-Hant" else to_simplified(text)


def _match_case(replacement: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def did_you_mean(analyzed: Analyzed, locale: str) -> str | None:
    """The corrected query in the reader's script (Traditional for zh-Hant), or None when nothing changed.
    The user's own wording is kept where the corrections can be found in it; otherwise the corrected
    canonical text is shown."""
    if not analyzed.corrections:
        return None
    script = _display_script(locale, analyzed.script)
    shown = " ".join(unicodedata.normalize("NFKC", analyzed.original).split())
    folded = to_simplified(shown).lower()
    if len(folded) == len(shown):
        parts: list[str] = []
        position = 0
        for wrong, right in analyzed.corrections:
            at = folded.find(wrong, position)
            if at < 0:
                break
            parts.append(shown[position:at])
            parts.append(_match_case(right, shown[at : at + len(wrong)]))
            position = at + len(wrong)
        else:
            parts.append(shown[position:])
            return _in_script("".join(parts), script)
    return _in_script(analyzed.canonical, script)
