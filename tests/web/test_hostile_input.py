"""Hostile input to the pages: NUL characters and invalid UTF-8 in addresses and forms, huge form
posts and uploads, deeply nested JSON, script tags in every text field of a few forms, and path
tricks in upload file names. Each gets a clear 4xx page (or is stored and shown harmlessly)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from hetao import accounts, cases
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.hall.room_event_models import RoomBooking
from hetao.search import IndexManager
from hetao.web.guard import MAX_FORM_BYTES
from tests.cases.helpers import ANSWERS, PASSWORD, VALID, company_plan, person
from tests.cases.helpers import PDF as SAMPLE_PDF
from tests.pages import CheckingClient, csrf_of
from tests.web.test_room_pages import book

#: Content of this module's own (uploads are stored once per digest, and browser journeys commit
#: theirs to the shared database).
PDF = SAMPLE_PDF + f"% {uuid.uuid4().hex}\n".encode()

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def upload_dir(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def app(seeded_engine, session_factory, upload_dir):
    """The app on the seeded database, lexical search only (no embeddings are computed)."""
    from hetao.app import create_app

    application = create_app(
        Settings(
            database_url=str(seeded_engine.url),
            outbox_interval=0,
            search_backend="none",
            upload_dir=str(upload_dir),
        ),
        engine=seeded_engine,
    )
    application.state.session_factory = session_factory
    application.state.search_manager = IndexManager(seeded_engine, backend_name="none", background=False)
    return application


@pytest.fixture
def client(app):
    with CheckingClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        founder = person(s, "founder@example.org")
        person(s, "booker@example.org")
        person(s, "admin@example.org", admin=True)
        journey, plan = company_plan(s)
        case = cases.start_application(s, founder, journey=journey, answers=ANSWERS, plan=plan, now=utcnow())
        return {"case": case.id}


def signed_in(app, email) -> CheckingClient:
    client = CheckingClient(app, raise_server_exceptions=False)
    page = client.get("/en/account/sign-in")
    response = client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": email, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def assert_no_script_ran(page) -> None:
    """The page shows the text escaped, and has no script element or handler but the site's own."""
    assert SCRIPT not in page.text and ESCAPED in page.text
    assert all(script.get("src", "").startswith("/static/") for script in page.soup.find_all("script"))
    assert not page.soup.find_all(attrs={"onerror": True})


# -- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/en/services?q=%00",
        "/zh-hant/search?q=a%00b",
        "/en/organizations/%00",
        "/en/services/x%00",
        "/zh-hans/services?q=%FF%FE",
        "/en/services/%C3%28",
        "/en/search?q=%ED%A0%80",
    ],
)
def test_nul_characters_and_invalid_utf8_in_addresses_get_a_clear_400_page(client, url):
    page = client.get(url)
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert page.soup.h1.get_text(strip=True) == {
        "zh-hant": "你的要求有問題",
        "zh-hans": "您的请求有误",
    }.get(url.split("/")[1], "There is a problem with what you asked for")
    assert page.headers["content-security-policy"]  # the site's headers, as on every page


# -- sizes --------------------------------------------------------------------------------------


def test_a_huge_form_post_is_refused_with_413(client):
    page = client.get("/en/account/sign-in")
    data = {
        "csrf_token": csrf_of(page),
        "email": "founder@example.org",
        "password": "x" * (MAX_FORM_BYTES + 1),
    }
    refused = client.post("/en/account/sign-in", data=data, follow_redirects=False)
    assert refused.status_code == 413
    assert refused.soup.h1.get_text(strip=True) == "That is too much to send"
    assert "session" not in refused.cookies


