"""The search box end to end: API, page, misses log, filters."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hetao.search.models import SearchMiss


@pytest.fixture
def api(app):
    with TestClient(app) as c:
        yield c


def _slugs(body) -> list[str]:
    return [r["slug"] for r in body["results"]]


@pytest.mark.parametrize(
    "q,lang,expected",
    [
        ("點樣喺深圳開公司", "zh-Hant", {"hk-invested-company-registration"}),
        (
            "港澳居民居住证怎么申请",
            "zh-Hans",
            {"hk-macao-residence-permit-first-application", "hk-macao-residence-permit-renewal-replacement"},
        ),
        ("exchange my Hong Kong driving licence", "en", {"hk-driving-licence-exchange"}),
    ],
)
def test_questions_land_on_the_right_item(api, q, lang, expected):
    body = api.get("/api/v1/search", params={"q": q, "lang": lang}).json()
    assert not body["no_match"]
    assert expected & set(_slugs(body)[:3]), _slugs(body)[:5]
    assert body["answer"] is not None and body["answer"]["documents"]


def test_result_ids_are_the_hsds_ids(api):
    body = api.get("/api/v1/search", params={"q": "居住證"}).json()
    first = body["results"][0]
    assert api.get(f"/api/hsds/services/{first['id']}").json()["hetao"]["slug"] == first["slug"]
    assert set(first) >= {"type", "id", "title", "score", "snippet", "url"}


def test_results_are_shown_in_the_users_script(api):
    hant = api.get("/api/v1/search", params={"q": "居住证", "lang": "zh-Hant"}).json()
    hans = api.get("/api/v1/search", params={"q": "居住證", "lang": "zh-Hans"}).json()
    assert "證" in hant["results"][0]["title"] and "证" in hans["results"][0]["title"]


def test_a_typo_gets_did_you_mean(api):
    body = api.get("/api/v1/search", params={"q": "居住正", "lang": "zh-Hant"}).json()
    assert body["did_you_mean"] and "居住證" in body["did_you_mean"]
    assert any("residence-permit" in s for s in _slugs(body)[:3])


def test_an_unanswerable_question_says_so_and_is_logged_without_personal_data(api, session):
    body = api.get(
        "/api/v1/search", params={"q": "明天香港天氣點樣 我電話 91234567", "lang": "zh-Hant"}
    ).json()
    assert body["no_match"] is True and body["results"] == [] and body["answer"] is None
    misses = session.scalars(select(SearchMiss)).all()
    assert any("天氣" in m.query for m in misses)
    assert not any("91234567" in m.query for m in misses)


def test_type_and_category_filters(api):
    orgs = api.get("/api/v1/search", params={"q": "香港科技大學", "type": "organization"}).json()
    assert orgs["results"] and all(r["type"] == "organization" for r in orgs["results"])
    tax = api.get("/api/v1/search", params={"q": "香港 稅", "category": "tax"}).json()
    assert tax["results"] and all(r["category"] == "tax" for r in tax["results"])


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": "x" * 201}, {"q": "稅", "limit": 0}, {"q": "稅", "type": "cat"}]
)
def test_bad_search_input_is_a_clear_error(api, params):
    r = api.get("/api/v1/search", params=params)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_the_search_page_shows_an_answer_card(client):
    soup = client.get("/zh-hant/search?q=點樣喺深圳開公司").soup
    card = soup.select_one(".answer-card")
    assert card is not None
    labels = [dt.get_text(strip=True) for dt in card.select("dt")]
    assert len(labels) == 6
    assert soup.select("ol.item-list > li")


def test_the_search_page_offers_ways_forward_when_nothing_fits(client):
    soup = client.get("/en/search?q=what is the weather tomorrow").soup
    assert soup.select_one(".no-match") is not None
    assert soup.select(".no-match a[href='/en/services']")


def test_every_page_has_the_search_box(client):
    soup = client.get("/zh-hans/directory").soup
    form = soup.select_one("form[role=search]")
    assert form["action"] == "/zh-hans/search" and form.select_one("input[name=q]")


def test_a_repeated_miss_is_counted_once_per_question(session):
    from hetao.search import record_miss

    record_miss(session, "zzqx wibble", "en")
    record_miss(session, "zzqx wibble", "en")
    rows = session.scalars(select(SearchMiss).where(SearchMiss.query == "zzqx wibble")).all()
    assert [r.count for r in rows] == [2]


def test_a_repeated_question_reuses_its_answer_card_until_the_catalogue_changes(session, search_manager):
    from sqlalchemy import event

    from hetao.catalog.hsds_import import bump_catalog_version
    from hetao.search import search

    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    question = "港澳居民居住证怎么申请"
    first = search(session, manager=search_manager, query=question, locale="zh-Hans", log_misses=False)
    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        again = search(session, manager=search_manager, query=question, locale="zh-Hans", log_misses=False)
        assert not any("required_documents" in s for s in statements)  # the card was not loaded again
        assert again.answers[0] == first.answers[0]
        bump_catalog_version(session)
        statements.clear()
        edited = search(session, manager=search_manager, query=question, locale="zh-Hans", log_misses=False)
        assert any("required_documents" in s for s in statements)  # a new catalogue version: built afresh
        assert edited.answers[0].service_id == first.answers[0].service_id
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_stored_vectors_can_seed_another_database_of_the_same_catalogue(
    seeded_engine, search_manager, empty_db_url
):
    from sqlalchemy.orm import sessionmaker

    from hetao.catalog import load_sample
    from hetao.core.settings import Settings
    from hetao.search.index import build_index, copy_vectors
    from hetao.storage.database import make_engine, unit_of_work
    from hetao.storage.migrate import upgrade

    backend = search_manager.backend
    target = make_engine(Settings(database_url=empty_db_url))
    try:
        upgrade(target)
        factory = sessionmaker(bind=target, expire_on_commit=False)
        with unit_of_work(factory) as session:
            load_sample(session)
        with sessionmaker(bind=seeded_engine)() as source, unit_of_work(factory) as session:
            copied = copy_vectors(source, session, backend_name=backend.name)
        with unit_of_work(factory) as session:
            again = copy_vectors(session, session, backend_name=backend.name)
            index = build_index(session, backend=backend)
        assert copied == len(index.documents) and again == 0
        assert not index.missing_vectors  # nothing left to embed
    finally:
        target.dispose()
