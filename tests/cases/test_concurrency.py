"""Two officers act on one task at the same moment, with real commits on each backend: exactly one
wins, the other is told, nothing is overwritten; the audit chain stays whole."""

from __future__ import annotations

import threading

from sqlalchemy import select

from hetao import cases
from hetao.accounts import principal_for, user_by_email
from hetao.catalog import load_sample
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade
from tests.cases.helpers import ANSWERS, PDF, VALID, company_plan, department_slug, person


def test_two_officers_claim_one_task(empty_db_url, tmp_path):
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
        cases.save_answers(
            session,
            applicant,
            case.id,
            {f: VALID[f] for f in cases.needed_fields(case)},
            version=None,
            now=utcnow(),
        )
        for code in cases.needed_documents(case):
            cases.attach_document(
                session,
                applicant,
                case.id,
                code=code,
                data=PDF,
                filename="a.pdf",
                root=tmp_path,
                now=utcnow(),
            )
        cases.submit(session, applicant, case.id, version=None, now=utcnow())
        task = next(t for t in case.tasks if t.state == "ready")
        slug = department_slug(session, task)
        person(session, "one@example.org", officer_of=[slug])
        person(session, "two@example.org", officer_of=[slug])
        task_id, version = task.id, task.version

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(email: str) -> None:
        try:
            barrier.wait(timeout=10)  # both saw the task page at ``version``; both press "Claim"
            with unit_of_work(factory, write=True) as session:
                officer = principal_for(user_by_email(session, email))
                cases.claim(session, officer, task_id, version=version, now=utcnow())
            outcomes[email] = "won"
        except HetaoError as error:
            outcomes[email] = error.code

    threads = [threading.Thread(target=act, args=(e,)) for e in ("one@example.org", "two@example.org")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["cases.task_conflict", "won"], outcomes
    winner = next(e for e, o in outcomes.items() if o == "won")
    with unit_of_work(factory) as session:
        stored = session.get(cases.Task, task_id)
        assert stored.state == "in_progress" and stored.version == version + 1
        assert stored.assignee_id == user_by_email(session, winner).id
        claims = session.scalars(
            select(cases.CaseEvent).where(cases.CaseEvent.action == "task.claimed")
        ).all()
        assert len(claims) == 1
        assert cases.verify(session).ok
    engine.dispose()
