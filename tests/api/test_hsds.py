"""The HSDS 3.1 read API."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from hetao.catalog.hsds_format import derived_id
from hetao.catalog.profile_schema import PROFILE_URI, validator_for
from hetao.catalog.sample import CATEGORY_TAXONOMY_ID

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def api(app):
    with TestClient(app) as c:
        yield c


def test_root_publishes_the_profile(api):
    body = api.get("/api/hsds/").json()
    assert body["version"] == "3.1" and body["profile"] == PROFILE_URI


def test_services_page_envelope_and_schema(api):
    body = api.get("/api/hsds/services?per_page=7&page=2").json()
    assert set(body) == PAGE_KEYS
    assert body["page_number"] == 2 and body["size"] == 7 and not body["first_page"]
    validator = validator_for("service")
    for service in body["contents"]:
        assert not list(validator.iter_errors(service))


def test_service_by_id_and_404(api):
    first = api.get("/api/hsds/services?per_page=1").json()["contents"][0]
    assert api.get(f"/api/hsds/services/{first['id']}").json() == first
    missing = api.get("/api/hsds/services/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_filters(api):
    term = derived_id("taxonomy_term", "customs")
    customs = api.get(f"/api/hsds/services?taxonomy_term_id={term}&per_page=200").json()
    assert customs["total_items"] >= 12
    assert all(s["hetao"]["category"] == "customs" for s in customs["contents"])
    org = customs["contents"][0]["organization_id"]
    by_org = api.get(f"/api/hsds/services?organization_id={org}&per_page=200").json()
    assert by_org["total_items"] >= 1 and all(s["organization_id"] == org for s in by_org["contents"])
    found = api.get("/api/hsds/services?search=居住证").json()
    assert found["total_items"] >= 1
    assert api.get("/api/hsds/services?modified_after=2999-01-01").json()["empty"] is True
    assert api.get("/api/hsds/services?modified_after=2000-01-01").json()["total_items"] >= 120
    assert api.get("/api/hsds/services?modified_after=yesterday").status_code == 422


def test_ndjson(api):
    r = api.get("/api/hsds/services?format=ndjson")
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert len(lines) >= 120 and all("id" in x for x in lines)


def test_language_of_the_objects(api):
    en = api.get("/api/hsds/services?per_page=1&lang=en").json()["contents"][0]
    assert en["name"].isascii() and "zh-Hant" in en["translations"]


@pytest.mark.parametrize(
    "collection", ["organizations", "taxonomies", "taxonomy_terms", "service_at_locations"]
)
def test_optional_endpoints(api, collection):
    body = api.get(f"/api/hsds/{collection}?per_page=200").json()
    assert set(body) == PAGE_KEYS and body["total_items"] >= 1
    one = body["contents"][0]
    assert api.get(f"/api/hsds/{collection}/{one['id']}").json() == one


def test_taxonomy_terms_of_the_category_taxonomy(api):
    body = api.get(f"/api/hsds/taxonomy_terms?taxonomy_id={CATEGORY_TAXONOMY_ID}").json()
    assert body["total_items"] == 9
