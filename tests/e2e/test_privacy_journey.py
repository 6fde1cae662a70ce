"""Data rights in the browser: a person downloads their data from the account page, then closes the
account (confirmation, password) and cannot sign in again. Accessibility scans on the way."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD, person
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_in(page, live_server, email):
    page.goto(f"{live_server}/en/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form[action$='/account/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_person_downloads_their_data_and_closes_the_account(browser, live_server, seeded_engine, backend):
    email = f"leaving-{uuid.uuid4().hex[:8]}@example.org"
    with unit_of_work(sessionmaker(bind=seeded_engine, expire_on_commit=False), write=True) as s:
        person(s, email)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    _sign_in(page, live_server, email)
    assert page.url.endswith("/en/account")
    assert_accessible(page, "account-overview", backend)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["email"] == email

    page.get_by_role("link", name="Close your account").click()
    assert page.locator("h1").inner_text() == "Close your account"
    assert_accessible(page, "account-close", backend)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    assert "Tick the box" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "account-close-error", backend)
    page.check("#confirm")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Close my account").click()
    assert page.locator("h1").inner_text() == "Your account is closed"
    assert_accessible(page, "account-closed", backend)

    _sign_in(page, live_server, email)
    assert "/account/sign-in" in page.url and page.locator(".error-summary").count() == 1
    context.close()
