"""Every kind of response carries the security headers, and no template needs an inline script or
style (so the strict Content-Security-Policy never blocks anything)."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from fastapi.testclient import TestClient

from hetao import cases
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.web.middleware import CSP
from tests.cases.helpers import ANSWERS, PASSWORD, company_plan, person
from tests.pages import CheckingClient, csrf_of

EXPECTED = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}
DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
PUBLIC = [
    "/zh-hant/",
    "/en/services",
    "/en/services/hk-driving-licence-exchange",
    "/zh-hans/documents/hk-macao-travel-permit",
    "/en/directory",
    "/en/organizations/futian-amr",
    "/en/search?q=company",
    "/en/journeys",
    "/en/journeys/company-setup",
    "/en/account/sign-in",
    "/api/v1/services?per_page=1",
    "/api/hsds/services",
    "/openapi.json",
    "/static/site.css",
]


def _assert_headers(response, *, hsts: bool = False) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers.get(name))
    assert "camera=()" in response.headers["permissions-policy"]
    assert ("strict-transport-security" in response.headers) is hsts, response.url


def test_the_policy_is_strict():
    assert {d.strip() for d in CSP.split(";")} == DIRECTIVES


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_apis_and_static_files_carry_the_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    _assert_headers(response)


def test_redirects_and_not_found_pages_carry_the_headers(client):
    _assert_headers(client.get("/en/no-such-page"))
    _assert_headers(client.get("/api/v1/services/no-such-item"))
    redirect = client.get("/en/account", follow_redirects=False)
    assert redirect.status_code == 303
    _assert_headers(redirect)


def test_unexpected_errors_carry_the_headers(app):
    def boom():
        raise RuntimeError("boom")

    app.add_api_route("/en/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as raw:
        for url in ("/en/boom", "/api/v1/boom"):
            response = raw.get(url)
            assert response.status_code == 500
            _assert_headers(response)


def _signed_in(app, email) -> CheckingClient:
    client = CheckingClient(app)
    page = client.get("/en/account/sign-in")
    response = client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


def test_signed_in_pages_carry_the_headers(app, session_factory):
    with session_factory() as s, s.begin():
        applicant = person(s, "founder@example.org")
        journey, plan = company_plan(s)
        case_id = cases.start_application(
            s, applicant, journey=journey, answers=ANSWERS, plan=plan, now=utcnow()
        ).id
        person(s, "officer@example.org", officer_of=["futian-amr"])
        person(s, "chief@example.org", admin=True)
    founder = _signed_in(app, "founder@example.org")
    for url in ("/en/account", "/en/cases", f"/en/cases/{case_id}"):
        response = founder.get(url)
        assert response.status_code == 200, url
        _assert_headers(response)
    officer = _signed_in(app, "officer@example.org")
    _assert_headers(officer.get("/en/officer/tasks"))
    chief = _signed_in(app, "chief@example.org")
    for url in ("/en/admin/people", "/en/admin/catalogue"):
        response = chief.get(url)
        assert response.status_code == 200, url
        _assert_headers(response)


def test_hsts_and_secure_cookies_behind_tls(seeded_engine, session_factory, search_manager):
    from hetao.app import create_app

    app = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, secure_cookies=True),
        engine=seeded_engine,
    )
    app.state.session_factory = session_factory
    app.state.search_manager = search_manager
    with TestClient(app, base_url="https://testserver") as tls:
        response = tls.get("/en/account/sign-in")
        _assert_headers(response, hsts=True)
        cookies = response.headers.get_list("set-cookie")
        assert cookies and all("secure" in c.lower() for c in cookies)


INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("style element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"\son[a-z]+\s*=", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def _templates():
    root = files("hetao").joinpath("web", "templates")
    stack = [root]
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".html"):
                yield entry


def test_no_template_has_inline_script_or_style():
    templates = list(_templates())
    assert len(templates) > 20
    found = [
        f"{t.name}: {what}"
        for t in templates
        for what, pattern in INLINE
        if pattern.search(t.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    ["<script>alert(1)</script>", '<p style="color:red">', "<style>p{}</style>", '<a onclick="x()">'],
)
def test_the_template_check_catches_inline_code(snippet):
    assert any(pattern.search(snippet) for _what, pattern in INLINE)


def test_external_scripts_are_allowed_by_the_check():
    assert not any(pattern.search('<script src="/static/site.js" defer></script>') for _w, pattern in INLINE)
