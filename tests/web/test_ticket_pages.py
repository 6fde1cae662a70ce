"""Queue ticket pages through HTTP: taking a ticket without an account, the ticket's page, the
display board and its JSON twin, and the officer's hall console with its refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from hetao import hall
from tests.cases.helpers import person
from tests.pages import csrf_of, signed_in


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        person(s, "tax-officer@example.org", officer_of=["futian-tax"])
        person(s, "bank-officer@example.org", officer_of=["partner-banks"])
        person(s, "hall-admin@example.org", admin=True)
        person(s, "visitor@example.org")


def take(client, category="tax", prefix="en", **extra):
    page = client.get(f"/{prefix}/hall/tickets/new")
    response = client.post(
        f"/{prefix}/hall/tickets",
        data={"csrf_token": csrf_of(page), "category": category, **extra},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def ticket_code(page) -> str:
    return re.search(r"[A-I]\d{3}", page.soup.h1.get_text()).group(0)


@pytest.mark.parametrize(
    ("prefix", "heading"), [("zh-hant", "取籌"), ("zh-hans", "取号"), ("en", "Take a queue ticket")]
)
def test_the_take_ticket_page_in_each_language(client, prefix, heading):
    page = client.get(f"/{prefix}/hall/tickets/new")
    assert page.status_code == 200
    assert heading in page.soup.h1.get_text()
    assert len(page.soup.select("input[name=category]")) == 9
    assert page.soup.select_one("input#priority[type=checkbox]") is not None


def test_a_walk_in_takes_a_ticket_without_an_account(client):
    location = take(client, "customs", priority="1")
    assert re.fullmatch(r"/en/hall/tickets/[A-Za-z0-9_-]{32,}\?new=1", location), location
    page = client.get(location)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer" and "noindex" in page.headers["X-Robots-Tag"]
    code = ticket_code(page)
    assert code.startswith("B")
    facts = page.soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Customs" in facts and "Priority" in facts and "Estimated wait" in facts
    assert "Waiting: number 1 in the queue" in page.text
    # No rating form is faked before the ratings feature exists.
    assert page.soup.select("form[action*=rating]") == []


def test_a_signed_in_person_is_remembered_as_the_holder(app, people, session_factory):
    visitor = signed_in(app, "visitor@example.org")
    token = take(visitor, "legal").split("/")[-1].split("?")[0]
    with session_factory() as s:
        ticket = hall.get_ticket_by_token(s, token)
        assert ticket.holder_id is not None and ticket.lane == "walk_in"


def test_choosing_nothing_is_refused_with_a_linked_error(client, session_factory):
    page = client.get("/en/hall/tickets/new")
    response = client.post("/en/hall/tickets", data={"csrf_token": csrf_of(page), "priority": "1"})
    assert response.status_code == 422
    assert [a["href"] for a in response.soup.select(".error-summary a")] == ["#category"]
    assert response.soup.select_one("#priority").has_attr("checked")


def test_taking_a_ticket_needs_the_form_token(client):
    client.get("/en/hall/tickets/new")
    response = client.post("/en/hall/tickets", data={"category": "tax"})
    assert response.status_code == 403


def test_a_ticket_of_an_earlier_day_says_so(client, session_factory):
    with session_factory() as s, s.begin():
        old = hall.take_ticket(s, category="tax", now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    page = client.get(f"/en/hall/tickets/{old.token}")
    assert (
        "This ticket was for 2026-03-02 and was not called."
        in page.soup.select_one("#ticket-state").get_text()
    )
    assert "Estimated wait" not in page.text


def test_an_unknown_ticket_is_not_found(client):
    assert client.get("/en/hall/tickets/not-a-real-token").status_code == 404


def test_the_board_refreshes_itself_and_has_a_json_twin(client):
    take(client, "finance")
    page = client.get("/zh-hans/hall/board")
    assert page.status_code == 200
    assert page.soup.html["lang"] == "zh-Hans-CN"
    refresh = page.soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and int(refresh["content"]) > 0
    assert page.soup.find("script", src="/static/hall-board.js") is not None
    assert not [s for s in page.soup.find_all("script") if not s.get("src")], "no inline scripts"
    assert page.soup.body["data-board-url"] == "/api/v1/hall/board?lang=zh-Hans"
    rows = {r["data-category"]: r.get_text(" ", strip=True) for r in page.soup.select("#board-queues tr")}
    assert len(rows) == 9 and "金融" in rows["finance"]
    board = client.get("/api/v1/hall/board?lang=zh-Hans").json()
    finance = next(q for q in board["categories"] if q["category"] == "finance")
    assert finance["name"] == "金融" and finance["letter"] == "E" and finance["waiting"] >= 1
    assert finance["estimated_wait_minutes"] is not None and finance["estimated_wait_text"]
    assert client.get("/static/hall-board.js").status_code == 200


def test_the_console_is_for_officers_and_administrators(app, people, client):
    assert client.get("/en/officer/hall", follow_redirects=False).status_code == 303  # sign in first
    visitor = signed_in(app, "visitor@example.org")
    assert visitor.get("/en/officer/hall").status_code == 403
    officer = signed_in(app, "tax-officer@example.org")
    page = officer.get("/en/officer/hall")
    assert [o["value"] for o in page.soup.select("#counter option")] == ["C01"]
    assert officer.get("/en/officer/hall?counter=A01").status_code == 403  # not their department's
    assert officer.get("/en/officer/hall?counter=Z99").status_code == 404
    admin = signed_in(app, "hall-admin@example.org")
    options = [o["value"] for o in admin.get("/en/officer/hall").soup.select("#counter option")]
    assert "A01" in options and "C01" in options


def console_post(client, path, data, counter="C01"):
    page = client.get(f"/en/officer/hall?counter={counter}")
    return client.post(
        f"/en/officer/hall/{path}",
        data={"csrf_token": csrf_of(page), "counter": counter, **data},
        follow_redirects=False,
    )


def act(client, ticket_id, action, version, counter="C01", **data):
    return console_post(client, f"tickets/{ticket_id}/{action}", {"version": str(version), **data}, counter)


def current(session_factory, token):
    with session_factory() as s:
        return hall.get_ticket_by_token(s, token)


def test_an_officer_calls_serves_and_finishes_a_ticket(app, people, client, session_factory):
    location = take(client, "tax")
    token = location.split("/")[-1].split("?")[0]
    officer = signed_in(app, "tax-officer@example.org")

    called = console_post(officer, "call", {})
    assert called.status_code == 303
    console = officer.get(called.headers["location"])
    code = current(session_factory, token).code
    assert f"Ticket {code} is called to this counter." in console.soup.select_one(".notice").get_text()
    assert console.soup.h1.get_text(strip=True) == "Hall console: counter C01"
    ticket_page = client.get(location)
    assert "please go to counter C01" in ticket_page.soup.select_one("#ticket-state").get_text()
    board = client.get("/en/hall/board")
    first = board.soup.select_one("#board-called tr").get_text(" ", strip=True)
    assert code in first and "C01" in first

    ticket = current(session_factory, token)
    assert act(officer, ticket.id, "recall", ticket.version).status_code == 303
    ticket = current(session_factory, token)
    assert ticket.recalls == 1
    assert act(officer, ticket.id, "start", ticket.version).status_code == 303
    assert "Being served at counter C01" in client.get(location).text
    ticket = current(session_factory, token)
    assert act(officer, ticket.id, "finish", ticket.version).status_code == 303
    served = current(session_factory, token)
    assert served.state == "served"
    assert "Served. Thank you for your visit." in client.get(location).text

    # The same "finish" again (a second click, another tab): refused, explained, nothing changed.
    again = act(officer, ticket.id, "finish", ticket.version)
    assert again.status_code == 409
    assert f"Ticket {code} has already been served." in again.soup.select_one(".error-summary").get_text()
    zh = officer.get("/zh-hant/officer/hall?counter=C01")
    stale = officer.post(
        f"/zh-hant/officer/hall/tickets/{ticket.id}/finish",
        data={"csrf_token": csrf_of(zh), "counter": "C01", "version": str(ticket.version)},
    )
    assert stale.status_code == 409 and f"{code} 已經辦結" in stale.text
    assert current(session_factory, token).version == served.version


def test_no_show_transfer_and_refusals_on_the_console(app, people, client, session_factory):
    officer = signed_in(app, "tax-officer@example.org")
    nobody = console_post(officer, "call", {})
    if nobody.status_code == 409:  # a clean queue: the refusal is explained
        assert "Nobody is waiting" in nobody.text
    first = take(client, "tax").split("/")[-1].split("?")[0]
    second = take(client, "tax").split("/")[-1].split("?")[0]
    assert console_post(officer, "call", {}).status_code == 303
    busy = console_post(officer, "call", {})
    assert busy.status_code == 409 and "Counter C01 already has" in busy.text

    called = next(
        t for t in (current(session_factory, first), current(session_factory, second)) if t.state == "called"
    )
    # An officer of another department cannot act at this counter.
    bank = signed_in(app, "bank-officer@example.org")
    assert act(bank, called.id, "no-show", called.version, counter="C02").status_code == 409
    assert act(bank, called.id, "no-show", called.version, counter="C01").status_code == 403
    # Transfer to a counter that does not serve the category: refused.
    refused = act(officer, called.id, "transfer", called.version, category="tax", to_counter="C02")
    assert refused.status_code == 422 and "Counter C02 does not serve that category." in refused.text
    moved = act(officer, called.id, "transfer", called.version, category="finance", to_counter="")
    assert moved.status_code == 303
    after = current(session_factory, called.token)
    assert (after.state, after.category, after.code) == ("waiting", "finance", called.code)
    assert "(transferred from Tax)" in client.get(f"/en/hall/tickets/{after.token}").text

    other = console_post(officer, "call", {})
    assert other.status_code == 303
    ticket = next(
        t for t in (current(session_factory, first), current(session_factory, second)) if t.state == "called"
    )
    assert act(officer, ticket.id, "no-show", ticket.version).status_code == 303
    gone = client.get(f"/en/hall/tickets/{ticket.token}")
    assert "not present when called" in gone.text
    bad = console_post(officer, f"tickets/{ticket.id}/dance", {"version": "1"})
    assert bad.status_code == 404
