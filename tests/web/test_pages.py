"""Every page type renders in all three languages and passes the page checks."""

from __future__ import annotations

import pytest

LOCALES = {"zh-hant": "zh-Hant-HK", "zh-hans": "zh-Hans-CN", "en": "en"}
PAGES = [
    "/",
    "/services",
    "/services?q=居住證",
    "/services?channel=online&cross_border=yes",
    "/categories/customs",
    "/categories/innovation?page=1",
    "/services/hk-driving-licence-exchange",
    "/documents",
    "/documents/hk-macao-travel-permit",
    "/directory",
    "/directory?tag=ai&hk=yes",
    "/directory?kind=incubator",
    "/organizations/futian-amr",
    "/places/e-station",
]


@pytest.mark.parametrize("prefix", LOCALES)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_each_language(client, prefix, page):
    response = client.get(f"/{prefix}{page}")
    assert response.status_code == 200
    assert response.soup.html["lang"] == LOCALES[prefix]
    assert response.headers["content-language"] in ("zh-Hant", "zh-Hans", "en")


def test_home_shows_four_themes_and_nine_categories(client):
    soup = client.get("/zh-hant/").soup
    text = soup.get_text()
    for theme in ("綜合服務", "展示交流", "商務洽談", "休閒資訊"):
        assert theme in text
    cards = soup.select(".categories .card h3 a")
    assert [a.get_text() for a in cards] == [
        "政務",
        "海關",
        "公安",
        "交警",
        "金融",
        "法律",
        "會計",
        "稅務",
        "創新服務",
    ]


def test_service_item_page_answers_everything_before_a_visit(client):
    soup = client.get("/en/services/hk-driving-licence-exchange").soup
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in soup.select(".facts dt")
    }
    for label in (
        "Category",
        "Handled by",
        "Where and how",
        "Promised time limit",
        "Statutory time limit",
        "Fee",
        "Cross-border",
        "Visits in person",
    ):
        assert label in facts, label
    assert facts["Category"] == "Traffic police"
    for heading in ("Who can apply", "Steps", "Documents to bring", "Legal basis"):
        assert soup.find("h2", string=heading), heading
    assert soup.select("ol.steps li")
    assert soup.select("ul.documents li a[href^='/en/documents/']")
    assert (
        soup.find("link", rel="alternate", type="application/json")["href"]
        == "/api/v1/services/hk-driving-licence-exchange"
    )


def test_language_switch_links_keep_the_page_and_query(client):
    soup = client.get("/zh-hant/categories/tax?channel=online").soup
    links = {a["hreflang"]: a["href"] for a in soup.select(".lang-switch a")}
    assert links == {
        "zh-Hant-HK": "/zh-hant/categories/tax?channel=online",
        "zh-Hans-CN": "/zh-hans/categories/tax?channel=online",
        "en": "/en/categories/tax?channel=online",
    }
    assert soup.select_one(".lang-switch a[aria-current]")["hreflang"] == "zh-Hant-HK"


def test_locale_choice_sticks_in_a_cookie(client):
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 307 and first.headers["location"] == "/zh-hant/"
    client.get("/en/services")
    assert client.cookies.get("hetao_locale") == "en"
    again = client.get("/", follow_redirects=False)
    assert again.headers["location"] == "/en/"


def test_accept_language_decides_without_a_cookie(client):
    response = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, follow_redirects=False)
    assert response.headers["location"] == "/zh-hans/"
    response = client.get("/", headers={"Accept-Language": "fr, en-GB;q=0.5"}, follow_redirects=False)
    assert response.headers["location"] == "/en/"


def test_simplified_page_uses_simplified_content(client):
    soup = client.get("/zh-hans/services/hk-driving-licence-exchange").soup
    assert "驾驶" in soup.h1.get_text()


def test_category_filter_lists_only_that_category(client):
    soup = client.get("/en/categories/customs").soup
    assert len(soup.select(".item-list > li")) >= 12
    cross = client.get("/en/categories/customs?cross_border=yes").soup
    assert 0 < len(cross.select(".item-list > li")) <= len(soup.select(".item-list > li"))


def test_search_box_matches_across_scripts(client):
    trad = client.get("/zh-hant/services?q=居住證").soup
    simp = client.get("/zh-hant/services?q=居住证").soup
    names = [a.get_text() for a in trad.select(".item-list h3 a")]
    assert any("居住證" in n for n in names)
    assert names == [a.get_text() for a in simp.select(".item-list h3 a")]


def test_directory_filters_and_map(client):
    soup = client.get("/en/directory?kind=incubator").soup
    items = soup.select("ol.numbered > li")
    assert len(items) == 5
    svg = soup.select_one("svg.park-map")
    assert svg is not None and svg.find("title") and svg.find("desc")
    assert len(svg.select("g.map-marker")) == len([li for li in items if li.get("value")])
    assert svg.select("a.map-place")


def test_directory_tag_and_hk_background_filters(client):
    ai = client.get("/en/directory?tag=ai").soup.select("ol.numbered > li")
    hk = client.get("/en/directory?tag=ai&hk=yes").soup.select("ol.numbered > li")
    assert len(ai) >= 3 and 0 < len(hk) <= len(ai)


def test_department_page_lists_its_services(client):
    soup = client.get("/zh-hant/organizations/futian-amr").soup
    section = soup.find("h2", id="services-heading").find_parent("section")
    assert len(section.select("a[href^='/zh-hant/services/']")) >= 5


def test_unknown_pages_get_a_localised_404(client):
    for url, word in (
        ("/en/services/no-such-item", "not found"),
        ("/zh-hant/services/no-such-item", "找不到"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert word in response.soup.h1.get_text().lower()
    assert client.get("/xx/services").status_code == 404


def test_bad_filter_values_get_a_clear_error(client):
    response = client.get("/en/services?channel=carrier-pigeon")
    assert response.status_code == 422
    assert "carrier-pigeon" in response.text


def test_security_headers(client):
    response = client.get("/en/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_no_asset_comes_from_outside(client):
    soup = client.get("/en/directory").soup
    for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
        for el in soup.find_all(tag):
            assert not (el.get(attr) or "").startswith(("http:", "https:", "//")), el


def test_an_unexpected_error_gives_a_localised_500_page_and_problem_json(app):
    from fastapi.testclient import TestClient

    @app.get("/{lp}/boom-test")
    def boom(lp: str):
        raise RuntimeError("boom")

    @app.get("/api/v1/boom-test")
    def api_boom():
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        page = c.get("/zh-hant/boom-test")
        assert page.status_code == 500 and "text/html" in page.headers["content-type"]
        assert "RuntimeError" not in page.text and "Traceback" not in page.text
        api = c.get("/api/v1/boom-test", headers={"Accept-Language": "en"})
        assert api.status_code == 500 and api.json()["code"] == "core.internal"
    # The server closes the connection after an unhandled error: the response says so, so that no
    # client sends its next request on it (it would see that request dropped).
    assert page.headers["connection"] == "close" and api.headers["connection"] == "close"
