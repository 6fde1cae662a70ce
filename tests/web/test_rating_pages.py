"""Ratings through HTTP with a fake subject kind: the rating form (the reusable partial) with its five
levels, a rating recorded once with a thank-you and a safe way back, errors in place; the
administrators' follow-up of a poor rating (due date, overdue filter, answer e-mailed, close, stale)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from hetao import hall, notify
from hetao.core.db import utcnow
from tests.cases.helpers import person
from tests.pages import csrf_of, signed_in

KIND = "fake-service"


def fake_checker(session, subject_id, rater_id):
    from hetao.core.errors import InvalidTransition

    if not subject_id.startswith("served-"):
        raise InvalidTransition()


@pytest.fixture(autouse=True)
def fake_subject():
    hall.register_subject(KIND, fake_checker)
    yield
    hall.unregister_subject(KIND)


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        person(s, "hall.admin@example.org", admin=True)
        person(s, "visitor@example.org")


def form_url(subject, next_url="/en/hall/info", prefix="en"):
    return f"/{prefix}/hall/ratings?kind={KIND}&subject={subject}&next={next_url}"


def rate(client, subject, score, *, comment="", next_url="/en/hall/info", prefix="en"):
    page = client.get(form_url(subject, prefix=prefix))
    data = {
        "csrf_token": csrf_of(page),
        "kind": KIND,
        "subject": subject,
        "next": next_url,
        "comment": comment,
    }
    if score is not None:
        data["score"] = str(score)
    return client.post(f"/{prefix}/hall/ratings", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    ("prefix", "labels"),
    [
        ("zh-hant", ["非常滿意", "滿意", "基本滿意", "不滿意", "非常不滿意"]),
        ("zh-hans", ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]),
        ("en", ["Very satisfied", "Satisfied", "Fairly satisfied", "Dissatisfied", "Very dissatisfied"]),
    ],
)
def test_the_form_has_the_five_levels_in_a_fieldset(client, prefix, labels):
    page = client.get(form_url("served-form", f"/{prefix}/hall/info", prefix))
    assert page.status_code == 200
    form = page.soup.select_one("form.rating-form")
    fieldset = form.find("fieldset")
    assert fieldset.legend.get_text(strip=True)
    radios = fieldset.select("input[type=radio][name=score]")
    assert [r["value"] for r in radios] == ["5", "4", "3", "2", "1"]
    assert [page.soup.find("label", attrs={"for": r["id"]}).get_text(strip=True) for r in radios] == labels
    assert form.select_one("textarea[name=comment]")["maxlength"] == "500"
    assert form.select_one("input[name=next]")["value"] == f"/{prefix}/hall/info"


def test_a_rating_is_recorded_once_with_a_thank_you(client, session_factory):
    missing = rate(client, "served-1", None)
    assert missing.status_code == 422
    assert [a["href"] for a in missing.soup.select(".error-summary a")] == ["#score"]
    with session_factory() as s:
        assert hall.find_rating(s, subject_kind=KIND, subject_id="served-1") is None

    done = rate(client, "served-1", 4, comment="Clear explanations.")
    assert done.status_code == 303
    location = done.headers["location"]
    assert urlsplit(location).path == "/en/hall/ratings/thanks"
    assert parse_qs(urlsplit(location).query)["next"] == ["/en/hall/info"]
    thanks = client.get(location)
    assert thanks.status_code == 200 and thanks.soup.h1.get_text() == "Thank you for your rating"
    assert thanks.soup.find("a", string="Continue")["href"] == "/en/hall/info"
    with session_factory() as s:
        rating = hall.find_rating(s, subject_kind=KIND, subject_id="served-1")
        assert rating.score == 4 and rating.comment == "Clear explanations." and rating.rater_id is None

    again = client.post(
        "/en/hall/ratings",
        data={"csrf_token": csrf_of(missing), "kind": KIND, "subject": "served-1", "score": "1"},
        follow_redirects=False,
    )
    assert again.status_code == 409 and "already been rated" in again.text
    assert client.get(form_url("served-1")).status_code == 409


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_the_way_back_stays_on_this_site(client, target):
    done = rate(client, "served-next", 5, next_url=target)
    thanks = client.get(done.headers["location"])
    assert thanks.soup.find("a", string="Continue")["href"] == "/en/"


def test_what_may_not_be_rated_is_refused(client):
    assert client.get(f"/en/hall/ratings?kind={KIND}&subject=waiting-1").status_code == 409
    assert client.get("/en/hall/ratings?kind=unknown&subject=x").status_code == 404
    page = client.get(form_url("served-x"))
    refused = client.post(
        "/en/hall/ratings",
        data={"csrf_token": csrf_of(page), "kind": KIND, "subject": "waiting-1", "score": "5"},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    forged = client.post(
        "/en/hall/ratings", data={"kind": KIND, "subject": "served-y", "score": "5"}, follow_redirects=False
    )
    assert forged.status_code == 403


def test_a_poor_rating_is_followed_up_answered_by_mail_and_closed(app, people, session_factory):
    visitor = signed_in(app, "visitor@example.org")
    assert rate(visitor, "served-poor", 1, comment="Nobody explained the documents.").status_code == 303
    with session_factory() as s:
        rating = hall.find_rating(s, subject_kind=KIND, subject_id="served-poor")
        followup = s.scalar(select(hall.RatingFollowup).where(hall.RatingFollowup.rating_id == rating.id))
        followup_id, due = followup.id, followup.due_on
        assert rating.rater_id is not None and followup.state == "open"

    assert visitor.get("/en/admin/hall/followups").status_code == 403
    admin = signed_in(app, "hall.admin@example.org")
    listing = admin.get("/en/admin/hall/followups")
    assert listing.status_code == 200
    link = listing.soup.find("a", href=f"/en/admin/hall/followups/{followup_id}")
    assert link is not None and link.get_text() == "Very dissatisfied"
    assert due.isoformat() in link.find_parent("tr").get_text()
    assert admin.get("/en/admin/hall/followups?state=closed").soup.find("a", href=link["href"]) is None
    with session_factory() as s, s.begin():
        old = hall.record_rating(
            s,
            subject_kind=KIND,
            subject_id="served-old",
            rater_id=None,
            score=2,
            comment="",
            now=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        )
        old_url = f"/en/admin/hall/followups/{old.followup.id}"
    overdue = admin.get("/en/admin/hall/followups?state=overdue")
    row = overdue.soup.find("a", href=old_url).find_parent("tr")
    assert "overdue" in row["class"] and "Overdue" in row.get_text()
    assert overdue.soup.find("a", href=link["href"]) is None  # due later, not overdue yet
    assert all(
        date.fromisoformat(t["datetime"]) < hall.ratings.local_today(utcnow())
        for t in overdue.soup.select("table.followups time")
    )

    url = f"/en/admin/hall/followups/{followup_id}"
    page = admin.get(url)
    assert "Nobody explained the documents." in page.text
    empty = admin.post(f"{url}/answer", data={"csrf_token": csrf_of(page), "version": "1", "response": " "})
    assert empty.status_code == 422 and empty.soup.select_one(".error-summary a")["href"] == "#response"
    answered = admin.post(
        f"{url}/answer",
        data={"csrf_token": csrf_of(page), "version": "1", "response": "We now explain each document."},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    stale = admin.post(
        f"{url}/answer",
        data={"csrf_token": csrf_of(page), "version": "1", "response": "A second answer."},
        follow_redirects=False,
    )
    assert stale.status_code == 409 and "Someone else changed this follow-up" in stale.text
    with session_factory() as s:
        user_id = s.get(hall.HallRating, rating.id).rater_id
        [mail] = [m for m in notify.messages_for(s, user_id) if m.kind == "hall.followup_answered"]
        assert mail.to_address == "visitor@example.org" and "We now explain each document." in mail.body

    page = admin.get(url)
    assert "We now explain each document." in page.text
    closed = admin.post(
        f"{url}/close", data={"csrf_token": csrf_of(page), "version": "2"}, follow_redirects=False
    )
    assert closed.status_code == 303
    with session_factory() as s:
        assert hall.get_followup(s, followup_id).state == "closed"
    assert admin.get("/en/admin/hall/followups?state=closed").soup.find("a", href=url) is not None


def test_figures_of_a_date_range(app, people, client):
    rate(client, "served-fig-1", 5)
    rate(client, "served-fig-2", 2)
    admin = signed_in(app, "hall.admin@example.org")
    page = admin.get("/en/admin/hall/followups?from=2000-01-01&to=2100-12-31")
    rows = {
        tr.th.get_text(strip=True): int(tr.td.get_text(strip=True))
        for tr in page.soup.select("#statistics ~ table tbody tr")
    }
    assert rows["Very satisfied"] >= 1 and rows["Dissatisfied"] >= 1
