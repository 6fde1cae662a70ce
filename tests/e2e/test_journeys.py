"""Journeys a new user takes, with an axe-core accessibility scan of every page on the way."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e
AXE = Axe()


def assert_accessible(page, name: str, backend: str) -> None:
    results = AXE.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
    )
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{backend}-{name}.png"), full_page=True)


def test_browse_a_category_open_an_item_switch_language_find_an_organisation(page, live_server, backend):
    page.goto(live_server + "/")
    assert page.url.endswith("/zh-hant/")
    assert_accessible(page, "home-zh-hant", backend)

    page.get_by_role("link", name="交警", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "交警"
    assert_accessible(page, "category-traffic-zh-hant", backend)

    page.locator("a[href='/zh-hant/services/hk-driving-licence-exchange']").click()
    h1 = page.get_by_role("heading", level=1).inner_text()
    assert "駕駛" in h1
    assert (
        page.get_by_role("heading", name="所需文件").is_visible()
        or page.locator("ul.documents li").count() > 0
    )
    assert_accessible(page, "item-zh-hant", backend)

    page.get_by_role("navigation", name=re.compile("語言|Language")).get_by_role(
        "link", name="English"
    ).click()
    assert page.url.endswith("/en/services/hk-driving-licence-exchange")
    assert "driving licence" in page.get_by_role("heading", level=1).inner_text().lower()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "item-en", backend)

    page.get_by_role("link", name="Hong Kong map of the park").first.click()
    assert page.locator("svg.park-map").is_visible()
    assert_accessible(page, "directory-en", backend)
    page.get_by_label("Kind").select_option("incubator")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("ol.numbered > li").count() == 5
    marker_count = page.locator("svg.park-map g.map-marker").count()
    assert marker_count >= 1

    # The map's buildings are links: open the one holding the first numbered incubator.
    first = page.locator("ol.numbered > li").first
    place_href = first.locator("a[href^='/en/places/']").get_attribute("href")
    page.locator(f"svg.park-map a[href='{place_href}']").click()
    assert page.url.endswith(place_href)
    assert page.locator("ol.numbered > li").count() >= 1
    assert_accessible(page, "place-en", backend)
    page.locator("ol.numbered > li a").first.click()
    assert "/en/organizations/" in page.url
    assert_accessible(page, "organization-en", backend)

    # The choice of English sticks: the bare address now opens the English home page.
    page.goto(live_server + "/")
    assert page.url.endswith("/en/")


def test_pages_fit_a_phone(phone, live_server, backend):
    for path in ("/zh-hans/", "/zh-hans/services/hk-driving-licence-exchange", "/zh-hans/directory"):
        phone.goto(live_server + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    assert_accessible(phone, "directory-zh-hans-phone", backend)


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(live_server + "/en/services?q=residence")
    assert pg.locator(".item-list > li").count() >= 1
    pg.get_by_label("Category").select_option("public_security")
    pg.get_by_role("button", name="Apply filters").click()
    assert "category=public_security" in pg.url
    context.close()
