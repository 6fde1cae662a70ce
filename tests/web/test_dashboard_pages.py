"""The operations dashboard through HTTP: only administrators; the tables hold the figures of the
data made here; bad dates get a localised error; the JSON twin agrees and refuses others."""

from __future__ import annotations

from datetime import date

import pytest

from hetao.search.models import SearchMiss
from tests.cases.helpers import person
from tests.cases.statistics_helpers import at, case_row, department_id, rating_row, task_row
from tests.pages import CheckingClient
from tests.web.test_case_pages import signed_in

RANGE = "from=2025-03-01&to=2025-03-31"
URL = f"/en/admin/dashboard?{RANGE}"
API = f"/api/v1/admin/dashboard?{RANGE}"


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


@pytest.fixture
def activity(session_factory):
    """For the market regulator: two steps decided on time and one late in March 2025, and one open
    step overdue since then; three applications on two days; three ratings; a question unanswered."""
    with session_factory() as s, s.begin():
        person(s, "admin@example.org", admin=True)
        applicant = person(s, "founder@example.org")
        amr = department_id(s, "futian-amr")
        first = case_row(s, applicant, submitted=at("2025-03-03"))
        due = date(2025, 3, 10)
        task_row(s, first, department=amr, state="approved", due_on=due, decided=at("2025-03-05"))
        task_row(s, first, department=amr, state="approved", due_on=due, decided=at("2025-03-10"))
        task_row(s, first, department=amr, state="rejected", due_on=due, decided=at("2025-03-12"))
        task_row(s, first, department=amr, state="in_progress", due_on=date(2025, 3, 20))
        # A service centre, not a government department, handles steps too.
        banks = department_id(s, "partner-banks")
        task_row(s, first, department=banks, state="approved", due_on=due, decided=at("2025-03-06"))
        second = case_row(s, applicant, submitted=at("2025-03-03", "15:00"), status="completed")
        third = case_row(s, applicant, submitted=at("2025-03-17"), status="completed")
        rating_row(s, second, 5, at("2025-03-20"))
        rating_row(s, third, 5, at("2025-03-21"))
        rating_row(s, first, 2, at("2025-03-22"))
        s.add(
            SearchMiss(
                query="無人機",
                locale="zh-Hant",
                count=1,
                first_seen=at("2025-03-04"),
                last_seen=at("2025-03-04"),
            )
        )
        s.add(
            SearchMiss(
                query='visa <for> "pets" & cats',
                locale="en",
                count=3,
                first_seen=at("2025-03-04"),
                last_seen=at("2025-03-08"),
            )
        )
    return amr


def table(page, caption: str) -> dict[str, list[str]]:
    """A table of the page by its caption, as {row heading: cells}."""
    for t in page.soup.select("table"):
        if t.caption and t.caption.get_text(strip=True) == caption:
            assert all(th.get("scope") for th in t.select("th"))
            return {
                tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
                for tr in t.select("tbody tr")
            }
    raise AssertionError(f"no table captioned {caption!r}")


def test_only_administrators_see_the_dashboard(app, activity):
    anonymous = CheckingClient(app)
    response = anonymous.get(URL, follow_redirects=False)
    assert response.status_code == 303 and "/en/account/sign-in" in response.headers["location"]
    assert signed_in(app, "founder@example.org").get(URL).status_code == 403
    assert signed_in(app, "admin@example.org").get(URL).status_code == 200


def test_the_tables_hold_the_figures_of_the_data(app, activity):
    page = signed_in(app, "admin@example.org").get(URL)
    assert page.status_code == 200
    soup = page.soup
    assert [s["id"] for s in soup.select("section.dashboard-section")] == [
        "compliance",
        "submissions",
        "ratings",
        "misses",
        "queues",
        "appointments",
        "hall-ratings",
    ]
    svgs = soup.select("svg[role=img]")
    assert len(svgs) >= 4 and all(svg.get("aria-labelledby") for svg in svgs)

    limits = table(page, "Time limits per department")
    regulator = next(v for k, v in limits.items() if "Market Regulation" in k)
    assert regulator == ["2", "1", "67%", "1"]  # on time, late, share, overdue today
    assert limits["Partner Bank Service Windows in the Hall"] == ["1", "0", "100%", "0"]

    days = table(page, "Applications submitted per day")
    assert len(days) == 31 and days["2025-03-03"] == ["2"] and days["2025-03-17"] == ["1"]
    assert sum(int(v[0]) for v in days.values()) == 3

    ratings = table(page, "Ratings of completed cases")
    assert ratings["Very satisfied"] == ["2", "67%"] and ratings["Dissatisfied"] == ["1", "33%"]
    assert ratings["Satisfied"] == ["0", "0%"]

    misses = table(page, "Most frequent questions that found nothing")
    assert misses['visa <for> "pets" & cats'] == ["English", "3", "2025-03-08"]
    assert page.soup.find("th", string="無人機")["lang"] == "zh-Hant-HK"  # not the page's language
    assert "<for>" not in page.text.replace("visa &lt;for&gt;", "")  # escaped everywhere

    assert soup.select_one("link[rel=alternate][type='application/json']")["href"].startswith(
        "/api/v1/admin/dashboard?from=2025-03-01&to=2025-03-31"
    )


