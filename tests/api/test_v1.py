"""The JSON API under /api/v1 and its one error shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def api(app):
    with TestClient(app) as c:
        yield c


def test_categories_in_the_negotiated_language(api):
    r = api.get("/api/v1/categories", headers={"Accept-Language": "zh-CN"})
    assert r.headers["content-language"] == "zh-Hans"
    names = [c["name"] for c in r.json()]
    assert names[0] == "政务" and len(names) == 9
    assert all(c["service_count"] >= 12 for c in r.json())
    assert api.get("/api/v1/categories?lang=en").json()[1]["name"] == "Customs"


def test_services_filters_and_pagination(api):
    page = api.get("/api/v1/services?category=tax&per_page=5&lang=en").json()
    assert page["total"] >= 12 and len(page["items"]) == 5 and page["pages"] >= 3
    assert all(item["category"] == "tax" for item in page["items"])
    second = api.get("/api/v1/services?category=tax&per_page=5&page=2&lang=en").json()
    assert {i["slug"] for i in page["items"]}.isdisjoint({i["slug"] for i in second["items"]})
    online = api.get("/api/v1/services?channel=online&cross_border=true").json()
    assert online["items"] and all("online" in i["channels"] and i["cross_border"] for i in online["items"])


def test_service_detail_has_everything_the_page_has(api):
    r = api.get("/api/v1/services/hk-driving-licence-exchange", headers={"Accept-Language": "en"})
    body = r.json()
    assert body["category"] == "traffic_police" and body["steps"] and body["documents"]
    assert body["department"]["api_url"].startswith("/api/v1/organizations/")
    assert body["url"] == "/en/services/hk-driving-licence-exchange"
    for key in (
        "eligibility",
        "fees",
        "legal_basis",
        "promised_time_limit",
        "statutory_time_limit",
        "visits",
        "faqs",
    ):
        assert key in body


def test_document_types_are_shared(api):
    doc = api.get("/api/v1/document-types/hk-macao-travel-permit?lang=en").json()
    assert doc["service_count"] >= 20 and len(doc["services"]) == doc["service_count"]


def test_organizations_filters_match_the_html_directory(api, client):
    body = api.get("/api/v1/organizations?kind=incubator").json()
    html = client.get("/en/directory?kind=incubator").soup.select("ol.numbered > li")
    assert body["total"] == len(html) == 5
    hk = api.get("/api/v1/organizations?hk_background=true&tag=ai").json()
    assert all(o["hk_background"] and "ai" in o["tags"] for o in hk["items"])


def test_places(api):
    places = api.get("/api/v1/places").json()
    assert any(p["slug"] == "e-station" for p in places)
    detail = api.get("/api/v1/places/e-station").json()
    assert detail["organizations"] and detail["map"]["width"] > 0


@pytest.mark.parametrize(
    "url,status,code",
    [
        ("/api/v1/services/no-such-thing", 404, "catalog.service_not_found"),
        ("/api/v1/organizations/nobody", 404, "directory.organization_not_found"),
        ("/api/v1/services?category=weather", 422, "core.validation_failed"),
        ("/api/v1/services?per_page=100000", 422, "core.validation_failed"),
        ("/api/v1/nothing-here", 404, "core.not_found"),
    ],
)
def test_errors_are_problem_json_in_the_language_asked(api, url, status, code):
    r = api.get(url, headers={"Accept-Language": "zh-HK"})
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == code and body["status"] == status and body["title"] and body["detail"]
    assert r.headers["content-language"] == "zh-Hant"


def test_openapi_is_served_and_lists_the_endpoints(api):
    spec = api.get("/openapi.json").json()
    for path in (
        "/api/v1/services",
        "/api/v1/services/{ref}",
        "/api/hsds/services",
        "/api/hsds/services/{id}",
    ):
        assert path in spec["paths"]


def test_every_html_page_links_its_json_twin(client, api):
    for url in (
        "/en/",
        "/en/services/hk-driving-licence-exchange",
        "/en/directory?kind=incubator",
        "/en/organizations/futian-amr",
        "/en/places/e-station",
        "/en/documents",
        "/en/categories/tax",
    ):
        link = client.get(url).soup.find("link", rel="alternate", type="application/json")
        assert link is not None, url
        assert api.get(link["href"]).status_code == 200, link["href"]


def test_the_json_twin_of_a_filtered_list_keeps_the_filters_encoded(client, api):
    link = client.get("/zh-hant/services?q=居住 證&channel=hall").soup.find(
        "link", rel="alternate", type="application/json"
    )
    body = api.get(link["href"]).json()
    page = client.get("/zh-hant/services?q=居住 證&channel=hall").soup
    assert body["total"] == len(page.select(".item-list > li")) > 0


def test_every_api_operation_declares_the_503_of_a_database_outage(api):
    spec = api.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        if path.startswith("/api/")
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert operations
    for path, method, op in operations:
        unavailable = op["responses"].get("503")
        assert unavailable is not None, (method, path)
        assert "application/problem+json" in unavailable["content"], (method, path)
        assert "Retry-After" in unavailable["headers"], (method, path)
