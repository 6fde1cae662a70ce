"""The operations dashboard in a browser: an administrator signs in, chooses a range, sees the
charts with their tables and passes the accessibility scan; bad dates and other people are refused."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.orm import sessionmaker

from hetao.search.models import SearchMiss
from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD, person
from tests.cases.statistics_helpers import at, case_row, department_id, rating_row, task_row
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e
JUNE = "from=2025-06-01&to=2025-06-30"


@pytest.fixture(scope="module")
def dashboard_server(lean_server):
    """The site without the search index: these journeys never search."""
    return lean_server


@pytest.fixture(scope="module")
def people(seeded_engine):
    """An administrator and an applicant, and decided work in June 2025 (committed: the browser
    reads through the server). Nothing is left open, so no other test's overdue count moves."""
    run = uuid.uuid4().hex[:8]
    admin, applicant = f"admin-{run}@example.org", f"founder-{run}@example.org"
    with unit_of_work(sessionmaker(bind=seeded_engine, expire_on_commit=False), write=True) as s:
        person(s, admin, admin=True)
        founder = person(s, applicant)
        tax = department_id(s, "futian-tax")
        case = case_row(s, founder, submitted=at("2025-06-02"), status="completed")
        task_row(s, case, department=tax, state="approved", due_on=date(2025, 6, 9), decided=at("2025-06-05"))
        task_row(s, case, department=tax, state="approved", due_on=date(2025, 6, 9), decided=at("2025-06-12"))
        rating_row(s, case, 4, at("2025-06-13"))
        s.add(
            SearchMiss(
                query=f"e2e <question> {run}",
                locale="en",
                count=2,
                first_seen=at("2025-06-03"),
                last_seen=at("2025-06-04"),
            )
        )
    return admin, applicant


def sign_in(browser, server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/en/account/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form[action$='/account/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def test_an_administrator_reads_the_dashboard(browser, dashboard_server, people, backend):
    admin, _ = people
    context, page = sign_in(browser, dashboard_server, admin)
    page.goto(f"{dashboard_server}/zh-hant/admin/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "營運數據儀表板"
    page.fill("#from", "2025-06-01")
    page.fill("#to", "2025-06-30")
    page.locator("form.dashboard-range button[type=submit]").click()
    page.wait_for_load_state()
    assert "from=2025-06-01" in page.url and "to=2025-06-30" in page.url
    assert page.get_by_role("img", name="每日遞交的申請").is_visible()
    assert page.locator("svg[role=img]").count() >= 4
    assert_accessible(page, "dashboard-zh-hant", backend)

    page.goto(f"{dashboard_server}/en/admin/dashboard?{JUNE}")
    limits = page.locator("table", has=page.locator("caption", has_text="Time limits per department"))
    row = limits.locator("tbody tr", has=page.locator("th", has_text="Futian District Tax Service"))
    assert row.locator("td").all_inner_texts()[:2] == ["1", "1"]
    page.get_by_text("Figures as a table: Ratings of completed cases").click()
    ratings = page.locator("table", has=page.locator("caption", has_text="Ratings of completed cases"))
    assert ratings.is_visible()
    assert_accessible(page, "dashboard-en", backend)

    page.goto(f"{dashboard_server}/en/admin/dashboard?from=2025-06-30&to=2025-06-01")
    assert page.locator(".error-summary a[href='#from']").is_visible()
    assert_accessible(page, "dashboard-bad-dates-en", backend)
    context.close()


def test_an_applicant_cannot_see_it(browser, dashboard_server, people):
    _, applicant = people
    context, page = sign_in(browser, dashboard_server, applicant)
    response = page.goto(f"{dashboard_server}/en/admin/dashboard")
    assert response.status == 403
    context.close()
