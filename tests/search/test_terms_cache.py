"""Analysed terms are stored per document and reused by the next process; an edited document is
analysed again, the others are not."""

from __future__ import annotations

import copy

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from hetao.catalog import export_document, import_document, load_sample
from hetao.core.settings import Settings
from hetao.search import index as index_module
from hetao.search.engine import rank_question
from hetao.search.index import IndexManager, build_index
from hetao.search.models import SearchTerms
from hetao.storage.database import make_engine, unit_of_work
from hetao.storage.migrate import upgrade


def test_stored_terms_spare_the_next_start_and_only_edits_are_analysed_again(empty_db_url, monkeypatch):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as s:
        load_sample(s)
    first = IndexManager(engine, backend_name="none", background=False)
    index, _ = first.build_now()
    assert not index.pending_terms
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(SearchTerms)) == len(index.documents)
    expected = rank_question(index, "港澳居民居住證", use_semantic=False).hits

    analysed: list[str] = []
    real = index_module.analysed_fields
    monkeypatch.setattr(index_module, "analysed_fields", lambda d: analysed.append(d.slug) or real(d))
    with factory() as s:
        again = build_index(s, backend=None)
    assert analysed == []
    assert rank_question(again, "港澳居民居住證", use_semantic=False).hits == expected

    with unit_of_work(factory) as s:
        doc = copy.deepcopy(export_document(s))
    target = next(x for x in doc["services"] if x["hetao"]["slug"] == "hk-driving-licence-exchange")
    target["translations"]["en"]["name"] = "Zephyrine licence exchange"
    with unit_of_work(factory) as s:
        import_document(s, doc)
    with factory() as s:
        edited = build_index(s, backend=None)
    assert analysed == ["hk-driving-licence-exchange"]
    assert list(edited.pending_terms) == [
        i for i, d in enumerate(edited.documents) if d.slug == "hk-driving-licence-exchange"
    ]
    engine.dispose()
