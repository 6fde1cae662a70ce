"""Hostile input to the JSON APIs: NUL characters and invalid UTF-8 in addresses, huge and deeply
nested JSON bodies, absurd parameters. Each gets a clear 4xx in problem+json, never a 500."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from hetao.web.guard import MAX_FORM_BYTES

PROBLEM = "application/problem+json"


@pytest.fixture
def api(lexical_app):
    with TestClient(lexical_app, raise_server_exceptions=False) as client:
        yield client


def assert_problem(response, status: int, code: str | None = None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/search?q=a%00b",
        "/api/v1/services?q=%00",
        "/api/v1/services/%00",
        "/api/v1/organizations/x%00y",
        "/api/v1/places/%00",
        "/api/v1/document-types/%00",
        "/api/v1/journeys/%00",
        "/api/hsds/services?search=%00",
        "/api/hsds/services/%00",
        "/api/hsds/services?organization_id=%00",
        "/api/hsds/taxonomy_terms/%00",
        "/api/v1/services?q=%FF%FE",
        "/api/v1/services/%C3%28",
        "/api/hsds/organizations?search=%ED%A0%80",  # an encoded surrogate is not UTF-8 either
    ],
)
def test_nul_characters_and_invalid_utf8_in_addresses_are_refused(api, url):
    body = assert_problem(api.get(url), 400, "core.malformed_request")
    assert body["instance"].startswith("/api/")


def test_well_formed_unicode_still_works(api):
    response = api.get("/api/v1/search", params={"q": "港澳居民 來往 😀 \u200b"})
    assert response.status_code == 200
    assert api.get("/api/v1/services/%E5%B1%85").status_code == 404  # 居: not a slug, but readable


def test_a_huge_json_body_is_refused(api):
    body = b'{"q": "' + b"x" * (MAX_FORM_BYTES + 1) + b'"}'
    response = api.post("/api/v1/search", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (405, 413)  # a read-only API: the method is refused first
    assert response.headers["content-type"].startswith(PROBLEM)


def test_deeply_nested_json_and_absurd_parameters_are_refused(api):
    deep = "[" * 50_000 + "]" * 50_000
    response = api.post("/api/v1/search", content=deep, headers={"content-type": "application/json"})
    assert_problem(response, 405, "core.method_not_allowed")
    assert_problem(api.get("/api/v1/search", params={"q": "x" * 201}), 422, "core.validation_failed")
    beyond = api.get("/api/v1/services", params={"page": "9" * 400})
    assert beyond.status_code == 200 and beyond.json()["items"] == []  # past the last page: empty
    assert_problem(api.get("/api/hsds/services", params={"per_page": "-1"}), 422)
    assert_problem(api.get("/api/hsds/services", params={"modified_after": "not a date"}), 422)
    assert_problem(api.get("/api/v1/admin/dashboard", params={"from": "2026-13-45"}), 401)


def test_script_tags_in_parameters_come_back_as_data(api):
    response = api.get("/api/v1/search", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["query"] == "<script>alert(1)</script>"