def test_a_quiet_range_shows_messages_instead_of_charts(app, activity):
    page = signed_in(app, "admin@example.org").get("/en/admin/dashboard?from=2003-01-01&to=2003-01-31")
    assert page.status_code == 200
    messages = [p.get_text(strip=True) for p in page.soup.select(".chart-empty")]
    assert "No application was submitted in this period." in messages
    assert "No case was rated in this period." in messages
    assert "No question went unanswered in this period." in messages


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "from=2025-02-30&to=2025-03-31",
            "from",
            "Enter the date as year-month-day, for example 2026-03-31.",
        ),
        ("from=2025-03-01&to=yesterday", "to", "Enter the date as year-month-day, for example 2026-03-31."),
        ("from=2025-04-01&to=2025-03-01", "from", "The start date must be on or before the end date."),
        ("from=2020-01-01&to=2025-03-01", "from", "Choose a range of at most 366 days."),
    ],
)
def test_bad_dates_are_named_and_nothing_is_shown(app, activity, query, field, message):
    page = signed_in(app, "admin@example.org").get(f"/en/admin/dashboard?{query}")
    assert page.status_code == 422
    links = page.soup.select(".error-summary a")
    assert [(a["href"], a.get_text(strip=True)) for a in links] == [(f"#{field}", message)]
    assert not page.soup.select("section.dashboard-section")


def test_errors_and_headings_are_translated(app, activity):
    me = signed_in(app, "admin@example.org")
    page = me.get("/zh-hant/admin/dashboard?from=2025-04-01&to=2025-03-01")
    assert page.status_code == 422 and "開始日期" in page.soup.select_one(".error-summary").get_text()
    page = me.get(f"/zh-hans/admin/dashboard?{RANGE}")
    assert page.status_code == 200 and page.soup.h1.get_text(strip=True) == "运营数据看板"


def test_the_default_range_is_the_last_thirty_days(app, activity):
    page = signed_in(app, "admin@example.org").get("/en/admin/dashboard")
    start = date.fromisoformat(page.soup.select_one("#from")["value"])
    end = date.fromisoformat(page.soup.select_one("#to")["value"])
    assert (end - start).days == 29


def test_the_json_twin_has_the_same_figures(app, activity):
    data = signed_in(app, "admin@example.org").get(API).json()
    assert (data["from"], data["to"]) == ("2025-03-01", "2025-03-31")
    regulator = next(c for c in data["compliance"] if c["department_id"] == activity)
    assert (regulator["on_time"], regulator["late"], regulator["overdue_now"]) == (2, 1, 1)
    assert sum(d["count"] for d in data["submissions_per_day"]) == 3
    assert {r["score"]: r["count"] for r in data["ratings"]} == {5: 2, 4: 0, 3: 0, 2: 1, 1: 0}
    assert data["top_misses"][0]["query"] == 'visa <for> "pets" & cats'


def test_the_json_twin_refuses_others_and_bad_dates(app, activity):
    from fastapi.testclient import TestClient

    anonymous = TestClient(app).get(API)
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    assert signed_in(app, "founder@example.org").get(API).status_code == 403
    bad = signed_in(app, "admin@example.org").get(
        "/api/v1/admin/dashboard?from=2025-04-01&to=2025-03-01&lang=en"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from"
    schema = TestClient(app).get("/openapi.json").json()
    assert "/api/v1/admin/dashboard" in schema["paths"]


def test_the_hall_sections_count_tickets_visits_and_ratings(app, activity, session_factory):
    from hetao import hall
    from hetao.core.db import utcnow
    from tests.hall.test_visits import ON_THE_DAY, booked, serve

    admin = signed_in(app, "admin@example.org")
    api = "/api/v1/admin/dashboard?from=2026-12-01&to=2026-12-31"
    # Browser journeys commit their own tickets and visits to the shared database: compare with before.
    before = admin.get(api).json()
    with session_factory() as s, s.begin():
        _, appointment = booked(s, "visitor@example.org")
        ticket = hall.check_in_visit(s, appointment.code, now=ON_THE_DAY)
        serve(s, ticket)
        hall.record_rating(
            s,
            subject_kind="ticket",
            subject_id=ticket.token,
            rater_id=None,
            score=1,
            comment="",
            now=ON_THE_DAY,
        )
        hall.take_ticket(s, category="tax", now=utcnow())
    page = admin.get("/en/admin/dashboard?from=2026-12-01&to=2026-12-31")
    assert page.status_code == 200
    visits = table(page, "Visits per day and state")
    assert visits["2026-12-07"][2] == str(
        1
        + sum(d["states"].get("completed", 0) for d in before["visits_per_day"] if d["date"] == "2026-12-07")
    )
    follow_ups = table(page, "Follow-ups of poor ratings")
    assert follow_ups["Open"] == [str(before["hall_ratings"]["followups_open"] + 1)]

    data = admin.get(api).json()
    assert data["hall_ratings"]["followups_open"] == before["hall_ratings"]["followups_open"] + 1
    score = {r["score"]: r["count"] for r in data["hall_ratings"]["distribution"]}
    assert score[1] == {r["score"]: r["count"] for r in before["hall_ratings"]["distribution"]}[1] + 1
    tax = next(q for q in data["queues_today"] if q["category"] == "tax")
    tax_before = next(q for q in before["queues_today"] if q["category"] == "tax")
    assert (tax["taken"], tax["waiting"]) == (tax_before["taken"] + 1, tax_before["waiting"] + 1)
