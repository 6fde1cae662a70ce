"""Who may see what: applicants their own cases, officers the tasks of their departments.
A case or task someone may not see is reported as not found (its existence is not revealed)."""

from __future__ import annotations

from sqlalchemy.orm import Session, selectinload

from hetao.accounts import Principal
from hetao.cases.models import Case, Task
from hetao.core.errors import NotFound
from hetao.core.i18n import N_

CASE_NOT_FOUND = N_("No case with this number is yours to see.")
TASK_NOT_FOUND = N_("No task with this number is in your departments' queue.")


def own_case(session: Session, principal: Principal, case_id: str, *, lock: bool = False) -> Case:
    case = (
        session.get(
            Case,
            case_id,
            options=[selectinload(Case.tasks).selectinload(Task.supplements), selectinload(Case.documents)],
            with_for_update=lock,
            populate_existing=lock,
        )
        if case_id and len(case_id) <= 36
        else None
    )
    if case is None or case.applicant_id != principal.user_id:
        raise NotFound(CASE_NOT_FOUND, code="cases.case_not_found")
    return case


def officer_task(session: Session, principal: Principal, task_id: str) -> Task:
    task = session.get(Task, task_id, populate_existing=True) if task_id and len(task_id) <= 36 else None
    if task is None or not principal.may_handle(task.department_id):
        raise NotFound(TASK_NOT_FOUND, code="cases.task_not_found")
    return task


def may_read_document(principal: Principal, case: Case, code: str) -> bool:
    """The applicant; and officers of a department with a task of the case that needs the document."""
    if case.applicant_id == principal.user_id:
        return True
    return any(principal.may_handle(t.department_id) and code in (t.documents or []) for t in case.tasks)