def test_a_huge_form_post_without_a_length_is_refused_too(client):
    token = csrf_of(client.get("/en/account/sign-in"))

    def chunks():
        yield f"csrf_token={token}&email=a%40example.org&password=".encode()
        for _ in range(20):
            yield b"x" * 65536

    refused = client.post(
        "/en/account/sign-in",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert refused.status_code == 413


def test_uploads_are_bounded_by_the_setting_and_by_the_case_rules(app, people, session_factory):
    me = signed_in(app, "founder@example.org")
    url = f"/en/cases/{people['case']}"
    with session_factory() as s:
        code = cases.needed_documents(s.get(cases.Case, people["case"]))[0]
    token = csrf_of(me.get(url))
    too_big = me.post(
        f"{url}/documents/{code}",
        data={"csrf_token": token},
        files={"file": ("big.pdf", PDF + b"0" * app.state.settings.max_body_bytes, "application/pdf")},
        follow_redirects=False,
    )
    assert too_big.status_code == 413
    over_case_limit = me.post(
        f"{url}/documents/{code}",
        data={"csrf_token": token},
        files={"file": ("big.pdf", PDF + b"0" * cases.MAX_BYTES, "application/pdf")},
        follow_redirects=False,
    )
    assert over_case_limit.status_code == 422 and "larger than 10 MB" in over_case_limit.text
    with session_factory() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(cases.CaseDocument)
                .where(cases.CaseDocument.case_id == people["case"])
            )
            == 0
        )


def test_the_catalogue_import_takes_large_files_and_refuses_deep_json(app, people):
    admin = signed_in(app, "admin@example.org")
    token = csrf_of(admin.get("/en/admin/catalogue"))

    def send(data: bytes):
        return admin.post(
            "/en/admin/catalogue/import",
            data={"csrf_token": token},
            files={"file": ("catalogue.json", data, "application/json")},
            follow_redirects=False,
        )

    deep = send(b"[" * 200_000 + b"]" * 200_000)
    assert deep.status_code == 422 and "nested too deeply" in deep.text
    nested = send(
        json.dumps(
            {
                "language": "en",
                "services": [{"hetao": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}],
            }
        ).encode()
    )
    assert nested.status_code == 422 and "Nested more than 32 levels deep" in nested.text
    # Larger than HETAO_MAX_BODY_BYTES, within the import's own 50 MB: read, then refused as a document.
    large = send(b"{" + b" " * app.state.settings.max_body_bytes + b"}")
    assert large.status_code == 422 and "language" in large.text


# -- text fields --------------------------------------------------------------------------------


