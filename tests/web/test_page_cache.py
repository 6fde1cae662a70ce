"""The shared cache of public pages: anonymous visitors get the same page without a render (no SQL
but the change token's), an edit of the catalogue shows on the next request in this process and
within a second in another, signed-in people neither get cached pages nor fill the cache, locales
never mix, ETags give 304, and ``HETAO_PAGE_CACHE=0`` turns it all off."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from hetao.core.settings import Settings, load_settings
from hetao.http.page_cache import RECHECK_SECONDS, CachedPage, PageStore
from tests.pages import CheckingClient
from tests.web.test_admin_catalogue import admin_client, upload

ITEM = "/en/services/hk-driving-licence-exchange"
SLUG = "hk-driving-licence-exchange"


@contextmanager
def statements(engine):
    """The SQL statements run on ``engine`` inside the block, other than the change token's read
    (and its savepoint: the tests' sessions nest in one)."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        if "catalog_state" not in statement and "SAVEPOINT" not in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def make_app(seeded_engine, session_factory, **settings):
    from hetao.app import create_app

    application = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, **settings), engine=seeded_engine
    )
    application.state.session_factory = session_factory
    return application


def anonymous(app) -> CheckingClient:
    return CheckingClient(app)


def test_a_second_anonymous_request_is_served_from_the_cache(lean_app, seeded_engine):
    client = anonymous(lean_app)
    with statements(seeded_engine) as first:
        one = client.get(ITEM)
    assert one.status_code == 200 and first, "the first request renders the page"
    with statements(seeded_engine) as second:
        two = client.get(ITEM)
    assert two.status_code == 200 and second == []
    assert two.text == one.text and two.headers["etag"] == one.headers["etag"]
    assert two.headers["content-language"] == "en" and two.headers["content-type"].startswith("text/html")
    # What SiteHeaders adds per request is still there (security headers; cookies when needed).
    assert (
        two.headers["x-frame-options"] == "DENY"
        and "default-src 'self'" in two.headers["content-security-policy"]
    )
    assert two.headers["cache-control"] == "no-cache" and two.headers["vary"] == "Cookie"
    fresh = anonymous(lean_app).get(ITEM)
    assert fresh.text == one.text and "hetao_csrf" in fresh.cookies


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hant/",
        "/en/services",
        "/zh-hans/categories/customs",
        "/en/documents",
        "/zh-hans/documents/hk-macao-travel-permit",
        "/en/directory",
        "/en/organizations/futian-amr",
    ],
)
def test_the_public_catalogue_and_directory_pages_are_shared(lean_app, seeded_engine, path):
    client = anonymous(lean_app)
    one = client.get(path)
    assert one.status_code == 200 and one.headers.get("etag")
    with statements(seeded_engine) as second:
        assert client.get(path).text == one.text
    assert second == []


@pytest.mark.parametrize("path", ["/en/services?q=licence", "/en/directory?kind=incubator", "/en/journeys"])
def test_pages_with_a_query_and_other_pages_are_not_kept(lean_app, seeded_engine, path):
    client = anonymous(lean_app)
    assert client.get(path).status_code == 200
    with statements(seeded_engine) as second:
        response = client.get(path)
    assert response.status_code == 200 and "etag" not in response.headers
    if path.startswith("/en/services"):
        assert second, "a search is rendered every time"


def test_a_missing_item_is_not_kept(lean_app):
    client = anonymous(lean_app)
    assert client.get("/en/services/no-such-item").status_code == 404
    response = client.get("/en/services/no-such-item")
    assert response.status_code == 404 and "etag" not in response.headers


def test_locales_do_not_mix(lean_app):
    client = anonymous(lean_app)
    pages = {}
    for prefix, lang in (("en", "en"), ("zh-hant", "zh-Hant-HK"), ("zh-hans", "zh-Hans-CN")):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(f"/{prefix}/services/{SLUG}")
            assert response.soup.html["lang"] == lang
            pages.setdefault(prefix, set()).add(response.headers["etag"])
    assert all(len(etags) == 1 for etags in pages.values())
    assert len(set().union(*pages.values())) == 3


