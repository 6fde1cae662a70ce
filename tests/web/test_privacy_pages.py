"""Data rights pages through HTTP: downloading one's data as JSON, closing the account (CSRF,
password re-entry, confirmation), a closed account cannot sign in, and purged documents are no
longer served."""

from __future__ import annotations

import json

import pytest

from hetao import cases, privacy
from hetao.accounts import User, principal_for, user_by_email
from hetao.core.db import utcnow
from tests.cases.helpers import ANSWERS, PASSWORD, PDF, VALID, company_plan, person
from tests.pages import CheckingClient, csrf_of


@pytest.fixture
def uploads(app, tmp_path):
    app.state.settings = type(app.state.settings)(
        database_url=app.state.settings.database_url, upload_dir=str(tmp_path / "uploads"), outbox_interval=0
    )
    return tmp_path / "uploads"


def sign_in(client: CheckingClient, email: str, password: str = PASSWORD):
    page = client.get("/en/account/sign-in")
    return client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": email, "password": password},
        follow_redirects=False,
    )


@pytest.fixture
def people(session_factory, uploads):
    with session_factory() as s, s.begin():
        me = person(s, "data.owner@example.org")
        person(s, "data.other@example.org")
        journey, plan = company_plan(s)
        case = cases.start_application(s, me, journey=journey, answers=ANSWERS, plan=plan, now=utcnow())
        cases.save_answers(
            s, me, case.id, {f: VALID[f] for f in cases.needed_fields(case)}, version=None, now=utcnow()
        )
        return case.id


def signed_in(app, email) -> CheckingClient:
    client = CheckingClient(app)
    assert sign_in(client, email).status_code == 303
    return client


def test_the_account_page_links_to_the_data_and_closing(app, people):
    page = signed_in(app, "data.owner@example.org").get("/en/account")
    hrefs = [a["href"] for a in page.soup.select("a")]
    assert "/en/account/data.json" in hrefs and "/en/account/close" in hrefs


def test_the_data_download_is_the_persons_own(app, people):
    me = signed_in(app, "data.owner@example.org")
    response = me.get("/en/account/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "no-store" in response.headers["cache-control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "data.owner@example.org"
    assert data["cases"][0]["values"]["full_name"] == VALID["full_name"]
    assert "data.other" not in response.text
    other = signed_in(app, "data.other@example.org").get("/en/account/data.json")
    assert json.loads(other.content)["cases"] == [] and "data.owner" not in other.text


def test_signed_out_people_are_sent_to_sign_in(app):
    anonymous = CheckingClient(app)
    for url in ("/en/account/data.json", "/en/account/close"):
        assert anonymous.get(url, follow_redirects=False).status_code == 303


def test_closing_needs_csrf_confirmation_and_the_password(app, session_factory, people):
    me = signed_in(app, "data.owner@example.org")
    page = me.get("/zh-hant/account/close")
    assert page.status_code == 200 and page.soup.find("input", attrs={"name": "password"})
    no_csrf = me.post("/en/account/close", data={"confirm": "yes", "password": PASSWORD})
    assert no_csrf.status_code == 403
    page = me.get("/en/account/close")
    unticked = me.post("/en/account/close", data={"csrf_token": csrf_of(page), "password": PASSWORD})
    assert unticked.status_code == 422 and "#confirm" in [
        a["href"] for a in unticked.soup.select(".error-summary a")
    ]
    wrong = me.post(
        "/en/account/close", data={"csrf_token": csrf_of(page), "confirm": "yes", "password": "not it"}
    )
    assert wrong.status_code == 422 and "#password" in [
        a["href"] for a in wrong.soup.select(".error-summary a")
    ]
    with session_factory() as s:
        assert user_by_email(s, "data.owner@example.org").is_active
    assert me.get("/en/account").status_code == 200


def test_a_closed_account_is_signed_out_and_cannot_sign_in(app, session_factory, people):
    me = signed_in(app, "data.owner@example.org")
    other = signed_in(app, "data.other@example.org")
    page = me.get("/en/account/close")
    closed = me.post(
        "/en/account/close",
        data={"csrf_token": csrf_of(page), "confirm": "yes", "password": PASSWORD},
        follow_redirects=False,
    )
    assert closed.status_code == 200 and closed.soup.h1.get_text(strip=True) == "Your account is closed"
    assert "hetao_session=" in closed.headers.get("set-cookie", "")
    assert me.get("/en/account", follow_redirects=False).status_code == 303
    assert sign_in(CheckingClient(app), "data.owner@example.org").status_code == 400
    with session_factory() as s:
        assert user_by_email(s, "data.owner@example.org") is None
        assert s.get(cases.Case, people) is None  # the draft is deleted
    # The other person is still signed in and untouched.
    assert other.get("/en/account").status_code == 200


def test_a_purged_document_is_no_longer_served(app, session_factory, people, uploads):
    with session_factory() as s, s.begin():
        me = principal_for(user_by_email(s, "data.owner@example.org"))
        case = s.get(cases.Case, people)
        for code in cases.needed_documents(case):
            cases.attach_document(
                s, me, people, code=code, data=PDF, filename="a.pdf", root=uploads, now=utcnow()
            )
        code = cases.needed_documents(case)[0]
    client = signed_in(app, "data.owner@example.org")
    assert client.get(f"/en/cases/{people}/documents/{code}").status_code == 200
    with session_factory() as s, s.begin():
        document = next(d for d in s.get(cases.Case, people).documents if d.code == code)
        privacy.retention.purge_documents(s, [document.id], now=utcnow(), root=uploads)
    assert client.get(f"/en/cases/{people}/documents/{code}").status_code == 404
    with session_factory() as s:
        assert s.get(User, me.user_id).is_active
