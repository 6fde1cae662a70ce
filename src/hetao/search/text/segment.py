"""Segmentation of canonical text into index terms.

Chinese runs go through jieba (our own ``Tokenizer`` instance, loaded once, lazily and thread-safely, on
jieba's dictionary without its rare words and with the domain dictionary ``data/terms.txt``) without HMM, then in a search mode that adds each long word's
dictionary sub-words, so 居住证 yields 居住 and 居住证. Latin words are stemmed with the Snowball English
stemmer; numbers and codes (``c1``, ``2024``, ``hk$300``, ``15%``) are kept whole. Stop words and
punctuation are dropped.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import jieba
import snowballstemmer

TERMS_PATH = Path(__file__).parent / "data" / "terms.txt"

#: Words of jieba's general dictionary rarer than this in its own corpus counts are left out: mostly
#: idioms, names and literary compounds that questions about public services do not use. The pruned
#: dictionary (about 80,000 of 349,000 words) loads in a fifth of the time, which is most of a fresh
#: process's start-up; the labelled set gives the same figures with it (ADR 0004).
MIN_WORD_FREQ = 20

log = logging.getLogger(__name__)

#: Chinese function words, question words and fillers (Simplified; the canonical text is Simplified).
ZH_STOP_WORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 嘛 哦 喔 哈 啦 么 嘅 咗 喇 啰 咯 嗎 囉
    怎么 怎样 怎么样 怎么办 如何 什么 什么样 什么时候 为什么 为何 是否 是不是 有没有 能否 可否
    哪 哪里 哪儿 哪些 哪个 哪间 哪家 谁 多少 几 多长
    要 想 想要 可以 能 能够 会 应该 得 请 请问 麻烦 谢谢 一下 时候 多长时间
    我 你 您 他 她 它 我们 你们 他们 她们 咱们 自己 本人 大家
    是 在 有 没有 没 不 不是 不用 不要 和 与 及 以及 或 或者 跟 同 并 而 且 就 都 也 还 又 再 才 只 很
    这 那 这个 那个 这些 那些 这里 那里 这样 那样 此 其 之 些 一些 个 位 们
    把 被 给 让 对 从 向 到 为 于 以 由 用 往 等 着 过 地 来 去 喎 咩 乜
    """.split()
)

