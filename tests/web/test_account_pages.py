"""Account pages end to end through HTTP: CSRF, sign-up, sign-in, throttle, reset, roles, denials."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hetao import accounts, notify
from hetao.accounts import User
from hetao.core.db import utcnow
from hetao.directory import Organization
from tests.pages import check_page, csrf_of

PASSWORD = "lantern harbour 42"


def sign_up(client, email="founder@example.org", prefix="zh-hant", password=PASSWORD):
    page = client.get(f"/{prefix}/account/sign-up")
    return client.post(
        f"/{prefix}/account/sign-up",
        data={
            "csrf_token": csrf_of(page),
            "email": email,
            "display_name": "陳大文",
            "password": password,
            "confirm": password,
        },
        follow_redirects=False,
    )


def sign_in(client, email, password=PASSWORD, prefix="en", next_path=""):
    page = client.get(f"/{prefix}/account/sign-in")
    return client.post(
        f"/{prefix}/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": email, "password": password, "next": next_path},
        follow_redirects=False,
    )


def test_sign_up_signs_in_and_shows_the_account(client):
    response = sign_up(client)
    assert response.status_code == 303 and response.headers["location"] == "/zh-hant/account"
    cookie = response.headers["set-cookie"]
    assert "hetao_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/zh-hant/account")
    assert page.status_code == 200 and "founder@example.org" in page.text
    assert page.soup.find("form", attrs={"action": "/zh-hant/account/sign-out"})


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, session_factory):
    client.get("/en/account/sign-up")
    response = client.post(
        "/en/account/sign-up",
        data={"email": "x@example.org", "display_name": "X", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 403
    check_page(response.text, "csrf")
    assert "expired" in response.text
    with session_factory() as s:
        assert s.scalar(select(User).where(User.email == "x@example.org")) is None


def test_a_token_from_another_browser_is_refused(client, app):
    from fastapi.testclient import TestClient

    page = client.get("/en/account/sign-in")
    with TestClient(app) as other:
        other.get("/en/account/sign-in")
        response = other.post(
            "/en/account/sign-in",
            data={"csrf_token": csrf_of(page), "email": "a@example.org", "password": "x"},
        )
    assert response.status_code == 403


def test_a_cross_site_origin_is_refused(client):
    page = client.get("/en/account/sign-in")
    response = client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": "a@example.org", "password": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_sign_up_errors_are_listed_and_linked_to_fields(client):
    page = client.get("/en/account/sign-up")
    response = client.post(
        "/en/account/sign-up",
        data={
            "csrf_token": csrf_of(page),
            "email": "bad",
            "display_name": "",
            "password": "short",
            "confirm": "x",
        },
    )
    assert response.status_code == 422
    soup = check_page(response.text, "sign-up")
    links = [a["href"] for a in soup.select(".error-summary a")]
    assert links == ["#email", "#display_name", "#password", "#confirm"]
    assert soup.find(id="email")["aria-invalid"] == "true"
    assert soup.find(id="email")["value"] == "bad"  # kept, so it can be corrected
    assert "value" not in soup.find(id="password").attrs  # passwords are never echoed


def test_sign_up_errors_are_localised(client):
    page = client.get("/zh-hans/account/sign-up")
    response = client.post(
        "/zh-hans/account/sign-up",
        data={"csrf_token": csrf_of(page), "email": "", "display_name": "", "password": "", "confirm": ""},
    )
    assert response.status_code == 422 and "请输入电子邮箱" in response.text


def test_sign_in_with_wrong_password_then_right_one_goes_to_next(client):
    sign_up(client)
    client.cookies.delete("hetao_session")
    response = sign_in(client, "founder@example.org", password="wrong password!")
    assert response.status_code == 400 and "not right" in response.text
    response = sign_in(client, "founder@example.org", next_path="/en/account?tab=1")
    assert response.status_code == 303 and response.headers["location"] == "/en/account?tab=1"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(client, target):
    sign_up(client)
    client.cookies.delete("hetao_session")
    response = sign_in(client, "founder@example.org", next_path=target)
    assert response.headers["location"] == "/en/account"


def test_sign_in_is_throttled_with_a_clear_message(client):
    sign_up(client)
    client.cookies.delete("hetao_session")
    for _ in range(accounts.people.MAX_FAILURES_PER_EMAIL):
        assert sign_in(client, "founder@example.org", password="guess guess 1").status_code == 400
    response = sign_in(client, "founder@example.org")
    assert response.status_code == 429 and "Too many failed sign-in attempts" in response.text


def test_pages_that_need_an_account_send_to_sign_in_and_back(client):
    response = client.get("/en/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/en/account/sign-in?next=%2Fen%2Faccount"


def test_sign_out_ends_the_session(client):
    sign_up(client)
    page = client.get("/en/account")
    response = client.post("/en/account/sign-out", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/en/account", follow_redirects=False).status_code == 303


def test_password_reset_by_emailed_link(client, session_factory):
    sign_up(client, prefix="en")
    client.cookies.delete("hetao_session")
    page = client.get("/en/account/password-reset")
    response = client.post(
        "/en/account/password-reset", data={"csrf_token": csrf_of(page), "email": "founder@example.org"}
    )
    assert response.status_code == 200 and "If an account uses that address" in response.text
    with session_factory() as s:
        body = s.scalar(
            select(notify.OutboxMessage.body).where(notify.OutboxMessage.kind == "accounts.password_reset")
        )
    link = re.search(r"http://testserver(/en/account/password-reset/\S+)", body).group(1)
    form = client.get(link)
    assert form.status_code == 200 and form.headers["referrer-policy"] == "no-referrer"
    response = client.post(
        link,
        data={"csrf_token": csrf_of(form), "password": "new passphrase 77", "confirm": "new passphrase 77"},
    )
    assert response.status_code == 200 and "Your password has been changed" in response.text
    assert client.get(link).status_code == 410  # single use
    assert sign_in(client, "founder@example.org", password="new passphrase 77").status_code == 303


def make_admin(session_factory, email="admin@example.org"):
    with session_factory() as s, s.begin():
        accounts.grant_role(s, None, email=email, role="admin", department_id=None, now=utcnow())


def test_admin_grants_an_officer_role(client, session_factory):
    sign_up(client, email="officer@example.org")
    client.cookies.clear()
    sign_up(client, email="admin@example.org")
    make_admin(session_factory)
    page = client.get("/en/admin/people")
    assert page.status_code == 200
    with session_factory() as s:
        amr = s.scalar(select(Organization.id).where(Organization.slug == "futian-amr"))
    response = client.post(
        "/en/admin/people/grant",
        data={
            "csrf_token": csrf_of(page),
            "email": "officer@example.org",
            "role": "officer",
            "department": amr,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/en/admin/people?done=granted")
    assert "officer@example.org" in page.text and "Futian Bureau" in page.text


def test_admin_grant_errors_are_shown(client, session_factory):
    sign_up(client, email="admin@example.org")
    make_admin(session_factory)
    page = client.get("/en/admin/people")
    response = client.post(
        "/en/admin/people/grant",
        data={
            "csrf_token": csrf_of(page),
            "email": "ghost@example.org",
            "role": "officer",
            "department": "nope",
        },
    )
    assert response.status_code == 422
    assert [a["href"] for a in response.soup.select(".error-summary a")] == ["#email", "#department"]


@pytest.mark.parametrize("path", ["/en/admin/people"])
def test_admin_pages_are_denied_to_applicants_and_officers(client, session_factory, path):
    sign_up(client, email="officer@example.org")
    with session_factory() as s, s.begin():
        amr = s.scalar(select(Organization.id).where(Organization.slug == "futian-amr"))
        accounts.grant_role(
            s, None, email="officer@example.org", role="officer", department_id=amr, now=utcnow()
        )
    assert client.get(path).status_code == 403
    page = client.get("/en/account")
    response = client.post("/en/admin/people/revoke/1", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 403
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).status_code == 303
