"""一件事一次辦 in one visit, as people would do it: a new user answers the company set-up questions,
books one visit to the hall for the plan (creating an account on the way), sees the confirmation
code and its QR code, downloads the calendar file and checks it, and finds the visit in "My
appointments". Accessibility scans on every page of the booking."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from hetao import hall
from hetao.accounts import principal_for, user_by_email
from hetao.storage.database import unit_of_work
from tests.cases.helpers import PASSWORD
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hall_server(lean_server):
    """The site without the search index: these journeys never search."""
    return lean_server


def press(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_a_new_user_books_one_visit_for_a_plan(browser, hall_server, seeded_engine, backend, tmp_path):
    run = uuid.uuid4().hex[:8]
    email = f"visitor-{run}@example.org"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()

    page.goto(f"{hall_server}/en/journeys/company-setup/questions/investor")
    for label in ("A company incorporated in Hong Kong", "Yes", "No", "No"):
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="See your plan").click()
    assert_accessible(page, "appointment-plan-en", backend)

    # Booking asks for an account first, then comes back to the booking.
    page.get_by_role("link", name="Book one visit for this plan").click()
    assert "/account/sign-in" in page.url
    page.locator("a[href*='/account/sign-up']").first.click()
    page.fill("#display_name", "Chan Tai Man")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("form[action$='/account/sign-up'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "/hall/appointments/new/day" in page.url, page.locator("main").inner_text()[:600]
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a day"
    assert "One visit for your plan" in page.locator("main").inner_text()
    assert_accessible(page, "appointment-day-en", backend)

    day = page.locator("input[name=day]:checked").get_attribute("value")
    press(page, "Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a time"
    assert_accessible(page, "appointment-time-en", backend)
    first_time = page.locator("input[name=time]").first
    start = first_time.get_attribute("value")
    first_time.check()
    press(page, "Continue")
    assert page.get_by_role("heading", level=1).inner_text() == "Check and confirm"
    assert_accessible(page, "appointment-confirm-en", backend)
    press(page, "Book this time")

    heading = page.get_by_role("heading", level=1).inner_text()
    shown = re.fullmatch(r"Appointment ([A-Z0-9]{4}-[A-Z0-9]{4})", heading).group(1)
    assert "Your appointment is booked" in page.locator("main").inner_text()
    assert page.locator("figure.qr-code svg[role=img]").count() == 1
    assert_accessible(page, "appointment-booked-en", backend)

    with page.expect_download() as info:
        page.get_by_role("link", name="Add to your calendar (.ics file)").click()
    path = tmp_path / "visit.ics"
    info.value.save_as(path)
    ics = path.read_bytes().decode("utf-8")
    hours, minutes = map(int, start.split(":"))
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT\r\n" in ics
    assert (
        f"DTSTART:{day.replace('-', '')}T{hours - 8:02d}{minutes:02d}00Z" in ics
    )  # 08:00 Beijing = 00:00 UTC
    assert f"SUMMARY:Service hall visit ({shown})" in ics
    assert "STATUS:CONFIRMED" in ics

    page.get_by_role("link", name="My appointments").click()
    assert shown in page.locator("main").inner_text()
    assert_accessible(page, "appointment-list-en", backend)

    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    with unit_of_work(factory) as s:
        mine = hall.appointments_of(s, principal_for(user_by_email(s, email)))
        assert [hall.display_code(a.code) for a in mine] == [shown]
        assert mine[0].journey == "company-setup" and len(mine[0].items) >= 2
        assert s.get(hall.Counter, mine[0].counter_id).comprehensive
    context.close()
