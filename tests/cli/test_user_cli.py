"""`hetao users` and `hetao outbox deliver` against a real, empty database of each backend."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from hetao import accounts, notify
from hetao.catalog import load_sample
from hetao.cli import app
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

runner = CliRunner()


def _run(env, *args):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_add_grant_list_and_errors(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        load_sample(session)
    engine.dispose()
    env = {"HETAO_DATABASE_URL": empty_db_url, "HETAO_NEW_PASSWORD": "a long passphrase 9"}
    assert _run(env, "users", "add", "Chief@Example.org", "--name", "Chief").exit_code == 0
    again = _run(env, "users", "add", "chief@example.org", "--name", "Chief")
    assert again.exit_code == 1 and "already exists" in again.output
    weak = _run({**env, "HETAO_NEW_PASSWORD": "short"}, "users", "add", "x@example.org", "--name", "X")
    assert weak.exit_code == 1 and "password" in weak.output
    assert _run(env, "users", "grant", "chief@example.org", "--role", "admin").exit_code == 0
    ok = _run(env, "users", "grant", "chief@example.org", "--role", "officer", "--department", "futian-tax")
    assert ok.exit_code == 0, ok.output
    bad = _run(
        env, "users", "grant", "chief@example.org", "--role", "officer", "--department", "no-such-dept"
    )
    assert bad.exit_code == 1 and "department" in bad.output
    listing = _run(env, "users", "list")
    assert (
        "chief@example.org" in listing.output
        and "admin" in listing.output
        and "officer of futian-tax" in listing.output
    )


def test_outbox_delivers_each_message_once(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        accounts.sign_up(
            session,
            email="a@example.org",
            display_name="A",
            password="a long passphrase 9",
            confirm="a long passphrase 9",
            locale="en",
            now=utcnow(),
        )
        accounts.request_password_reset(
            session, email="a@example.org", now=utcnow(), link_for=lambda _l, t: f"/r/{t}"
        )
    backend = notify.MemoryBackend()
    assert notify.deliver_due(factory, backend) == 1
    assert notify.deliver_due(factory, backend) == 0
    assert [m.to for m in backend.sent] == ["a@example.org"] and "/r/" in backend.sent[0].body
    with factory() as session:
        message = session.scalar(select(notify.OutboxMessage))
        assert message.sent_at is not None and message.attempts == 1
    result = _run({"HETAO_DATABASE_URL": empty_db_url}, "outbox", "deliver")
    assert result.exit_code == 0 and "Sent 0 message(s)." in result.output
    engine.dispose()


class Flaky:
    def __init__(self):
        self.calls = 0

    def send(self, mail):
        self.calls += 1
        if self.calls == 1:
            raise OSError("connection refused")


def test_a_failed_delivery_is_retried(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        notify.enqueue(session, kind="test", locale="en", subject="s", body="b", to_address="a@example.org")
    backend = Flaky()
    assert notify.deliver_due(factory, backend) == 0
    with factory() as session:
        assert "connection refused" in session.scalar(select(notify.OutboxMessage.last_error))
    assert notify.deliver_due(factory, backend) == 1
    engine.dispose()


def test_audit_verify_reports_an_edited_row(empty_db_url, tmp_path):
    from sqlalchemy import text

    from hetao import cases
    from tests.cases.helpers import ANSWERS, company_plan, person

    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_sample(session)
    with unit_of_work(factory) as session:
        applicant = person(session, "founder@example.org")
        journey, plan = company_plan(session)
        case = cases.start_application(
            session, applicant, journey=journey, answers=ANSWERS, plan=plan, now=utcnow()
        )
        cases.save_answers(session, applicant, case.id, {"company_name": "A Ltd"}, version=None, now=utcnow())
        cases.withdraw(session, applicant, case.id, now=utcnow())
    env = {"HETAO_DATABASE_URL": empty_db_url}
    ok = _run(env, "audit", "verify")
    assert ok.exit_code == 0 and "2 entries verified" in ok.output
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_events SET actor_id = 'someone-else' WHERE seq = 2"))
    bad = _run(env, "audit", "verify")
    assert bad.exit_code == 1 and "entry 2" in bad.output
    engine.dispose()
