"""Ranking pieces that need no model: passages, semantic scoring, intent splitting, the query
variety behind no-match thresholds, and the embedding memo."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hetao.search.backends import _MemoisedBackend
from hetao.search.bm25 import BM25Index
from hetao.search.documents import SearchDocument, make_passages, sentences
from hetao.search.engine import split_intents
from hetao.search.index import SearchIndex, _centroid
from hetao.search.params import DEFAULT_PARAMS, semantic_threshold
from hetao.search.text import Vocabulary, analyze

# --- passages -----------------------------------------------------------------------------------------


def test_sentences_cut_chinese_and_english_text_and_drop_fragments():
    assert sentences("持有居住證。在深圳工作；繳納社保！好") == ["持有居住證。", "在深圳工作；", "繳納社保！"]
    assert sentences("Hong Kong residents. Aged 18 or over.\nNone") == [
        "Hong Kong residents.",
        "Aged 18 or over.",
        "None",
    ]


def test_passages_hold_names_sentences_and_faq_answers_once_each():
    titles = {"zh-Hant": "居住證", "zh-Hans": "居住证", "en": "Residence permit"}
    summaries = {"zh-Hans": "为港澳居民办理居住证。需要居住半年。", "en": "A permit. For residents."}
    passages = make_passages(
        titles, summaries, ["怎么办理？"], details=["年满十六周岁。居住半年以上。"], answers=["到派出所。"]
    )
    assert passages[:3] == ["居住证", "Residence permit", "居住證"]
    for expected in ("需要居住半年。", "For residents.", "居住半年以上。", "到派出所。", "怎么办理？"):
        assert expected in passages
    assert len(passages) == len(set(passages))


# --- semantic scoring ---------------------------------------------------------------------------------


def _index(passages_per_doc: list[np.ndarray]) -> SearchIndex:
    docs = [
        SearchDocument("service", str(i), f"s{i}", None, {}, {}, {}) for i in range(len(passages_per_doc))
    ]
    counts = np.array([len(p) for p in passages_per_doc], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    vectors = np.concatenate(passages_per_doc).astype(np.float32)
    centroids = np.stack([_centroid(p) for p in passages_per_doc]).astype(np.float32)
    return SearchIndex(
        "t",
        None,
        docs,
        BM25Index([]),
        Vocabulary([]),
        None,
        vectors,
        np.ones(len(docs), dtype=bool),
        starts,
        counts,
        centroids,
    )


def _raw(index: SearchIndex, query: np.ndarray, **params: float) -> np.ndarray:
    """The raw (uncentred) semantic scores, with ``sem_temperature`` / ``sem_centroid`` as given."""
    return index.scores(query, replace(DEFAULT_PARAMS, rank_centring=False, **params))[1]


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_document_of_one_passage_scores_its_cosine():
    index = _index([np.stack([_unit(1, 1, 0)])])
    query = _unit(1, 0, 0)
    assert _raw(index, query)[0] == pytest.approx(float(_unit(1, 1, 0) @ query), abs=1e-6)


def test_several_passages_on_the_question_beat_one_lucky_sentence():
    query = _unit(1, 0, 0)
    close = _unit(1, 0.3, 0)
    lucky = np.stack([close, _unit(0, 1, 0), _unit(0, 0, 1)])  # one close sentence, the rest off topic
    steady = np.stack([close, _unit(1, 0.35, 0), _unit(1, 0, 0.35)])  # the whole item is about it
    scores = _raw(_index([lucky, steady]), query)
    assert scores[1] > scores[0]
    plain = _raw(_index([lucky, steady]), query, sem_temperature=0, sem_centroid=0)
    assert plain[0] == pytest.approx(plain[1])  # the plain maximum cannot tell them apart


def test_documents_without_vectors_score_minus_one():
    index = _index([np.stack([_unit(1, 0)]), np.stack([_unit(0, 1), _unit(1, 1)])])
    index.has_vector[1] = False
    assert _raw(index, _unit(1, 0))[1] == -1.0


def _random_index(seed: int, per_doc: list[int], dim: int = 8) -> tuple[SearchIndex, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal(dim)  # a strong common direction, as the model's vectors have
    blocks = []
    for n in per_doc:
        block = rng.standard_normal((n, dim)) * 0.3 + shared
        blocks.append((block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float32))
    index = _index(blocks)
    index.recentre()
    return index, blocks


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_ranking_scores_are_cosines_after_removing_the_catalogues_mean():
    index, blocks = _random_index(1, [1, 1, 1, 1, 1])
    mean = np.concatenate(blocks).mean(axis=0)
    query = _unit(*np.random.default_rng(2).standard_normal(8))
    params = replace(DEFAULT_PARAMS, rank_temperature=0, rank_centroid=0)
    ranking, raw = index.scores(query, params)
    for i, block in enumerate(blocks):
        assert ranking[i] == pytest.approx(_cos(query - mean, block[0] - mean), abs=1e-5)
        assert raw[i] == pytest.approx(float(block[0] @ query), abs=1e-5)


def test_a_documents_centred_centroid_is_its_passages_mean_less_the_catalogues():
    index, blocks = _random_index(3, [3, 2, 4])
    mean = np.concatenate(blocks).mean(axis=0)
    query = _unit(*np.random.default_rng(4).standard_normal(8))
    # centroid weight only: temperature 0 and a huge centroid weight leave (almost) the centroid term
    params = replace(DEFAULT_PARAMS, rank_temperature=0, rank_centroid=1e6)
    ranking, _raw = index.scores(query, params)
    for i, block in enumerate(blocks):
        assert ranking[i] == pytest.approx(_cos(query - mean, block.mean(axis=0) - mean), abs=1e-4)


def test_without_a_centring_the_ranking_is_the_raw_scores():
    index, _blocks = _random_index(5, [2, 3])
    query = _unit(*np.random.default_rng(6).standard_normal(8))
    off = index.scores(query, replace(DEFAULT_PARAMS, rank_centring=False))
    assert np.array_equal(off[0], off[1])
    index.centring = None
    assert np.array_equal(index.scores(query)[0], index.scores(query)[1])


def test_vectors_set_later_are_centred_with_the_current_mean():
    index, blocks = _random_index(7, [2, 2, 3])
    index.has_vector[2] = False
    index.recentre()  # the mean of the first two documents only
    fresh = blocks[2][::-1].copy()  # new vectors for the third document
    index.set_vectors(2, fresh)
    rebuilt, _ = _random_index(7, [2, 2, 3])
    rebuilt.vectors[-3:] = fresh
    rebuilt.centring = None
    rebuilt.has_vector[2] = False
    rebuilt.recentre()
    rebuilt.has_vector[2] = True
    rebuilt.centring.update(rebuilt.vectors, 4, 3, 2)
    query = _unit(*np.random.default_rng(8).standard_normal(8))
    assert np.allclose(index.scores(query)[0], rebuilt.scores(query)[0], atol=1e-6)
    assert index.scores(query)[0][2] > -1.0


# --- intents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("我在香港做了十年会计，想在深圳执业", 1),  # a comma between context and question
        ("公司要注销，清税和注销登记怎么办", 2),
        ("先换驾照，再申请港车北上", 2),
        ("居住证怎么办？社保怎么交？", 2),
        ("patent our invention and trademark the name", 2),
        ("I moved from HK, how do I register where I live", 1),
    ],
)
def test_questions_split_at_conjunctions_and_sentence_ends_not_at_every_comma(text, parts):
    assert len(split_intents(text)) == parts


# --- variety and thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "variety"),
    [
        ("how do I register where I live", "en"),
        ("港澳居民居住證怎樣申請", "zh"),
        ("港澳居民居住证怎么申请", "zh"),
        ("點樣喺深圳開公司", "yue"),
        ("我冇帶回鄉證", "yue"),
    ],
)
def test_the_variety_of_a_question(text, variety):
    assert analyze(text).variety == variety


def test_english_and_cantonese_questions_have_their_own_semantic_threshold():
    p = DEFAULT_PARAMS
    assert semantic_threshold(p, "zh") == p.sem_threshold
    assert semantic_threshold(p, "en") == p.sem_threshold_en < p.sem_threshold
    assert semantic_threshold(p, "yue") == p.sem_threshold_yue < p.sem_threshold


# --- embedding memo -----------------------------------------------------------------------------------


class CountingBackend(_MemoisedBackend):
    """A backend whose 'model' hashes characters into a vector and counts the texts it is given."""

    name = "counting"
    dim = 8
    query_memo_size = 2

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def _embed_texts(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text:
                out[i, ord(ch) % self.dim] += 1
        return out

    _queries = _embed_texts
    _passages = _embed_texts


def test_the_memo_embeds_each_text_once_and_forgets_the_least_recent():
    backend = CountingBackend()
    first = backend.embed_queries(["abc", "xyz", "abc"])
    assert backend.seen == ["abc", "xyz"]
    assert np.array_equal(first[0], first[2])
    assert np.linalg.norm(first, axis=1) == pytest.approx([1, 1, 1])
    again = backend.embed_queries(["abc"])
    assert backend.seen == ["abc", "xyz"] and np.array_equal(again[0], first[0])
    backend.embed_queries(["new"])  # memo of two: "xyz" was used least recently
    backend.embed_queries(["xyz"])
    assert backend.seen == ["abc", "xyz", "new", "xyz"]
    backend.embed_passages(["abc"])  # passages and queries are embedded differently: their own memo
    assert backend.seen[-1] == "abc"
