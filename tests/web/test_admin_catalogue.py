"""Administrators import and export the catalogue in the site; nothing changes on any problem."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from hetao import accounts
from hetao.catalog import Service
from hetao.core.db import utcnow
from tests.cases.helpers import person
from tests.pages import csrf_of
from tests.web.test_case_pages import signed_in


def admin_client(app, session_factory):
    with session_factory() as s, s.begin():
        person(s, "chief@example.org", admin=True)
    return signed_in(app, "chief@example.org")


def upload(client, content: bytes):
    page = client.get("/en/admin/catalogue")
    return client.post(
        "/en/admin/catalogue/import",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("catalogue.json", content, "application/json")},
    )


def test_export_then_import_changes_nothing(app, session_factory):
    chief = admin_client(app, session_factory)
    page = chief.get("/en/admin/catalogue")
    assert page.status_code == 200 and "Every journey step names an active catalogue item." in page.text
    exported = chief.get("/en/admin/catalogue/export?language=en")
    assert exported.headers["content-disposition"].startswith("attachment;")
    doc = exported.json()
    assert len(doc["services"]) >= 100
    response = upload(chief, exported.content)
    assert response.status_code == 200 and "0 created, 0 updated" in response.text


def test_a_bad_file_is_refused_with_every_problem_and_nothing_changes(app, session_factory):
    chief = admin_client(app, session_factory)
    with session_factory() as s:
        before = s.scalar(select(func.count()).select_from(Service))
    assert upload(chief, b"{not json").status_code == 422
    doc = chief.get("/en/admin/catalogue/export").json()
    doc["services"][0]["name"] = ""
    doc["services"].append({"id": "x"})
    response = upload(chief, json.dumps(doc, ensure_ascii=False).encode())
    assert response.status_code == 422 and "Nothing was imported" in response.text
    assert len(response.soup.select(".error-summary li")) >= 2
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Service)) == before


def test_only_administrators_reach_the_catalogue_pages(app, session_factory):
    with session_factory() as s, s.begin():
        person(s, "officer@example.org", officer_of=["futian-amr"])
        accounts.user_by_email(s, "officer@example.org").last_sign_in_at = utcnow()
    officer = signed_in(app, "officer@example.org")
    assert officer.get("/en/admin/catalogue").status_code == 403
    assert officer.get("/en/admin/catalogue/export").status_code == 403
    page = officer.get("/en/account")
    response = officer.post(
        "/en/admin/catalogue/import",
        data={"csrf_token": csrf_of(page)},
        files={"file": ("a.json", b"{}", "application/json")},
    )
    assert response.status_code == 403