def test_nul_characters_in_form_fields_are_refused_and_nothing_is_stored(client, session_factory):
    page = client.get("/en/account/sign-up")
    data = {
        "csrf_token": csrf_of(page),
        "email": "nul@example.org",
        "display_name": "A\x00B",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    refused = client.post("/en/account/sign-up", data=data, follow_redirects=False)
    assert refused.status_code == 400 and "not allowed" in refused.text
    with session_factory() as s:
        assert accounts.user_by_email(s, "nul@example.org") is None


def test_script_tags_in_the_sign_up_form_are_shown_escaped(client, session_factory):
    page = client.get("/en/account/sign-up")
    data = {
        "csrf_token": csrf_of(page),
        "email": "script@example.org",
        "display_name": SCRIPT,
        "password": PASSWORD,
        "confirm": PASSWORD + "-not-the-same",
    }
    refused = client.post("/en/account/sign-up", data=data, follow_redirects=False)
    assert refused.status_code == 422
    assert_no_script_ran(refused)  # the form comes back with the value, escaped
    data["confirm"] = PASSWORD
    assert client.post("/en/account/sign-up", data=data, follow_redirects=False).status_code == 303
    with session_factory() as s:
        assert accounts.user_by_email(s, "script@example.org").display_name == SCRIPT  # stored as written
    assert_no_script_ran(client.get("/en/account"))


def test_script_tags_in_every_text_field_of_a_room_booking_are_shown_escaped(app, people, session_factory):
    me = signed_in(app, "booker@example.org")
    done = book(me, "negotiation-room-1", purpose=SCRIPT, organisation=SCRIPT)
    assert done.status_code == 303, done.text
    with session_factory() as s:
        booking = s.scalars(select(RoomBooking).where(RoomBooking.purpose == SCRIPT)).one()
        assert booking.purpose == SCRIPT and booking.organisation == SCRIPT
    assert_no_script_ran(me.get("/en/hall/room-bookings"))
    calendar = me.get(f"/en/hall/room-bookings/{booking.id}/calendar.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")


def test_script_tags_in_every_text_field_of_a_case_form_are_shown_escaped(app, people, session_factory):
    me = signed_in(app, "founder@example.org")
    url = f"/en/cases/{people['case']}"
    with session_factory() as s:
        fields = cases.needed_fields(s.get(cases.Case, people["case"]))
    text_fields = [f for f in fields if not re.fullmatch(r"[\d\-+ ]+|.+@.+|\d{4}-\d\d-\d\d", VALID[f])]
    values = {f: VALID[f] for f in fields} | {f: SCRIPT for f in text_fields}
    response = me.post(
        f"{url}/answers",
        data={"csrf_token": csrf_of(me.get(url)), "version": "1", **values},
        follow_redirects=False,
    )
    assert response.status_code in (303, 422)
    assert_no_script_ran(me.get(url) if response.status_code == 303 else response)


# -- file names ---------------------------------------------------------------------------------


def multipart(token: str, filename: bytes) -> tuple[bytes, dict[str, str]]:
    """A form with the CSRF token and PDF under ``filename`` exactly as given (no client escaping)."""
    boundary = "hostile-input-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'
        ).encode()
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"content-type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("/etc/passwd\x00.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\config", "config.pdf"),
        ("．．／．．／etc／passwd.pdf", "passwd.pdf"),  # full width: NFKC would make it ../
        ("report\x00.exe.pdf", "report.exe.pdf"),
        ("a" * 250 + ".pdf", "a" * 80 + ".pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("nul", "_nul.pdf"),
        ("LPT1.txt", "_LPT1.pdf"),
        ("%22; filename=%22evil.html", "%22; filename=%22evil.pdf"),
        ("<script>alert(1)</script>.pdf", "script>.pdf"),
        ("\u202eexe.pdf", "exe.pdf"),  # a right-to-left override would show it as fdp.exe
    ],
)
def test_path_tricks_in_upload_file_names_are_neutralised(
    app, people, session_factory, upload_dir, name, shown
):
    me = signed_in(app, "founder@example.org")
    url = f"/en/cases/{people['case']}"
    with session_factory() as s:
        code = cases.needed_documents(s.get(cases.Case, people["case"]))[0]
    body, headers = multipart(csrf_of(me.get(url)), name.encode())
    response = me.post(f"{url}/documents/{code}", content=body, headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    with session_factory() as s:
        stored = s.scalars(
            select(cases.CaseDocument).where(cases.CaseDocument.case_id == people["case"])
        ).one()
    assert stored.filename == shown
    # Stored under its digest only: nothing was written outside the upload directory.
    assert [p.name for p in upload_dir.rglob("*") if p.is_file()] == [stored.upload_id]
    download = me.get(f"{url}/documents/{code}")
    assert download.status_code == 200 and download.content == PDF
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split("filename*=")[0]
    assert disposition.count('"') == 2
    page = me.get(url)
    assert "<script>" not in page.text.replace('<script src="/static/', "")


def test_a_file_name_too_long_for_any_file_system_gets_a_clear_error_or_is_cut(app, people, session_factory):
    me = signed_in(app, "founder@example.org")
    url = f"/en/cases/{people['case']}"
    with session_factory() as s:
        code = cases.needed_documents(s.get(cases.Case, people["case"]))[0]
    body, headers = multipart(csrf_of(me.get(url)), b"a" * 20_000 + b".pdf")
    response = me.post(f"{url}/documents/{code}", content=body, headers=headers, follow_redirects=False)
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        assert response.soup.h1.get_text(strip=True) == "There is a problem with what you asked for"
        assert "The form could not be read." in response.text
