"""Information pages and the rating form in the browser: an administrator writes a new information
page in three languages, previews it, saves, publishes and edits it; a visitor reads it in each
language from the topic index; a visitor rates a (fake) served subject. Accessibility scans on the way."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from hetao import hall
from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD, person
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(lean_server):
    """The site without the search index: this journey never searches."""
    return lean_server


TEXTS = {
    "zh-Hant": ("示例：園區單車徑", "## 路線\n\n- 沿深圳河而行\n- 示例內容（ILLUSTRATIVE）"),
    "zh-Hans": ("示例：园区自行车道", "## 路线\n\n- 沿深圳河而行\n- 示例内容（ILLUSTRATIVE）"),
    "en": (
        "Sample: the park cycle path",
        "## Route\n\n- Along the Shenzhen River\n- ILLUSTRATIVE sample text",
    ),
}


def test_an_administrator_writes_a_page_and_visitors_read_it(browser, live_server, seeded_engine, backend):
    run = uuid.uuid4().hex[:8]
    email, slug = f"editor-{run}@example.org", f"cycle-path-{run}"
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    with unit_of_work(factory, write=True) as s:
        person(s, email, admin=True)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/en/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form[action$='/account/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/en/admin/hall/info")
    assert_accessible(page, "admin-info-list", backend)
    page.get_by_role("link", name="Write a new page").click()
    page.fill("#slug", slug)
    page.get_by_label("Topic", exact=True).select_option("dining_leisure")
    for loc, (title, body) in TEXTS.items():
        page.fill(f"#title-{loc}", title)
        page.fill(f"#body-{loc}", body)
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview .prose h2").count() == 3
    assert page.locator("#title-en").input_value() == TEXTS["en"][0]
    assert_accessible(page, "admin-info-preview", backend)
    page.get_by_role("button", name="Create the page").click()
    assert "The page is created" in page.locator("main").inner_text()
    page.get_by_role("button", name="Publish the page").click()
    assert "The page is published" in page.locator("main").inner_text()

    # A second edit, in the Traditional Chinese interface.
    page.goto(page.url.split("?")[0].replace("/en/", "/zh-hant/"))
    page.fill("#body-zh-Hant", TEXTS["zh-Hant"][1] + "\n- 單車請停泊在指定位置")
    page.get_by_role("button", name="儲存頁面").click()
    assert "頁面已儲存" in page.locator("main").inner_text()
    assert_accessible(page, "admin-info-edit-zh-hant", backend)
    context.close()

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    for prefix, loc in (("zh-hant", "zh-Hant"), ("zh-hans", "zh-Hans"), ("en", "en")):
        visitor.goto(f"{live_server}/{prefix}/hall/info")
        visitor.get_by_role("link", name=TEXTS[loc][0]).click()
        assert visitor.get_by_role("heading", level=1).inner_text() == TEXTS[loc][0]
        assert visitor.locator(".prose h2").count() == 1
        assert_accessible(visitor, f"info-page-{prefix}", backend)
    assert "單車請停泊在指定位置" in visitor.goto(f"{live_server}/zh-hant/hall/info/{slug}").text()
    visitor.goto(f"{live_server}/zh-hant/hall/info")
    assert_accessible(visitor, "info-index-zh-hant", backend)
    visitor.context.close()


def test_a_visitor_rates_a_served_subject(browser, live_server, backend):
    kind, subject = "e2e-fake", f"served-{uuid.uuid4().hex[:8]}"
    hall.register_subject(kind, lambda session, subject_id, rater_id: None)
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{live_server}/zh-hant/hall/ratings?kind={kind}&subject={subject}&next=/zh-hant/hall/info")
        assert_accessible(page, "rating-form-zh-hant", backend)
        page.get_by_role("button", name="送出評分").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").is_visible()
        assert_accessible(page, "rating-form-error-zh-hant", backend)
        page.get_by_label("基本滿意", exact=True).check()
        page.fill("#rating-comment", "指示清楚。")
        page.locator("form.rating-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "多謝你的評價"
        assert_accessible(page, "rating-thanks-zh-hant", backend)
        page.get_by_role("link", name="繼續").click()
        assert page.url.endswith("/zh-hant/hall/info")
        page.context.close()
    finally:
        hall.unregister_subject(kind)
