"""一件事一次辦 as a Hong Kong founder would use it: from the home page to a personal plan, one
question per page, in zh-Hant and in English, with an accessibility scan on the way; and the same
questionnaire with JavaScript switched off."""

from __future__ import annotations

import pytest

from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e

TEXTS = {
    "zh-hant": {
        "nav": "一件事一次辦",
        "journey": "香港企業落戶園區",
        "start": "立即開始",
        "continue": "繼續",
        "hk_company": "香港註冊的公司",
        "yes": "是",
        "no": "否",
        "problem": "發現以下問題",
        "check": "核對你的答案",
        "see_plan": "查看你的計劃",
        "days": "工作天",
    },
    "en": {
        "nav": "Plan your move",
        "journey": "Set up a Hong Kong business in the park",
        "start": "Start now",
        "continue": "Continue",
        "hk_company": "A company incorporated in Hong Kong",
        "yes": "Yes",
        "no": "No",
        "problem": "There is a problem",
        "check": "Check your answers",
        "see_plan": "See your plan",
        "days": "working days",
    },
}


def _choose(page, label: str, words: dict[str, str]) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name=words["continue"]).click()


@pytest.mark.parametrize("prefix", ["zh-hant", "en"])
def test_a_founder_answers_the_questions_and_gets_a_plan(page, live_server, backend, prefix):
    words = TEXTS[prefix]
    page.goto(f"{live_server}/{prefix}/")
    page.locator("nav.main-nav").get_by_role("link", name=words["nav"]).click()
    assert page.url.endswith(f"/{prefix}/journeys")
    page.get_by_role("link", name=words["journey"]).click()
    assert_accessible(page, f"journey-start-{prefix}", backend)
    page.get_by_role("link", name=words["start"]).click()

    # The first question; continuing without an answer shows the error summary, which links to it.
    assert page.url.endswith("/questions/investor")
    assert_accessible(page, f"journey-question-{prefix}", backend)
    page.get_by_role("button", name=words["continue"]).click()
    summary = page.locator(".error-summary")
    assert summary.get_by_role("heading", name=words["problem"]).is_visible()
    assert_accessible(page, f"journey-question-error-{prefix}", backend)
    assert summary.get_by_role("link").get_attribute("href") == "#investor"
    assert page.locator("#investor").get_attribute("type") == "radio"

    _choose(page, words["hk_company"], words)
    _choose(page, words["yes"], words)  # capital paid in from Hong Kong
    _choose(page, words["no"], words)  # no special VAT invoices
    _choose(page, words["no"], words)  # no goods across the border

    assert page.get_by_role("heading", level=1).inner_text() == words["check"]
    assert page.locator(".summary-row").count() == 4
    assert_accessible(page, f"journey-check-{prefix}", backend)
    page.get_by_role("link", name=words["see_plan"]).click()

    assert "/plan" in page.url
    assert words["days"] in page.locator(".total-days").inner_text()
    assert page.locator("ol.stages > li.stage").count() >= 4
    assert page.locator(".plan-step.critical").count() >= 4
    documents = page.locator("ul.plan-documents > li > a").all_inner_texts()
    assert len(documents) >= 3 and len(documents) == len(set(documents))
    assert_accessible(page, f"journey-plan-{prefix}", backend)

    # The plan prints without the site's navigation, the search box or buttons.
    page.emulate_media(media="print")
    assert not page.locator("nav.main-nav").is_visible()
    assert not page.locator("form.start-form").is_visible()
    assert page.locator("ol.stages").is_visible()
    page.emulate_media(media="screen")


def test_the_questionnaire_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    words = TEXTS["en"]
    page.goto(f"{live_server}/en/journeys/company-setup")
    page.get_by_role("link", name=words["start"]).click()
    page.get_by_role("button", name=words["continue"]).click()
    assert page.locator(".error-summary").is_visible()
    _choose(page, words["hk_company"], words)
    _choose(page, words["no"], words)
    _choose(page, "Don't know", words)
    _choose(page, words["no"], words)
    page.get_by_role("link", name=words["see_plan"]).click()
    assert page.locator("section.unsure #step-vat-general-taxpayer-registration").is_visible()
    page.get_by_label("Plan from another start date").fill("2026-02-13")
    page.get_by_role("button", name="Update the plan").click()
    assert "start=2026-02-13" in page.url
    assert page.locator(".plan-summary time").first.get_attribute("datetime") == "2026-02-13"
    context.close()


def test_the_plan_fits_a_phone(phone, live_server, backend):
    phone.goto(f"{live_server}/zh-hans/journeys/company-setup/questions/investor")
    words = {"continue": "继续"}
    _choose(phone, "在香港注册的公司", words)
    for label in ("是", "否", "否"):
        _choose(phone, label, words)
    phone.get_by_role("link", name="查看你的计划").click()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    assert_accessible(phone, "journey-plan-zh-hans-phone", backend)
