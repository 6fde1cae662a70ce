"""Search as a new user would use it: typed into the box on the home page, in each language."""

from __future__ import annotations

import pytest

from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e

CASES = [
    ("zh-hant", "點樣喺深圳開公司", "/services/hk-invested-company-registration"),
    ("zh-hans", "第一次申请港澳居民居住证", "/services/hk-macao-residence-permit-first-application"),
    ("en", "exchange my Hong Kong driving licence", "/services/hk-driving-licence-exchange"),
]


@pytest.mark.parametrize("prefix,question,item", CASES)
def test_a_question_typed_on_the_home_page_lands_on_the_item(
    page, live_server, backend, prefix, question, item
):
    page.goto(f"{live_server}/{prefix}/")
    box = page.locator("form[role=search] input[name=q]")
    box.fill(question)
    box.press("Enter")
    assert f"/{prefix}/search?" in page.url
    card = page.locator(".answer-card").first
    assert card.is_visible()
    assert_accessible(page, f"search-{prefix}", backend)
    card.locator(f"h2 a[href='/{prefix}{item}']").click()
    assert page.url.endswith(f"/{prefix}{item}")


def test_a_weather_question_gets_an_honest_answer(page, live_server, backend):
    page.goto(f"{live_server}/en/")
    box = page.locator("form[role=search] input[name=q]")
    box.fill("what is the weather tomorrow")
    box.press("Enter")
    assert page.locator(".no-match").is_visible()
    assert page.get_by_role("link", name="Browse the service items by category").is_visible()
    assert_accessible(page, "search-no-match-en", backend)
