"""Administrators edit a journey in the site: checked as a whole, saved as a new version, in use at
once (pages and API); bad input saves nothing; others are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hetao import journeys
from tests.cases.helpers import person
from tests.pages import csrf_of
from tests.web.test_case_pages import signed_in

URL = "/en/admin/journeys/company-setup"


@pytest.fixture
def chief(app, session_factory):
    with session_factory() as s, s.begin():
        person(s, "chief@example.org", admin=True)
    yield signed_in(app, "chief@example.org")
    journeys.reset_cache()  # the rolled-back revisions must not outlive the test in this process


def save(client, source):
    page = client.get(URL)
    return client.post(URL, data={"csrf_token": csrf_of(page), "source": source}, follow_redirects=False)


def count(session_factory):
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(journeys.JourneyRevision))


def test_an_edit_is_checked_saved_and_in_use_at_once(chief, session_factory):
    page = chief.get(URL)
    source = page.soup.find("textarea", id="source").get_text()
    assert "slug: company-setup" in source
    edited = source.replace('en: "Who is the investor?"', 'en: "Who will invest in the company?"')
    assert edited != source
    response = save(chief, edited)
    assert response.status_code == 303
    assert (
        chief.get("/en/journeys/company-setup/questions/investor")
        .soup.find("h1")
        .get_text(" ", strip=True)
        .startswith("Who will invest in the company?")
    )
    api = chief.get("/api/v1/journeys/company-setup", headers={"Accept-Language": "en"}).json()
    assert api["questions"][0]["text"] == "Who will invest in the company?"
    assert len(chief.get(URL).soup.select("ol[reversed] li")) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s + "\n  - : broken", "not valid YAML"),
        (lambda s: s.replace("key: company-name-self-declaration", "key: no-such-item", 1), "no-such-item"),
        (lambda s: s.replace("slug: company-setup", "slug: something-else", 1), "company-setup"),
        (lambda s: s.replace("{q: investor, eq: mainland}", "{q: nobody, eq: mainland}", 1), "nobody"),
    ],
)
def test_a_bad_edit_saves_nothing_and_says_why(chief, session_factory, change, expected):
    source = chief.get(URL).soup.find("textarea", id="source").get_text()
    response = save(chief, change(source))
    assert response.status_code == 422, response.status_code
    assert expected in response.soup.select_one(".error-summary").get_text()
    assert count(session_factory) == 0


def test_only_administrators_edit_journeys(app, session_factory):
    with session_factory() as s, s.begin():
        person(s, "officer@example.org", officer_of=["futian-amr"])
    officer = signed_in(app, "officer@example.org")
    assert officer.get(URL).status_code == 403
    page = officer.get("/en/account")
    assert officer.post(URL, data={"csrf_token": csrf_of(page), "source": "slug: x"}).status_code == 403
    assert count(session_factory) == 0
