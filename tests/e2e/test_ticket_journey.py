"""取號 end to end: a walk-in takes a ticket on the hall's page, the demo tax officer calls it at
their counter, the display board shows the number and counter (redrawn in place by its script), the
officer serves it, the ticket's page says it is served, and the walk-in rates the service. With
accessibility scans on the way."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from hetao import accounts, hall
from hetao.accounts.demo import DEMO_PASSWORD
from hetao.core.db import utcnow
from hetao.directory import Organization
from hetao.storage.database import unit_of_work
from tests.e2e.test_journeys import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_server(lean_server):
    """The site without the search index: this journey never searches."""
    return lean_server


OFFICER = "officer.tax@example.org"  # the demo officer of the tax bureau (hetao.accounts.demo)


def ensure_demo_officer(factory) -> None:
    with unit_of_work(factory, write=True) as s:
        if accounts.user_by_email(s, OFFICER) is not None:
            return
        accounts.sign_up(
            s,
            email=OFFICER,
            display_name="Demo officer (tax) 示範職員",
            password=DEMO_PASSWORD,
            confirm=DEMO_PASSWORD,
            locale="zh-Hant",
            now=utcnow(),
        )
        tax = s.scalar(select(Organization.id).where(Organization.slug == "futian-tax"))
        accounts.grant_role(s, None, email=OFFICER, role="officer", department_id=tax, now=utcnow())


def test_a_walk_in_is_called_served_and_shown_on_the_board(browser, live_server, seeded_engine, backend):
    factory = sessionmaker(bind=seeded_engine, expire_on_commit=False)
    ensure_demo_officer(factory)

    # The walk-in takes a ticket for tax, no account needed.
    walk_in = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    visitor = walk_in.new_page()
    visitor.goto(f"{live_server}/zh-hant/hall/tickets/new")
    assert_accessible(visitor, "ticket-take-zh-hant", backend)
    visitor.get_by_label("稅務", exact=True).check()
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="取籌").click()
    assert re.search(r"/zh-hant/hall/tickets/[A-Za-z0-9_-]{32,}", visitor.url)
    number = re.search(r"H\d{3}", visitor.get_by_role("heading", level=1).inner_text()).group(0)
    assert "輪候中" in visitor.locator("#ticket-state").inner_text()
    assert_accessible(visitor, "ticket-waiting-zh-hant", backend)
    ticket_url = visitor.url.split("?")[0]

    # The hall screen shows the board; its script takes over from the meta refresh.
    screen = browser.new_context(viewport={"width": 1600, "height": 900})
    board = screen.new_page()
    board.goto(f"{live_server}/zh-hant/hall/board")
    assert_accessible(board, "board-zh-hant", backend)
    board.wait_for_function("document.body.getAttribute('data-live') === '1'")
    assert board.locator("meta[http-equiv=refresh]").count() == 0
    board.evaluate("window.stillTheSamePage = true")

    # The demo tax officer calls the next ticket at the tax window.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    officer.goto(f"{live_server}/zh-hant/account/sign-in")
    officer.fill("#email", OFFICER)
    officer.fill("#password", DEMO_PASSWORD)
    officer.locator("form[action$='/account/sign-in'] button[type=submit]").click()
    officer.wait_for_load_state()
    officer.goto(f"{live_server}/zh-hant/officer/hall")
    officer.get_by_label("你的窗口").select_option("C01")
    with officer.expect_navigation():
        officer.get_by_role("button", name="使用此窗口").click()
    assert_accessible(officer, "hall-console-zh-hant", backend)
    with officer.expect_navigation():
        officer.get_by_role("button", name="叫下一個籌").click()
    assert number in officer.locator(".notice").inner_text()
    assert_accessible(officer, "hall-console-called-zh-hant", backend)

    # The board shows the number at counter C01 without reloading.
    first_row = board.locator("#board-called tr").first
    first_row.filter(has_text=number).wait_for(timeout=15000)
    assert "C01" in first_row.inner_text()
    assert board.evaluate("window.stillTheSamePage") is True
    assert_accessible(board, "board-called-zh-hant", backend)

    visitor.goto(ticket_url)
    assert "C01" in visitor.locator("#ticket-state").inner_text()

    # Served.
    with officer.expect_navigation():
        officer.get_by_role("button", name=f"開始辦理 {number}").click()
    with officer.expect_navigation():
        officer.get_by_role("button", name=f"完成：{number} 已辦結").click()
    assert number in officer.locator(".notice").inner_text()
    visitor.goto(ticket_url)
    assert "已辦結" in visitor.locator("#ticket-state").inner_text()
    assert_accessible(visitor, "ticket-served-zh-hant", backend)

    # Rated (好差評): a poor rating opens a follow-up for the administrators.
    visitor.get_by_label("不滿意", exact=True).check()
    visitor.get_by_label("還有補充嗎？（選填）").fill("等候時間太長。")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="送出評分").click()
    assert_accessible(visitor, "rating-thanks-zh-hant", backend)
    visitor.goto(ticket_url)
    assert "多謝你評價這項服務。" in visitor.locator("main").inner_text()
    with unit_of_work(factory) as s:
        token = ticket_url.rsplit("/", 1)[1]
        rating = hall.find_rating(s, subject_kind="ticket", subject_id=token)
        assert rating.score == 2 and rating.followup is not None

    # Without scripts the board still reloads itself.
    plain = browser.new_context(java_script_enabled=False)
    static_board = plain.new_page()
    static_board.goto(f"{live_server}/en/hall/board")
    assert static_board.locator("meta[http-equiv=refresh]").count() == 1
    assert static_board.get_by_role("heading", level=1).inner_text() == "Queue display board"

    # Optionally, a picture of the board with a few more calls (docs/hall/display-board.png):
    # HETAO_BOARD_SCREENSHOT=docs/hall/display-board.png pytest tests/e2e/test_ticket_journey.py
    target = os.environ.get("HETAO_BOARD_SCREENSHOT")
    if target:
        with unit_of_work(factory, write=True) as s:
            for category, code in (("finance", "C02"), ("public_security", "B01"), ("customs", "D01")):
                hall.take_ticket(s, category=category, now=utcnow())
                hall.call_next(s, counter=hall.get_counter(s, code), now=utcnow())
            for category in ("finance", "tax", "tax", "innovation", "government_affairs"):
                hall.take_ticket(s, category=category, now=utcnow())
        board.wait_for_timeout(6000)
        board.screenshot(path=str(Path(target)), full_page=True)
    for context in (walk_in, screen, desk, plain):
        context.close()
