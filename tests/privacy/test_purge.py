"""Retention (``hetao purge``) on every backend: a dry run changes nothing; a run removes exactly
what is past its period (rows and files on disk), in batches, idempotently, and the audit chain
still verifies."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hetao import accounts, cases, privacy
from hetao.accounts import PasswordResetToken, WebSession
from hetao.cases import Case, CaseDocument, CaseEvent
from hetao.hall import Appointment, AppointmentState, Ticket
from hetao.notify import OutboxMessage
from hetao.privacy import RetentionPolicy
from tests.cases.helpers import ANSWERS, PDF, PNG, VALID, company_plan, person

NOW = datetime(2030, 6, 1, 2, 0, tzinfo=UTC)
POLICY = RetentionPolicy(
    draft_days=90, document_days=730, outbox_days=90, ticket_days=30, appointment_days=180
)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def draft(session, who, root, *, at: datetime, data: bytes = PDF) -> Case:
    journey, plan = company_plan(session)
    case = cases.start_application(session, who, journey=journey, answers=dict(ANSWERS), plan=plan, now=at)
    fields = cases.needed_fields(case)
    cases.save_answers(session, who, case.id, {f: VALID[f] for f in fields}, version=None, now=at)
    for code in cases.needed_documents(case):
        cases.attach_document(
            session, who, case.id, code=code, data=data, filename=f"{code}.pdf", root=root, now=at
        )
    return case


def withdrawn(session, who, root, *, at: datetime, data: bytes = PDF) -> Case:
    case = draft(session, who, root, at=at, data=data)
    cases.withdraw(session, who, case.id, now=at)
    return case


def file_of(root, case: Case):
    return cases.path_for(root, case.documents[0].upload_id)


def run(factory, root, **kwargs):
    return privacy.purge(factory, now=NOW, policy=POLICY, upload_dir=root, **kwargs)


def snapshot(session) -> dict:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (
            Case,
            CaseDocument,
            CaseEvent,
            OutboxMessage,
            WebSession,
            PasswordResetToken,
            Appointment,
        )
    } | {
        "purged_documents": session.scalar(select(func.count()).where(CaseDocument.purged_at.is_not(None))),
        "held_tickets": session.scalar(select(func.count()).where(Ticket.holder_id.is_not(None))),
    }


@pytest.fixture
def world(session, root):
    """Expired and unexpired things of each kind, for two people."""
    a = person(session, "keeper.a@example.org")
    b = person(session, "keeper.b@example.org")
    w = {
        "old_draft": draft(session, a, root, at=ago(91)),
        "young_draft": draft(session, b, root, at=ago(89), data=PNG),
        "old_closed": withdrawn(session, a, root, at=ago(731), data=PDF + b"old"),
        "young_closed": withdrawn(session, b, root, at=ago(700), data=PDF + b"young"),
    }
    session.add_all(
        [
            OutboxMessage(kind="t", user_id=a.user_id, locale="en", subject="old", body="x", sent_at=ago(91)),
            OutboxMessage(kind="t", user_id=a.user_id, locale="en", subject="new", body="x", sent_at=ago(10)),
            OutboxMessage(
                kind="t", user_id=a.user_id, locale="en", subject="unsent", body="x", created_at=ago(400)
            ),
            WebSession(
                id="old" * 8, user_id=a.user_id, created_at=ago(40), last_seen_at=ago(31), expires_at=ago(1)
            ),
            WebSession(
                id="live" * 8,
                user_id=a.user_id,
                created_at=ago(1),
                last_seen_at=NOW,
                expires_at=NOW + timedelta(days=29),
            ),
            PasswordResetToken(
                id="used" * 8,
                user_id=a.user_id,
                created_at=ago(1),
                expires_at=NOW + timedelta(hours=1),
                used_at=ago(0),
            ),
        ]
    )
    session.flush()
    return w


def test_a_dry_run_counts_and_changes_nothing(session, session_factory, root, world):
    before, files = snapshot(session), sorted(p.name for p in root.rglob("*") if p.is_file())
    report = run(session_factory, root, dry_run=True)
    assert report.dry_run
    assert report.counts["drafts"] >= 1 and report.counts["documents"] >= 1
    assert report.counts["outbox_messages"] >= 1 and report.counts["sessions"] >= 1
    assert snapshot(session) == before
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == files
    assert session.get(Case, world["old_draft"].id) is not None


def test_purge_removes_exactly_what_expired_and_the_chain_still_verifies(
    session, session_factory, root, world
):
    old_draft_file, young_draft_file = file_of(root, world["old_draft"]), file_of(root, world["young_draft"])
    old_closed_file, young_closed_file = (
        file_of(root, world["old_closed"]),
        file_of(root, world["young_closed"]),
    )
    old_draft_id = world["old_draft"].id
    assert all(p.is_file() for p in (old_draft_file, young_draft_file, old_closed_file, young_closed_file))

    report = run(session_factory, root, batch_size=1)
    session.expire_all()
    assert report.counts["drafts"] >= 1 and report.counts["documents"] >= 1

    # Drafts: the old one is gone with its file, the young one stays with its file.
    assert session.get(Case, old_draft_id) is None
    assert not old_draft_file.exists()
    assert session.get(Case, world["young_draft"].id).status == "draft" and young_draft_file.is_file()
    # Closed cases: the old one's documents are marked purged and the file removed; the row stays.
    old_docs = session.scalars(
        select(CaseDocument).where(CaseDocument.case_id == world["old_closed"].id)
    ).all()
    assert old_docs and all(d.purged_at is not None for d in old_docs) and not old_closed_file.exists()
    young_docs = session.scalars(
        select(CaseDocument).where(CaseDocument.case_id == world["young_closed"].id)
    ).all()
    assert all(d.purged_at is None for d in young_docs) and young_closed_file.is_file()
    # The audit log says what happened, and still verifies.
    actions = [e.action for e in cases.events_of(session, old_draft_id)]
    assert actions[0] == "case.started" and actions[-1] == "case.purged"
    assert cases.events_of(session, world["old_closed"].id)[-1].action == "document.purged"
    assert cases.verify(session).ok
    # Messages: only the old sent one goes; sessions: only the expired one; used reset links go.
    subjects = set(session.scalars(select(OutboxMessage.subject).where(OutboxMessage.kind == "t")))
    assert subjects == {"new", "unsent"}
    assert session.get(WebSession, "old" * 8) is None and session.get(WebSession, "live" * 8) is not None
    assert session.get(PasswordResetToken, "used" * 8) is None

    again = run(session_factory, root)
    assert again.total == 0


def test_a_file_shared_with_a_case_in_use_stays(session, session_factory, root):
    a, b = person(session, "share.a@example.org"), person(session, "share.b@example.org")
    old = withdrawn(session, a, root, at=ago(800))
    kept = draft(session, b, root, at=ago(1))  # the same content, still in use
    assert file_of(root, old) == file_of(root, kept)
    run(session_factory, root)
    session.expire_all()
    assert session.get(CaseDocument, old.documents[0].id).purged_at is not None
    assert file_of(root, kept).is_file()


def test_orphan_files_older_than_a_day_are_removed(session, session_factory, root):
    stray = cases.path_for(root, "ab" + "0" * 62)
    young = cases.path_for(root, "ab" + "1" * 62)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by a rolled-back upload")
    young.write_bytes(b"an upload in progress")
    two_days = (NOW - timedelta(days=2)).timestamp()
    os.utime(stray, (two_days, two_days))
    os.utime(young, (NOW.timestamp(), NOW.timestamp()))
    # A temporary file of an upload that crashed, two days ago by the file system's clock.
    temporary = stray.parent / ".upload-crashed"
    temporary.write_bytes(b"half")
    real_two_days = time.time() - 2 * 86400
    os.utime(temporary, (real_two_days, real_two_days))
    assert run(session_factory, root, dry_run=True).counts["files"] == 2 and stray.exists()
    assert run(session_factory, root).counts["files"] == 2
    assert not stray.exists() and not temporary.exists() and young.exists()


def test_old_tickets_lose_their_holder_and_old_cancelled_visits_go(session, session_factory, root):
    a = person(session, "hall.keeper@example.org")
    old = Ticket(
        token="t-old",
        day=date(2030, 4, 1),
        first_category="A",
        category="A",
        number=1,
        code="A001",
        holder_id=a.user_id,
        taken_at=ago(61),
        state="served",
    )
    new = Ticket(
        token="t-new",
        day=date(2030, 5, 31),
        first_category="A",
        category="A",
        number=2,
        code="A002",
        holder_id=a.user_id,
        taken_at=ago(1),
        state="served",
    )
    session.add_all([old, new])
    session.flush()
    counter_id = session.scalar(hall_counter_id())
    gone = Appointment(
        code="OLDVISIT",
        user_id=a.user_id,
        counter_id=counter_id,
        day=date(2029, 10, 1),
        start_minute=540,
        end_minute=570,
        state=AppointmentState.cancelled,
        locale="en",
        cancelled_at=ago(181),
    )
    kept = Appointment(
        code="NEWVISIT",
        user_id=a.user_id,
        counter_id=counter_id,
        day=date(2030, 5, 1),
        start_minute=540,
        end_minute=570,
        state=AppointmentState.cancelled,
        locale="en",
        cancelled_at=ago(179),
    )
    session.add_all([gone, kept])
    session.flush()
    gone_id, kept_id = gone.id, kept.id
    run(session_factory, root)
    session.expire_all()
    assert session.get(Ticket, old.id).holder_id is None and session.get(Ticket, old.id).code == "A001"
    assert session.get(Ticket, new.id).holder_id == a.user_id
    assert session.get(Appointment, gone_id) is None and session.get(Appointment, kept_id) is not None


def hall_counter_id():
    from hetao.hall import Counter

    return select(Counter.id).order_by(Counter.code).limit(1)


def test_purge_in_the_callers_transaction(session, root):
    a = person(session, "in.tx@example.org")
    old = draft(session, a, root, at=ago(200))
    report = privacy.purge(session, now=NOW, policy=POLICY, upload_dir=root)
    assert report.counts["drafts"] >= 1 and session.get(Case, old.id) is None
    assert cases.verify(session).ok


def test_closed_accounts_cases_lose_their_answers_once_closed(session, session_factory, root):
    a = person(session, "closing@example.org")
    case = draft(session, a, root, at=ago(5))
    cases.submit(session, a, case.id, version=None, now=ago(5))
    privacy.close_account(session, a, password="lantern harbour 42", now=ago(4), upload_dir=root)
    session.flush()
    run(session_factory, root)
    session.expire_all()
    assert session.get(Case, case.id).values  # still open: kept as it is
    kept = session.get(Case, case.id)
    kept.status, kept.completed_at = "completed", ago(1)
    session.flush()
    assert run(session_factory, root).counts["closed_account_cases"] == 1
    session.expire_all()
    scrubbed = session.get(Case, case.id)
    assert scrubbed.values == {} and scrubbed.answers == {} and scrubbed.scrubbed_at is not None
    assert cases.events_of(session, case.id)[-1].action == "case.scrubbed"
    assert cases.verify(session).ok
    assert accounts.user_by_email(session, "closing@example.org") is None


def test_a_draft_given_a_document_lately_is_kept(session, session_factory, root):
    a = person(session, "late.upload@example.org")
    journey, plan = company_plan(session)
    case = cases.start_application(
        session, a, journey=journey, answers=dict(ANSWERS), plan=plan, now=ago(200)
    )
    code = cases.needed_documents(case)[0]
    cases.attach_document(
        session, a, case.id, code=code, data=PNG, filename="late.png", root=root, now=ago(10)
    )
    run(session_factory, root)
    session.expire_all()
    assert session.get(Case, case.id) is not None and file_of(root, case).is_file()


def test_a_rolled_back_purge_puts_the_files_back(session_factory, root):
    with session_factory() as s, s.begin():
        a = person(s, "rollback@example.org")
        old = withdrawn(s, a, root, at=ago(800))
        path, case_id = file_of(root, old), old.id
    with pytest.raises(RuntimeError), session_factory() as s, s.begin():
        privacy.purge(s, now=NOW, policy=POLICY, upload_dir=root)
        assert not path.exists()  # set aside while the transaction is open
        raise RuntimeError("the caller's transaction fails")
    assert path.is_file()
    with session_factory() as s:
        assert all(d.purged_at is None for d in s.get(Case, case_id).documents)
