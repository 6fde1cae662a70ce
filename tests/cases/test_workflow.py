"""A case from plan to completion, on every backend: merged form, uploads once, submission, parallel
tasks, supplements with the clock paused, decisions, completion, rating; and every denial."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from hetao import cases, notify
from hetao.core.db import utcnow
from hetao.core.errors import InvalidTransition, NotFound, ValidationFailed
from tests.cases.helpers import PDF, PNG, VALID, company_plan, department_slug, person


@pytest.fixture
def root(tmp_path):
    return tmp_path / "uploads"


def started(session, applicant):
    journey, plan = company_plan(session)
    return cases.start_application(
        session, applicant, journey=journey, answers=dict(plan_answers()), plan=plan, now=utcnow()
    )


def plan_answers():
    from tests.cases.helpers import ANSWERS

    return ANSWERS


def filled(session, applicant, root):
    case = started(session, applicant)
    fields = cases.needed_fields(case)
    cases.save_answers(session, applicant, case.id, {f: VALID[f] for f in fields}, version=None, now=utcnow())
    for code in cases.needed_documents(case):
        cases.attach_document(
            session, applicant, case.id, code=code, data=PDF, filename=f"{code}.pdf", root=root, now=utcnow()
        )
    return case


def test_an_application_asks_each_field_and_document_once(session):
    applicant = person(session, "founder@example.org")
    case = started(session, applicant)
    journey, plan = company_plan(session)
    assert case.status == "draft" and case.reference is None
    assert [t.item_key for t in case.tasks] == [s.key for s in plan.required_steps]
    fields = cases.needed_fields(case)
    assert len(fields) == len(set(fields)) and "company_name" in fields
    assert sum("company_name" in (t.fields or []) for t in case.tasks) > 1  # several steps, asked once
    documents = cases.needed_documents(case)
    assert (
        len(documents) == len(set(documents)) == len({d.code for d in plan.documents if not d.optional_only})
    )


def test_invalid_answers_save_nothing_and_name_each_field(session):
    applicant = person(session, "founder@example.org")
    case = started(session, applicant)
    with pytest.raises(ValidationFailed) as excinfo:
        cases.save_answers(
            session,
            applicant,
            case.id,
            {"company_name": "OK Ltd", "hk_company_number": "12"},
            version=1,
            now=utcnow(),
        )
    assert {p.path for p in excinfo.value.problems} == {"hk_company_number"}
    session.refresh(case)
    assert case.values == {} and case.version == 1
    cases.save_answers(session, applicant, case.id, {"company_name": "OK Ltd"}, version=1, now=utcnow())
    with pytest.raises(cases.StaleCase):
        cases.save_answers(session, applicant, case.id, {"company_name": "Other"}, version=1, now=utcnow())


def test_uploads_are_checked_by_content_and_stored_once(session, root):
    applicant = person(session, "founder@example.org")
    case = started(session, applicant)
    code = cases.needed_documents(case)[0]
    with pytest.raises(ValidationFailed):
        cases.attach_document(
            session,
            applicant,
            case.id,
            code=code,
            data=b"MZ\x90\x00 not a pdf",
            filename="x.pdf",
            root=root,
            now=utcnow(),
        )
    with pytest.raises(ValidationFailed):
        cases.attach_document(
            session,
            applicant,
            case.id,
            code="not-needed",
            data=PDF,
            filename="x.pdf",
            root=root,
            now=utcnow(),
        )
    doc = cases.attach_document(
        session,
        applicant,
        case.id,
        code=code,
        data=PNG,
        filename="../../etc/passwd.pdf",
        root=root,
        now=utcnow(),
    )
    assert doc.filename == "passwd.png" and doc.upload.media_type == "image/png"
    other = cases.needed_documents(case)[1]
    again = cases.attach_document(
        session, applicant, case.id, code=other, data=PNG, filename="scan.png", root=root, now=utcnow()
    )
    assert again.upload_id == doc.upload_id
    assert cases.path_for(root, doc.upload_id).read_bytes() == PNG
    assert len(list(root.rglob("*"))) == 2  # one directory, one file


def test_submission_lists_what_is_missing(session, root):
    applicant = person(session, "founder@example.org")
    case = started(session, applicant)
    with pytest.raises(ValidationFailed) as excinfo:
        cases.submit(session, applicant, case.id, version=None, now=utcnow())
    paths = {p.path for p in excinfo.value.problems}
    assert set(cases.needed_fields(case)) <= paths
    assert {f"doc-{c}" for c in cases.needed_documents(case)} <= paths
    assert case.status == "draft"


def test_the_whole_case(session, root):
    applicant = person(session, "founder@example.org")
    case = filled(session, applicant, root)
    case = cases.submit(session, applicant, case.id, version=None, now=utcnow())
    assert case.status == "submitted" and case.reference.startswith(f"HT-{cases.local_today(utcnow()).year}-")
    ready = [t for t in case.tasks if t.state == "ready"]
    waiting = [t for t in case.tasks if t.state == "waiting"]
    assert ready and waiting and all(t.due_on for t in ready if t.time_limit_days)
    with pytest.raises(InvalidTransition):
        cases.submit(session, applicant, case.id, version=None, now=utcnow())

    officers = {}
    for task in case.tasks:
        slug = department_slug(session, task)
        if slug not in officers:
            officers[slug] = person(session, f"officer.{slug}@example.org", officer_of=[slug])
    outsider = person(session, "officer.elsewhere@example.org", officer_of=["sz-traffic-police"])

    first = ready[0]
    officer = officers[department_slug(session, first)]
    with pytest.raises(NotFound):
        cases.claim(session, outsider, first.id, version=first.version, now=utcnow())
    with pytest.raises(NotFound):
        cases.own_case(session, outsider, case.id)
    seen = cases.queue(session, officer, cases.QueueFilter(), today=cases.local_today(utcnow()))
    assert first.id in {t.id for t in seen.items}
    assert all(officer.may_handle(t.department_id) for t in seen.items)

    version = first.version
    cases.claim(session, officer, first.id, version=version, now=utcnow())
    with pytest.raises(cases.TaskTaken):  # a second officer acting on what they saw
        cases.claim(session, officer, first.id, version=version, now=utcnow())

    # A supplement: only what the step needs; the clock pauses and resumes.
    field = first.fields[0]
    due_before = first.due_on
    with pytest.raises(ValidationFailed):
        cases.request_supplement(
            session,
            officer,
            first.id,
            version=first.version,
            reason="",
            fields=[],
            documents=[],
            now=utcnow(),
        )
    cases.request_supplement(
        session,
        officer,
        first.id,
        version=first.version,
        reason="The name differs from the certificate.",
        fields=[field],
        documents=[],
        now=utcnow(),
    )
    assert first.state == "supplement_requested" and first.clock_paused_on is not None
    mail = session.scalar(
        select(notify.OutboxMessage).where(notify.OutboxMessage.subject.like("%supply more%"))
    )
    assert case.reference in mail.subject and "The name differs" in mail.body
    with pytest.raises(ValidationFailed):
        cases.answer_supplement(session, applicant, case.id, first.id, {}, now=utcnow())
    later = utcnow() + timedelta(days=7)
    cases.answer_supplement(session, applicant, case.id, first.id, {field: VALID[field]}, now=later)
    assert first.state == "in_progress" and first.clock_paused_on is None
    if due_before is not None:
        assert first.due_on > due_before  # paused working days added

    # Decide everything, level by level, as each department's officer.
    for _ in range(len(case.tasks)):
        for task in [t for t in case.tasks if t.state in ("ready", "in_progress")]:
            who = officers[department_slug(session, task)]
            if task.state == "ready":
                cases.claim(session, who, task.id, version=task.version, now=utcnow())
            cases.approve(
                session, who, task.id, version=task.version, result=f"No. {task.position}", now=utcnow()
            )
    assert all(t.state == "approved" for t in case.tasks)
    assert case.status == "completed"
    with pytest.raises(ValidationFailed):
        cases.rate(session, applicant, case.id, score=9, comment="", now=utcnow())
    cases.rate(session, applicant, case.id, score=5, comment="Quick and clear.", now=utcnow())
    with pytest.raises(ValidationFailed):
        cases.rate(session, applicant, case.id, score=4, comment="", now=utcnow())
    assert cases.verify(session).ok


def test_a_rejection_cancels_what_waits_for_it(session, root):
    applicant = person(session, "founder@example.org")
    case = filled(session, applicant, root)
    cases.submit(session, applicant, case.id, version=None, now=utcnow())
    first = next(
        t
        for t in case.tasks
        if t.state == "ready" and any(first_key == t.item_key for o in case.tasks for first_key in o.after)
    )
    officer = person(session, "officer@example.org", officer_of=[department_slug(session, first)])
    cases.claim(session, officer, first.id, version=first.version, now=utcnow())
    with pytest.raises(ValidationFailed):
        cases.reject(session, officer, first.id, version=first.version, reason=" ", now=utcnow())
    cases.reject(
        session, officer, first.id, version=first.version, reason="The attestation is missing.", now=utcnow()
    )
    dependants = [t for t in case.tasks if first.item_key in t.after]
    assert dependants and all(t.state == "cancelled" for t in dependants)


def test_applicants_see_only_their_own_cases(session):
    owner = person(session, "owner@example.org")
    other = person(session, "other@example.org")
    case = started(session, owner)
    for guess in (case.id, "00000000-0000-0000-0000-000000000000", "x" * 500):
        with pytest.raises(NotFound):
            cases.own_case(session, other, guess)
    with pytest.raises(NotFound):
        cases.save_answers(session, other, case.id, {}, version=None, now=utcnow())
    assert cases.cases_of(session, other) == []


def test_audit_verify_finds_an_edited_and_a_missing_entry(session, root):
    applicant = person(session, "founder@example.org")
    filled(session, applicant, root)
    result = cases.verify(session)
    assert result.ok and result.checked >= 3
    session.execute(text("UPDATE case_events SET action = 'document.deleted' WHERE seq = 2"))
    session.expire_all()
    bad = cases.verify(session)
    assert not bad.ok and bad.first_bad == 2 and "changed" in bad.problem


def test_audit_verify_finds_a_deleted_entry(session, root):
    applicant = person(session, "founder@example.org")
    filled(session, applicant, root)
    session.execute(text("DELETE FROM case_events WHERE seq = 3"))
    session.expire_all()
    bad = cases.verify(session)
    assert not bad.ok and bad.first_bad == 3 and "missing" in bad.problem