#: English stop words (lower case, before stemming).
EN_STOP_WORDS = frozenset(
    """
    a an the and or but nor of to in on at for from by with without as into onto over under up down out
    off about above below after before between through during than then so if else when where why how
    what which who whom whose this that these those there here is are was were be been being am do does
    did done doing have has had having can could should would will shall may might must need needs ought
    i me my mine myself we us our ours you your yours he him his she her hers it its they them their
    theirs just also very too not no yes please want wants get gets got getting any some all each every
    much many more most other such own same only again once s t don't doesn't didn't can't won't isn't
    aren't it's i'm i've i'd what's where's how's let's hi hello thanks thank ok okay
    """.split()
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U0003134f"
_LATIN = "a-z\u00df-\u024f"
TOKEN_RE = re.compile(
    rf"(?P<han>[{_HAN}]+)"
    r"|(?P<code>(?:[a-z]{1,3})?\$\d+(?:[.,]\d+)*"  # money: hk$300, $1,000.50
    r"|[a-z]*\d+(?:[.,:]\d+)*[a-z\d]*%?"  # numbers and codes: 2024, c1, 15%, 3.5, 12123
    r"|[a-z]+&[a-z]+)"  # r&d
    rf"|(?P<word>[{_LATIN}]+(?:'[{_LATIN}]+)*)"
    r"|(?P<other>[\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\uac00-\ud7af]+)"
)
HAN_RUN_RE = re.compile(f"[{_HAN}]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_local = threading.local()

#: English words seen for each stem (regist → register, registered …), so that a corrected stem can be
#: shown as a word. A bounded cache: it never changes what analysis returns.
_surfaces: dict[str, dict[str, int]] = {}
_surfaces_lock = threading.Lock()
_MAX_SURFACE_STEMS = 100_000


@lru_cache(maxsize=1)
def domain_terms() -> tuple[str, ...]:
    """The domain dictionary (Simplified), in file order, without duplicates."""
    seen: dict[str, None] = {}
    for line in TERMS_PATH.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            seen.setdefault(term, None)
    return tuple(seen)


def _pruned_dictionary() -> str | None:
    """The path of jieba's dictionary without its rare words, written once per machine (beside
    jieba's own cache, in the temporary directory); None when it cannot be written."""
    source = Path(jieba.__file__).parent / "dict.txt"
    target = Path(tempfile.gettempdir()) / f"hetao-jieba-{jieba.__version__}-min{MIN_WORD_FREQ}.txt"
    if target.exists():
        return str(target)
    try:
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = "".join(line for line in lines if int(line.split()[1]) >= MIN_WORD_FREQ)
        fd, tmp = tempfile.mkstemp(prefix=target.name, dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(kept)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # atomic: another process never reads a half-written file
    except OSError:
        log.warning("cannot write the pruned segmentation dictionary; using jieba's whole one", exc_info=True)
        return None
    return str(target)


def tokenizer() -> jieba.Tokenizer:
    """The jieba tokenizer with the domain dictionary (built on first use, once per process)."""
    global _tokenizer
    tk = _tokenizer
    if tk is not None:
        return tk
    with _lock:
        if _tokenizer is None:
            logger = jieba.default_logger
            level = logger.level
            logger.setLevel(logging.WARNING)  # jieba announces its dictionary loading at DEBUG
            try:
                tk = jieba.Tokenizer(_pruned_dictionary() or jieba.DEFAULT_DICT)
                tk.initialize()
                for term in domain_terms():
                    # The frequency that keeps the term whole against its parts, with a margin.
                    tk.add_word(term, freq=max(tk.suggest_freq(term, False) * 2, tk.FREQ.get(term, 0), 50))
            finally:
                logger.setLevel(level)
            _tokenizer = tk
        return _tokenizer


def is_word(text: str) -> bool:
    """Whether ``text`` is a word of jieba's dictionary or of the domain dictionary."""
    return tokenizer().FREQ.get(text, 0) > 0


@lru_cache(maxsize=16384)
def cut(run: str) -> tuple[str, ...]:
    """Precise-mode segmentation of a Chinese run (no HMM, so unknown strings fall apart into characters)."""
    return tuple(tokenizer().cut(run, HMM=False))


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # Snowball stemmers keep state between calls: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word (possessive 's removed)."""
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer().stemWord(word.replace("'", ""))


def _record_surface(stemmed: str, word: str) -> None:
    with _surfaces_lock:
        forms = _surfaces.get(stemmed)
        if forms is None:
            if len(_surfaces) >= _MAX_SURFACE_STEMS:
                return
            forms = _surfaces[stemmed] = {}
        forms[word] = forms.get(word, 0) + 1


def surface_forms(stemmed: str) -> dict[str, int]:
    """The words analysed so far whose stem is ``stemmed``, with how many texts had them."""
    with _surfaces_lock:
        return dict(_surfaces.get(stemmed, {}))


def normalize_code(code: str) -> str:
    """Codes and numbers as indexed: thousands separators removed (``hk$1,000`` → ``hk$1000``)."""
    return _THOUSANDS.sub("", code)


def _parts(tk: jieba.Tokenizer, word: str) -> list[str]:
    """The best segmentation of ``word`` into shorter dictionary words (the whole word not allowed)."""
    dag = tk.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tk.calc(word, dag, route)
    parts = []
    x = 0
    while x < len(word):
        y = route[x][1] + 1
        parts.append(word[x:y])
        x = y
    return parts


@lru_cache(maxsize=65536)
def search_words(word: str) -> tuple[str, ...]:
    """Search mode for one word: its dictionary sub-words (recursively, 2+ characters), then the word.
    Unlike jieba's ``cut_for_search`` it follows the word's own structure: 港澳居民居住证 gives 港澳, 居民,
    港澳居民, 居住, 居住证 and itself, not the straddling 民居."""
    if len(word) <= 2:
        return (word,)
    out: list[str] = []
    for part in _parts(tokenizer(), word):
        if len(part) >= 2:
            out.extend(search_words(part))
    out.append(word)
    return tuple(out)


def iter_tokens(canonical: str) -> Iterator[str]:
    for m in TOKEN_RE.finditer(canonical):
        kind = m.lastgroup
        text = m.group()
        if kind == "han":
            for piece in cut(text):
                if piece in ZH_STOP_WORDS:
                    continue
                for word in search_words(piece):
                    if word not in ZH_STOP_WORDS:
                        yield word
        elif kind == "word":
            if text not in EN_STOP_WORDS:
                stemmed = stem(text)
                if stemmed and stemmed not in EN_STOP_WORDS:
                    if text.isascii() and text.isalpha():
                        _record_surface(stemmed, text)
                    yield stemmed
        elif kind == "code":
            yield normalize_code(text)
        else:
            yield text


def tokenize(canonical: str) -> tuple[str, ...]:
    """Index terms of a canonical text (see :func:`hetao.search.text.normalize.canonicalize`)."""
    return tuple(iter_tokens(canonical))
