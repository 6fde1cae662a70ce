"""The pruned segmentation dictionary: jieba's words at or above MIN_WORD_FREQ, written once."""

from __future__ import annotations

from pathlib import Path

from hetao.search.text import segment


def _words(path: str) -> dict[str, int]:
    return {
        w: int(f)
        for w, f, *_ in (line.split() for line in Path(path).read_text(encoding="utf-8").splitlines())
    }


def test_the_pruned_dictionary_keeps_common_words_and_drops_rare_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(segment.tempfile, "gettempdir", lambda: str(tmp_path))
    path = segment._pruned_dictionary()
    assert path is not None and Path(path).parent == tmp_path
    words = _words(path)
    assert min(words.values()) >= segment.MIN_WORD_FREQ
    assert {"公司", "申请", "证件"} <= words.keys()
    whole = _words(str(Path(segment.jieba.__file__).parent / "dict.txt"))
    rare = [w for w, f in whole.items() if f < segment.MIN_WORD_FREQ]
    assert rare and not (set(rare) & words.keys())
    # Written once: a second call reuses the file.
    mtime = Path(path).stat().st_mtime_ns
    assert segment._pruned_dictionary() == path and Path(path).stat().st_mtime_ns == mtime


def test_an_unwritable_temporary_directory_falls_back_to_the_whole_dictionary(tmp_path, monkeypatch):
    monkeypatch.setattr(segment.tempfile, "gettempdir", lambda: str(tmp_path / "missing"))
    assert segment._pruned_dictionary() is None


def test_domain_terms_stay_whole_with_the_pruned_dictionary():
    assert segment.cut("港澳居民居住证") == ("港澳居民居住证",)
    assert segment.cut("申请港车北上") == ("申请", "港车北上")
