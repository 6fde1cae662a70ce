"""Service lists read a per-process snapshot keyed by the catalogue's change token: an edit committed
through another engine (another process) shows on the next request."""

from __future__ import annotations

import copy

from sqlalchemy.orm import sessionmaker

from hetao.catalog import ServiceFilter, export_document, import_document, list_services
from hetao.catalog.sample import build_document
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, unit_of_work
from hetao.storage.migrate import upgrade


def test_an_edit_through_another_engine_is_seen_on_the_next_list(empty_db_url):
    writer = make_engine(Settings(database_url=empty_db_url))
    reader = make_engine(Settings(database_url=empty_db_url))
    upgrade(writer)
    write, read = sessionmaker(bind=writer), sessionmaker(bind=reader)
    with unit_of_work(write) as s:
        import_document(s, build_document())
    slug = "hk-driving-licence-exchange"
    with unit_of_work(read) as s:
        before = list_services(s, filters=ServiceFilter(q="Renamed licence item"), locale="en")
        assert before.total == 0
    with unit_of_work(write) as s:
        doc = copy.deepcopy(export_document(s))
    target = next(x for x in doc["services"] if x["hetao"]["slug"] == slug)
    target["translations"]["en"]["name"] = "Renamed licence item"
    with unit_of_work(write) as s:
        import_document(s, doc)
    with unit_of_work(read) as s:
        after = list_services(s, filters=ServiceFilter(q="Renamed licence item"), locale="en")
        assert [x.slug for x in after.items] == [slug]
    writer.dispose()
    reader.dispose()