def test_if_none_match_gets_304(lean_app, seeded_engine, session_factory):
    client = anonymous(lean_app)
    etag = client.get(ITEM).headers["etag"]
    same = client.get(ITEM, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert client.get(ITEM, headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    other = client.get(ITEM, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.headers["etag"] == etag
    # The first request of a process (a miss, rendered) answers If-None-Match too.
    other_process = anonymous(make_app(seeded_engine, session_factory))
    assert other_process.get(ITEM, headers={"If-None-Match": etag}).status_code == 304


def test_signed_in_people_never_get_a_cached_page_nor_fill_the_cache(
    lean_app, session_factory, seeded_engine
):
    chief = admin_client(lean_app, session_factory)
    mine = chief.get(ITEM)
    assert "Sign out" in mine.text and "etag" not in mine.headers
    visitor = anonymous(lean_app)
    theirs = visitor.get(ITEM)
    assert "Sign out" not in theirs.text and 'name="csrf_token"' not in theirs.text
    assert visitor.get(ITEM).text == theirs.text  # now from the cache
    with statements(seeded_engine) as rendered:
        again = chief.get(ITEM)
    assert rendered and "Sign out" in again.text and "etag" not in again.headers
    assert chief.get(ITEM, headers={"If-None-Match": theirs.headers["etag"]}).status_code == 200


def _rename(chief, name: str) -> None:
    doc = chief.get("/en/admin/catalogue/export?language=en").json()
    [service] = [s for s in doc["services"] if s["hetao"]["slug"] == SLUG]
    service["name"] = name
    response = upload(chief, json.dumps(doc, ensure_ascii=False).encode())
    assert response.status_code == 200 and "1 updated" in response.text


def test_an_edit_in_the_admin_shows_on_the_next_anonymous_request(lean_app, session_factory):
    visitor = anonymous(lean_app)
    before = visitor.get(ITEM)
    assert visitor.get(ITEM).headers["etag"] == before.headers["etag"]
    _rename(admin_client(lean_app, session_factory), "Exchange a driving licence (revised)")
    after = visitor.get(ITEM)
    assert after.soup.h1.get_text(strip=True) == "Exchange a driving licence (revised)"
    assert after.headers["etag"] != before.headers["etag"]


def test_another_process_shows_an_edit_within_the_recheck_interval(seeded_engine, session_factory):
    editor = make_app(seeded_engine, session_factory)
    other = make_app(seeded_engine, session_factory)  # another process: a cache of its own
    visitor = anonymous(other)
    assert "(revised)" not in visitor.get(ITEM).text
    _rename(admin_client(editor, session_factory), "Exchange a driving licence (revised)")
    time.sleep(RECHECK_SECONDS + 0.2)
    assert visitor.get(ITEM).soup.h1.get_text(strip=True) == "Exchange a driving licence (revised)"


def test_the_setting_turns_it_off(seeded_engine, session_factory):
    assert load_settings({"HETAO_PAGE_CACHE": "0"}).page_cache is False
    assert load_settings({}).page_cache is True
    client = anonymous(make_app(seeded_engine, session_factory, page_cache=False))
    first = client.get(ITEM)
    with statements(seeded_engine) as second:
        again = client.get(ITEM, headers={"If-None-Match": '"x"'})
    assert second and again.text == first.text and "etag" not in again.headers


def _page(n: int) -> CachedPage:
    return CachedPage("t", (), b"x" * n, b'"e"', None)


def test_the_store_drops_the_least_recently_used_beyond_its_bounds():
    store = PageStore(max_entries=3, max_bytes=1000)
    for key in "abc":
        store.put((key,), _page(100))
    assert store.get(("a",)) is not None  # a is now the most recently used
    store.put(("d",), _page(100))
    assert store.get(("b",)) is None and len(store) == 3
    store.put(("e",), _page(900))
    assert store.size == 1000 and store.get(("e",)) is not None and store.get(("d",)) is not None
    assert len(store) == 2
    store.put(("e",), _page(10))
    assert store.size == 110 and len(store) == 2
