"""The officer's pages: the department queue and one task with its actions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import cases, journeys
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, PermissionDenied, ValidationFailed
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import require_principal, verify_csrf
from hetao.web.case_files import file_response
from hetao.web.context import PageContext, with_query
from hetao.web.departments import department_names
from hetao.web.deps import db_session, page_context, parse_page
from hetao.web.labels import event_labels, task_state_labels
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)
QUEUE_STATES = cases.handling.QUEUE_STATES


def require_officer(principal: Principal = Depends(require_principal)) -> Principal:
    if not principal.is_officer:
        raise PermissionDenied()
    return principal


@router.get("/{lp}/officer/tasks", include_in_schema=False)
def queue_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_officer),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    state = q.get("state") if q.get("state") in QUEUE_STATES else None
    names = department_names(session, ctx.locale)
    department = q.get("department") if q.get("department") in officer.officer_of else None
    filters = cases.QueueFilter(
        state=state, department_id=department, mine=q.get("mine") == "1", overdue=q.get("overdue") == "1"
    )
    today = cases.local_today(utcnow())
    page = cases.queue(session, officer, filters, today=today, page=parse_page(q.get("page")))
    return render(
        request,
        "officer/queue.html",
        ctx,
        page=page,
        filters=filters,
        states=task_state_labels(ctx.t),
        queue_states=QUEUE_STATES,
        departments=sorted(((d, names.get(d, d)) for d in officer.officer_of), key=lambda x: x[1]),
        names=names,
        today=today,
        is_overdue=cases.is_overdue,
        page_url=lambda n: with_query(
            ctx.urls.prefix + "/officer/tasks",
            {
                "state": state,
                "department": department,
                "mine": "1" if filters.mine else None,
                "overdue": "1" if filters.overdue else None,
                "page": n,
            },
        ),
    )


def render_task(request, ctx, session, officer, task, *, status_code=200, errors=None, form=None, notice=""):
    case = task.case
    values = case.values or {}
    return render(
        request,
        "officer/task.html",
        ctx,
        status_code=status_code,
        task=task,
        case=case,
        officer=officer,
        fields=cases.field_specs_for(task),
        values=values,
        uploaded={d.code: d for d in case.documents},
        document_names=cases.document_names(case, ctx.locale),
        states=task_state_labels(ctx.t),
        event_names=event_labels(ctx.t),
        events=[e for e in cases.events_of(session, case.id) if e.task_id == task.id],
        departments=department_names(session, ctx.locale),
        title=journeys.Text(case.title).get(ctx.locale),
        today=cases.local_today(utcnow()),
        is_overdue=cases.is_overdue,
        errors=errors or {},
        form=form or {},
        notice=notice,
    )


@router.get("/{lp}/officer/tasks/{task_id}", include_in_schema=False)
def task_page(
    request: Request,
    task_id: str,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_officer),
    session: Session = Depends(db_session, scope="function"),
):
    task = cases.officer_task(session, officer, task_id)
    if task.case.status == "draft":
        raise NotFound(cases.access.TASK_NOT_FOUND)
    notices = {
        "claimed": ctx.t.gettext("You have taken this step."),
        "supplement": ctx.t.gettext("The request for more was sent to the applicant."),
        "approved": ctx.t.gettext("The step is approved."),
        "rejected": ctx.t.gettext("The step is not approved; the applicant was told why."),
    }
    return render_task(
        request, ctx, session, officer, task, notice=notices.get(request.query_params.get("done", ""), "")
    )


@router.post(
    "/{lp}/officer/tasks/{task_id}/{action}", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def act(
    request: Request,
    task_id: str,
    action: str,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_officer),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = -1
    now = utcnow()
    task = cases.officer_task(session, officer, task_id)
    try:
        if action == "claim":
            cases.claim(session, officer, task_id, version=version, now=now)
            done = "claimed"
        elif action == "supplement":
            cases.request_supplement(
                session,
                officer,
                task_id,
                version=version,
                reason=str(form.get("reason", "")),
                fields=[str(v) for v in form.getlist("fields")],
                documents=[str(v) for v in form.getlist("documents")],
                now=now,
            )
            done = "supplement"
        elif action == "approve":
            cases.approve(
                session, officer, task_id, version=version, result=str(form.get("result", "")), now=now
            )
            done = "approved"
        elif action == "reject":
            cases.reject(
                session, officer, task_id, version=version, reason=str(form.get("reason", "")), now=now
            )
            done = "rejected"
        else:
            raise NotFound()
    except ValidationFailed as failed:
        errors = {f"{action}-{k}": v for k, v in field_errors(ctx, failed).items()}
        return render_task(
            request,
            ctx,
            session,
            officer,
            task,
            status_code=422,
            errors=errors,
            form={k: v for k, v in form.items() if isinstance(v, str)},
        )
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/officer/tasks/{task_id}", {"done": done}), status_code=303
    )


@router.get("/{lp}/officer/tasks/{task_id}/documents/{code}", include_in_schema=False)
def download(
    request: Request,
    task_id: str,
    code: str,
    officer: Principal = Depends(require_officer),
    session: Session = Depends(db_session, scope="function"),
    ctx: PageContext = Depends(page_context),
):
    task = cases.officer_task(session, officer, task_id)
    if code not in (task.documents or []) or task.case.status == "draft":
        raise NotFound()
    document = next((d for d in task.case.documents if d.code == code), None)
    if document is None:
        raise NotFound()
    return file_response(request, document)
