"""The officer's side: the department queue, claiming a task, asking for a supplement (補正),
approving with a result or rejecting with a reason. Every change is conditional on the version the
officer saw, so of two officers acting at once one wins and the other is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from hetao import journeys
from hetao.accounts import Principal
from hetao.cases import audit, clock
from hetao.cases.access import officer_task
from hetao.cases.models import Case, Supplement, Task
from hetao.cases.notices import notify_applicant
from hetao.core.errors import Conflict, InvalidTransition, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.pagination import Page

TERMINAL = ("approved", "rejected", "cancelled")
QUEUE_STATES = ("ready", "in_progress", "supplement_requested", "waiting", "approved", "rejected")


class TaskTaken(Conflict):
    code = "cases.task_conflict"
    message = N_("Another officer has just acted on this task. Reload it to see what changed.")


def _move(session: Session, task: Task, version: int, *, states: tuple[str, ...], **values) -> None:
    """Apply ``values`` only if the task is still at ``version`` and in one of ``states``."""
    if task.version != version:
        raise TaskTaken()
    if task.state not in states:
        raise InvalidTransition()
    moved = session.execute(
        update(Task)
        .where(Task.id == task.id, Task.version == version, Task.state.in_(states))
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise TaskTaken()
    session.refresh(task)


@dataclass(frozen=True)
class QueueFilter:
    state: str | None = None
    department_id: str | None = None
    mine: bool = False
    overdue: bool = False


def queue(
    session: Session,
    principal: Principal,
    filters: QueueFilter,
    *,
    today: date,
    page: int = 1,
    per_page: int = 50,
) -> Page[Task]:
    """Tasks of the officer's departments, most urgent first (overdue, then by due date)."""
    departments = principal.officer_of
    if filters.department_id:
        departments = departments & {filters.department_id}
    # Tasks of drafts are in state "draft", which no filter below admits.
    stmt = select(Task).where(Task.department_id.in_(departments))
    if filters.state and filters.state != "draft":
        stmt = stmt.where(Task.state == filters.state)
    else:
        stmt = stmt.where(Task.state.in_(("ready", "in_progress", "supplement_requested")))
    if filters.mine:
        stmt = stmt.where(Task.assignee_id == principal.user_id)
    if filters.overdue:
        stmt = stmt.where(Task.state.in_(("ready", "in_progress")), Task.due_on < today)
    total = session.scalar(stmt.with_only_columns(func.count(Task.id)).order_by(None)) or 0
    rows = session.scalars(
        stmt.options(selectinload(Task.case))
        .order_by(Task.due_on.asc().nulls_last(), Task.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(items=list(rows), total=total, page=page, per_page=per_page)


def claim(session: Session, principal: Principal, task_id: str, *, version: int, now: datetime) -> Task:
    task = officer_task(session, principal, task_id)
    _move(session, task, version, states=("ready",), state="in_progress", assignee_id=principal.user_id)
    audit.record(
        session,
        case_id=task.case_id,
        task_id=task.id,
        action="task.claimed",
        at=now,
        actor_id=principal.user_id,
        before={"state": "ready"},
        after={"state": "in_progress"},
    )
    return task


def _require_assignee(principal: Principal, task: Task) -> None:
    if task.assignee_id != principal.user_id:
        raise TaskTaken()


def request_supplement(
    session: Session,
    principal: Principal,
    task_id: str,
    *,
    version: int,
    reason: str,
    fields: list[str],
    documents: list[str],
    now: datetime,
) -> Supplement:
    task = officer_task(session, principal, task_id)
    _require_assignee(principal, task)
    problems = []
    try:
        reason = _text(reason, "reason", maximum=2000, required=N_("Say what is missing or wrong."))
    except ValidationFailed as failed:
        problems += failed.problems
    if not fields and not documents:
        problems.append(Problem("what", N_("Choose at least one answer or document to be supplied again.")))
    if any(f not in (task.fields or []) for f in fields) or any(
        d not in (task.documents or []) for d in documents
    ):
        problems.append(Problem("what", N_("Ask only for answers and documents this step needs.")))
    if problems:
        raise ValidationFailed(problems)
    _move(session, task, version, states=("in_progress",), state="supplement_requested")
    clock.pause(task, clock.local_today(now))
    supplement = Supplement(
        task_id=task.id,
        reason=reason,
        fields=list(fields),
        documents=list(documents),
        requested_by=principal.user_id,
        requested_at=now,
    )
    session.add(supplement)
    session.flush()
    audit.record(
        session,
        case_id=task.case_id,
        task_id=task.id,
        action="supplement.requested",
        at=now,
        actor_id=principal.user_id,
        before={"state": "in_progress"},
        after={
            "state": "supplement_requested",
            "reason": reason,
            "fields": list(fields),
            "documents": list(documents),
        },
    )
    notify_applicant(
        session,
        task.case,
        subject=N_("Case %(reference)s: please supply more for %(step)s"),
        body=N_(
            "The department handling %(step)s asks for more: %(reason)s\n\nOpen your case page to send "
            "only what is asked. The time limit is paused until then."
        ),
        step=task.names,
        reason=reason,
    )
    return supplement


def _advance(session: Session, case: Case, now: datetime) -> None:
    """After a decision: make waiting tasks ready when all they wait for is approved, cancel those
    that wait for a rejected one, and complete the case when every task is decided."""
    today = clock.local_today(now)
    state_of = {t.item_key: t.state for t in case.tasks}
    for task in case.tasks:
        if task.state != "waiting":
            continue
        before = [state_of.get(k) for k in task.after]
        if any(s in ("rejected", "cancelled") for s in before):
            task.state = "cancelled"
            audit.record(
                session,
                case_id=case.id,
                task_id=task.id,
                action="task.cancelled",
                at=now,
                actor_id=None,
                before={"state": "waiting"},
                after={"state": "cancelled"},
            )
        elif all(s == "approved" for s in before):
            task.state, task.ready_at = "ready", now
            task.due_on = clock.due_date(today, task)
            audit.record(
                session,
                case_id=case.id,
                task_id=task.id,
                action="task.ready",
                at=now,
                actor_id=None,
                before={"state": "waiting"},
                after={"state": "ready", "due_on": task.due_on.isoformat() if task.due_on else None},
            )
        state_of[task.item_key] = task.state
    if all(t.state in TERMINAL for t in case.tasks) and case.status == "submitted":
        case.status, case.completed_at = "completed", now
        audit.record(
            session,
            case_id=case.id,
            action="case.completed",
            at=now,
            actor_id=None,
            before={"status": "submitted"},
            after={"status": "completed"},
        )
        notify_applicant(
            session,
            case,
            subject=N_("Case %(reference)s is complete"),
            body=N_(
                "Every step of your case %(reference)s has been decided. See the results on your case "
                "page, and tell us how we did."
            ),
        )
    session.flush()


def _text(value: str | None, field: str, *, maximum: int, required: str | None = None) -> str:
    """A trimmed free-text value, or ValidationFailed at ``field`` when missing (if ``required``)
    or too long."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed([Problem(field, required)])
    if len(value) > maximum:
        raise ValidationFailed(
            [Problem(field, N_("Enter at most %(maximum)s characters."), {"maximum": maximum})]
        )
    return value


def _decide(
    session: Session,
    principal: Principal,
    task: Task,
    version: int,
    now: datetime,
    *,
    state: str,
    record: dict,
    subject: str,
    body: str,
    **params: object,
) -> Task:
    """Approve or reject: move the task, log it, tell the applicant, then advance the case."""
    columns = (
        {"result": record.get("result")} if state == "approved" else {"decision_reason": record["reason"]}
    )
    _move(session, task, version, states=("in_progress",), state=state, decided_at=now, **columns)
    audit.record(
        session,
        case_id=task.case_id,
        task_id=task.id,
        action=f"task.{state}",
        at=now,
        actor_id=principal.user_id,
        before={"state": "in_progress"},
        after={"state": state, **record},
    )
    notify_applicant(session, task.case, subject=subject, body=body, step=task.names, **params)
    _advance(session, task.case, now)
    return task


def approve(
    session: Session, principal: Principal, task_id: str, *, version: int, result: str, now: datetime
) -> Task:
    task = officer_task(session, principal, task_id)
    _require_assignee(principal, task)
    result = _text(result, "result", maximum=200)
    return _decide(
        session,
        principal,
        task,
        version,
        now,
        state="approved",
        record={"result": result or None},
        subject=N_("Case %(reference)s: %(step)s approved"),
        body=N_("%(step)s was approved. %(result)s"),
        result=result,
    )


def reject(
    session: Session, principal: Principal, task_id: str, *, version: int, reason: str, now: datetime
) -> Task:
    task = officer_task(session, principal, task_id)
    _require_assignee(principal, task)
    reason = _text(reason, "reason", maximum=2000, required=N_("Give the reason for the decision."))
    return _decide(
        session,
        principal,
        task,
        version,
        now,
        state="rejected",
        record={"reason": reason},
        subject=N_("Case %(reference)s: %(step)s not approved"),
        body=N_("%(step)s was not approved. Reason: %(reason)s"),
        reason=reason,
    )


def field_specs_for(task: Task) -> list[journeys.FieldSpec]:
    specs = journeys.load_fields()
    return [specs[f] for f in task.fields or [] if f in specs]
