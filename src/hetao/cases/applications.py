"""The applicant's side: start an application from a plan, fill the merged form once, upload each
document once, submit, answer supplement requests, withdraw a draft, rate the completed case."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hetao import catalog, journeys
from hetao.accounts import Principal
from hetao.cases import audit, clock
from hetao.cases.access import own_case
from hetao.cases.models import Case, CaseDocument, Rating, Supplement, Task
from hetao.cases.notices import notify_applicant
from hetao.cases.references import next_reference
from hetao.cases.uploads import safe_filename, store
from hetao.core.errors import Conflict, InvalidTransition, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES

SCALE = (5, 4, 3, 2, 1)  # 非常滿意 … 非常不滿意


class StaleCase(Conflict):
    code = "cases.stale"
    message = N_(
        "This application was changed in another window or by someone else. Reload it and try again."
    )


def _bump(session: Session, case: Case, version: int | None, now: datetime) -> None:
    """Optimistic lock: the change applies only to the version the person saw."""
    expected = case.version if version is None else version
    moved = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == expected)
        .values(version=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise StaleCase()
    case.version = expected + 1
    case.updated_at = now


def start_application(
    session: Session,
    principal: Principal,
    *,
    journey: journeys.Journey,
    answers: journeys.Answers,
    plan: journeys.Plan,
    optional: set[str] = frozenset(),
    now: datetime,
) -> Case:
    """A draft case with one task per required step of the plan (and the optional steps chosen)."""
    if plan.exit is not None or not journeys.is_complete(journey, answers):
        raise ValidationFailed([Problem("answers", N_("Answer all the questions of the plan first."))])
    steps = [s for s in plan.steps if s.outcome == journeys.Outcome.required or s.key in optional]
    if not steps:
        raise ValidationFailed([Problem("items", N_("The plan has no step to apply for."))])
    case = Case(
        applicant_id=principal.user_id,
        journey=journey.slug,
        title={loc: journey.title.get(loc) for loc in LOCALES},
        answers=dict(answers),
        values={},
        status="draft",
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    chosen = {s.key for s in steps}
    for position, step in enumerate(steps):
        service = catalog.find_service(session, step.key)
        limit = step.time_limit
        session.add(
            Task(
                case_id=case.id,
                position=position,
                item_key=step.key,
                names={loc: step.name(loc) for loc in LOCALES},
                department_id=service.organization_id if service is not None else None,
                after=[k for k in step.after if k in chosen],
                fields=list(step.fields),
                documents=list(step.facts.documents if step.facts else ()),
                document_names={
                    k: dict(v) for k, v in (step.facts.document_names if step.facts else {}).items()
                },
                time_limit_days=limit.value if limit else None,
                time_limit_unit=limit.unit if limit else "working_day",
                state="draft",
                version=1,
            )
        )
    session.flush()
    audit.record(
        session,
        case_id=case.id,
        action="case.started",
        at=now,
        actor_id=principal.user_id,
        after={"journey": journey.slug, "items": [s.key for s in steps]},
    )
    return case


def needed_fields(case: Case) -> list[str]:
    """Each field of the merged form once, in the order the tasks first need it."""
    return list(dict.fromkeys(f for t in case.tasks for f in (t.fields or [])))


def needed_documents(case: Case) -> list[str]:
    return list(dict.fromkeys(d for t in case.tasks for d in (t.documents or [])))


def document_names(case: Case, locale: str) -> dict[str, str]:
    """The name of each document of the case in ``locale`` (the code when no name is known)."""
    names: dict[str, str] = {}
    for task in case.tasks:
        for code in task.documents or []:
            if code not in names:
                texts = (task.document_names or {}).get(code) or {}
                names[code] = journeys.Text(texts).get(locale) or code
    return names


def _check_values(
    specs: dict, wanted: list[str], values: dict[str, str], *, required: bool
) -> tuple[dict, list]:
    clean, problems = {}, []
    for field_id in wanted:
        if field_id not in values:
            continue
        try:
            clean[field_id] = journeys.check_field_value(specs[field_id], values[field_id], required=required)
        except ValidationFailed as failed:
            problems += failed.problems
    return clean, problems


def save_answers(
    session: Session,
    principal: Principal,
    case_id: str,
    values: dict[str, str],
    *,
    version: int | None,
    now: datetime,
) -> Case:
    """Save the merged form of a draft. Any invalid value: nothing is saved, every problem is listed."""
    case = own_case(session, principal, case_id)
    if case.status != "draft":
        raise InvalidTransition()
    specs = journeys.load_fields()
    clean, problems = _check_values(specs, needed_fields(case), values, required=False)
    if problems:
        raise ValidationFailed(problems)
    _bump(session, case, version, now)
    case.values = {**(case.values or {}), **clean}
    return case


def attach_document(
    session: Session,
    principal: Principal,
    case_id: str,
    *,
    code: str,
    data: bytes,
    filename: str,
    root: Path,
    now: datetime,
    supplement: bool = False,
) -> CaseDocument:
    """Upload the document of type ``code`` once for the whole case (replacing an earlier upload)."""
    case = own_case(session, principal, case_id)
    if code not in needed_documents(case):
        raise ValidationFailed([Problem("code", N_("This application does not need that document."))])
    if case.status != "draft" and not supplement:
        raise InvalidTransition()
    upload = store(session, root, data, field=f"doc-{code}")
    name = safe_filename(filename, "." + upload.media_type.split("/")[-1].replace("jpeg", "jpg"))
    existing = next((d for d in case.documents if d.code == code), None)
    before = {"upload": existing.upload_id} if existing else None
    if existing is None:
        existing = CaseDocument(
            case_id=case.id, code=code, upload_id=upload.id, filename=name, uploaded_at=now
        )
        session.add(existing)
        case.documents.append(existing)
    else:
        existing.upload_id, existing.filename, existing.uploaded_at = upload.id, name, now
    session.flush()
    audit.record(
        session,
        case_id=case.id,
        action="document.uploaded",
        at=now,
        actor_id=principal.user_id,
        before=before,
        after={"code": code, "upload": upload.id},
    )
    return existing


def missing_for_submission(case: Case) -> list[Problem]:
    specs = journeys.load_fields()
    problems = []
    for field_id in needed_fields(case):
        value = (case.values or {}).get(field_id, "")
        try:
            journeys.check_field_value(specs[field_id], value, required=True)
        except ValidationFailed as failed:
            problems += failed.problems
    have = {d.code for d in case.documents}
    for code in needed_documents(case):
        if code not in have:
            problems.append(Problem(f"doc-{code}", N_("Upload this document."), {"code": code}))
    return problems


def submit(
    session: Session, principal: Principal, case_id: str, *, version: int | None, now: datetime
) -> Case:
    """Turn the draft into a case: a reference number, and every task without prerequisites ready
    for its department with its due date."""
    case = own_case(session, principal, case_id)
    if case.status != "draft":
        raise InvalidTransition()
    problems = missing_for_submission(case)
    if problems:
        raise ValidationFailed(problems, N_("Some answers or documents are missing."))
    _bump(session, case, version, now)
    case.reference = next_reference(session, clock.local_today(now).year)
    case.status = "submitted"
    case.submitted_at = now
    today = clock.local_today(now)
    for task in case.tasks:
        task.state = "waiting" if task.after else "ready"
        if task.state == "ready":
            task.ready_at = now
            task.due_on = clock.due_date(today, task)
    session.flush()
    audit.record(
        session,
        case_id=case.id,
        action="case.submitted",
        at=now,
        actor_id=principal.user_id,
        before={"status": "draft"},
        after={"status": "submitted", "reference": case.reference},
    )
    notify_applicant(
        session,
        case,
        subject=N_("We have received your application %(reference)s"),
        body=N_(
            "Your application %(reference)s was submitted. The departments now handle its steps; "
            "follow them on your case page."
        ),
    )
    return case


def withdraw(session: Session, principal: Principal, case_id: str, *, now: datetime) -> None:
    case = own_case(session, principal, case_id)
    if case.status != "draft":
        raise InvalidTransition()
    _bump(session, case, None, now)
    case.status = "withdrawn"
    audit.record(
        session,
        case_id=case.id,
        action="case.withdrawn",
        at=now,
        actor_id=principal.user_id,
        before={"status": "draft"},
        after={"status": "withdrawn"},
    )


def open_supplements(case: Case) -> list[tuple[Task, Supplement]]:
    return [
        (t, s)
        for t in case.tasks
        if t.state == "supplement_requested"
        for s in t.supplements
        if s.answered_at is None
    ]


def answer_supplement(
    session: Session,
    principal: Principal,
    case_id: str,
    task_id: str,
    values: dict[str, str],
    *,
    now: datetime,
) -> Task:
    """Resubmit only what was asked (documents are uploaded with ``attach_document(supplement=True)``
    before); the task goes back to its officer and the clock runs again."""
    case = own_case(session, principal, case_id)
    pending = [(t, s) for t, s in open_supplements(case) if t.id == task_id]
    if not pending:
        raise InvalidTransition()
    task, request = pending[0]
    specs = journeys.load_fields()
    clean, problems = _check_values(specs, list(request.fields or []), values, required=True)
    missing = [f for f in (request.fields or []) if f not in values]
    problems += [Problem(f, N_("Answer this question.")) for f in missing]
    uploaded = {d.code: d.uploaded_at for d in case.documents}
    for code in request.documents or []:
        at = uploaded.get(code)
        if at is None or clock.utc_naive(at) < clock.utc_naive(request.requested_at):
            problems.append(Problem(f"doc-{code}", N_("Upload this document again."), {"code": code}))
    if problems:
        raise ValidationFailed(problems)
    moved = session.execute(
        update(Task)
        .where(Task.id == task.id, Task.version == task.version, Task.state == "supplement_requested")
        .values(state="in_progress", version=task.version + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise StaleCase()
    session.refresh(task)
    before = {k: (case.values or {}).get(k) for k in clean}
    case.values = {**(case.values or {}), **clean}
    request.answered_at = now
    clock.resume(task, clock.local_today(now))
    session.flush()
    audit.record(
        session,
        case_id=case.id,
        task_id=task.id,
        action="supplement.answered",
        at=now,
        actor_id=principal.user_id,
        before={"values": before},
        after={
            "values": clean,
            "documents": list(request.documents or []),
            "due_on": task.due_on.isoformat() if task.due_on else None,
        },
    )
    return task


def rate(
    session: Session, principal: Principal, case_id: str, *, score: int | None, comment: str, now: datetime
) -> Rating:
    case = own_case(session, principal, case_id)
    if case.status != "completed":
        raise InvalidTransition()
    if score not in SCALE:
        raise ValidationFailed([Problem("score", N_("Choose how satisfied you are."))])
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationFailed(
            [Problem("comment", N_("Enter at most %(maximum)s characters."), {"maximum": 1000})]
        )
    if session.get(Rating, case.id) is not None:
        raise ValidationFailed([Problem("score", N_("You have already rated this case."))])
    rating = Rating(case_id=case.id, score=score, comment=comment or None, rated_at=now)
    session.add(rating)
    session.flush()
    audit.record(
        session,
        case_id=case.id,
        action="case.rated",
        at=now,
        actor_id=principal.user_id,
        after={"score": score},
    )
    return rating


def cases_of(session: Session, principal: Principal) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.applicant_id == principal.user_id).order_by(Case.created_at.desc())
        )
    )
