"""Through HTTP: an appointment holder checks in on the take-ticket page, is served, and rates the
service on the ticket's page and on the appointment's page; a wrong code changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hetao import hall
from hetao.hall.queue_models import Ticket
from hetao.web import ticket_pages
from tests.hall.test_visits import ON_THE_DAY, booked, serve
from tests.pages import CheckingClient, csrf_of, signed_in


@pytest.fixture
def app(lean_app):
    return lean_app


@pytest.fixture
def on_the_day(monkeypatch):
    monkeypatch.setattr(ticket_pages, "utcnow", lambda: ON_THE_DAY)


def check_in(client, code, prefix="en"):
    page = client.get(f"/{prefix}/hall/tickets/new")
    return client.post(
        f"/{prefix}/hall/tickets/check-in",
        data={"csrf_token": csrf_of(page), "appointment_code": code},
        follow_redirects=False,
    )


def tickets(session_factory) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def test_a_holder_checks_in_is_served_and_rates(app, session_factory, on_the_day):
    with session_factory() as s, s.begin():
        _, appointment = booked(s, "holder@example.org")
        code = appointment.code
    client = CheckingClient(app)
    response = check_in(client, hall.display_code(code).lower())  # as typed, in any case
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    token = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert not page.soup.select("form.rating-form")  # not served yet

    with session_factory() as s, s.begin():
        serve(s, s.scalar(select(Ticket).where(Ticket.token == token)))
    page = client.get(f"/en/hall/tickets/{token}")
    form = page.soup.select_one("form.rating-form")
    assert form is not None and form.select_one("input[name=kind]")["value"] == "ticket"
    rated = client.post(
        "/en/hall/ratings",
        data={
            "csrf_token": csrf_of(page),
            "kind": "ticket",
            "subject": token,
            "next": f"/en/hall/tickets/{token}",
            "score": "5",
            "comment": "",
        },
    )
    assert rated.status_code == 200
    page = client.get(f"/en/hall/tickets/{token}")
    assert not page.soup.select("form.rating-form")
    assert "Thank you for rating this service." in page.text

    holder = signed_in(app, "holder@example.org")
    mine = holder.get(f"/en/hall/appointments/{code}")
    assert mine.status_code == 200
    form = mine.soup.select_one("form.rating-form")
    assert form is not None and form.select_one("input[name=subject]")["value"] == code


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("en", "No appointment has that code."),
        ("zh-hant", "沒有這個編號的預約"),
        ("zh-hans", "没有这个编号的预约"),
    ],
)
def test_a_wrong_code_is_refused_in_each_language_and_changes_nothing(app, session_factory, prefix, message):
    client = CheckingClient(app)
    before = tickets(session_factory)
    response = check_in(client, "ZZZZ-ZZZZ", prefix=prefix)
    assert response.status_code == 422
    assert message in response.text
    assert tickets(session_factory) == before


def test_an_empty_code_is_refused(app):
    response = check_in(CheckingClient(app), "")
    assert response.status_code == 422
    assert "Enter the appointment" in response.text
