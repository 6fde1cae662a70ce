"""The applicant's case pages: the list, the merged form and uploads of a draft, submission, the
timeline of each step, supplements, withdrawal, rating, and the case's documents."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hetao import cases, journeys, notify
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, ValidationFailed
from hetao.core.i18n import N_
from hetao.http.deps import fresh_journeys
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import SignInRequired, current_principal, require_principal, verify_csrf
from hetao.web.case_files import file_response, upload_root
from hetao.web.context import PageContext, with_query
from hetao.web.departments import department_names
from hetao.web.deps import db_session, page_context
from hetao.web.journey_state import read_answers
from hetao.web.labels import case_status_labels, event_labels, rating_labels, task_state_labels
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


def case_url(ctx: PageContext, case_id: str, **query: object) -> str:
    return with_query(f"{ctx.urls.prefix}/cases/{case_id}", query)


def _version(form) -> int | None:
    try:
        return int(form.get("version", ""))
    except ValueError:
        return None


def _problems_by_field(ctx: PageContext, failed: ValidationFailed) -> dict[str, str]:
    errors = field_errors(ctx, failed)
    for p in failed.problems:  # a field's own description of a valid value, when it has one
        hint = p.params.get("hint")
        if hint is not None and hasattr(hint, "get"):
            errors[p.path] = f"{errors[p.path]} {hint.get(ctx.locale)}"
    return errors


def render_case(
    request, ctx, session, principal, case, *, status_code=200, errors=None, values=None, notice=""
):
    specs = journeys.load_fields()
    events = cases.events_of(session, case.id)
    t = ctx.t
    return render(
        request,
        "cases/case.html",
        ctx,
        status_code=status_code,
        case=case,
        principal=principal,
        title=journeys.Text(case.title).get(ctx.locale),
        fields=[specs[f] for f in cases.needed_fields(case) if f in specs],
        documents=cases.needed_documents(case),
        document_names=cases.document_names(case, ctx.locale),
        uploaded={d.code: d for d in case.documents},
        values={**(case.values or {}), **(values or {})},
        errors=errors or {},
        notice=notice,
        supplements=cases.open_supplements(case),
        events=events,
        event_names=event_labels(t),
        states=task_state_labels(t),
        statuses=case_status_labels(t),
        ratings=rating_labels(t),
        rating=session.get(cases.Rating, case.id),
        departments=department_names(session, ctx.locale),
        today=cases.local_today(utcnow()),
        is_overdue=cases.is_overdue,
        case_url=lambda **q: case_url(ctx, case.id, **q),
        messages=[
            m
            for m in notify.messages_for(session, principal.user_id)
            if case.reference and case.reference in m.subject
        ],
    )


def _invalid(request, ctx, session, principal, case, failed: ValidationFailed, values=None):
    """The case page again with what is wrong (422), keeping what was typed."""
    return render_case(
        request,
        ctx,
        session,
        principal,
        case,
        status_code=422,
        errors=_problems_by_field(ctx, failed),
        values=values,
    )


NOTICES = {
    "saved": N_("Your answers are saved. You can come back to them at any time."),
    "uploaded": N_("The document is uploaded."),
    "submitted": N_("Your application is submitted. The departments will handle its steps."),
    "supplied": N_("Thank you: what was asked for has been sent to the officer."),
    "rated": N_("Thank you for rating the service."),
}


@router.get("/{lp}/journeys/{slug}/apply", include_in_schema=False)
def apply_page(slug: str, ctx: PageContext = Depends(page_context)):
    """The application starts from the plan page's form (after signing in, people land here)."""
    return RedirectResponse(ctx.urls.journey_plan(slug), status_code=303)


@router.post(
    "/{lp}/journeys/{slug}/apply",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), Depends(fresh_journeys)],
)
async def apply(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    """Turn the plan of the answers in this browser into a draft application."""
    journey = journeys.get_journey(slug)
    if principal is None:
        raise SignInRequired(ctx.urls.journey_plan(slug))
    form = await request.form()
    answers = read_answers(request, slug)
    if journeys.exit_for(journey, answers) is not None or not journeys.is_complete(journey, answers):
        # Answers missing or changed elsewhere: the plan page sends people to what is left to answer.
        return RedirectResponse(ctx.urls.journey_plan(slug), status_code=303)
    plan = journeys.build_plan(
        journey, answers, journeys.journey_facts(session, journey), start=cases.local_today(utcnow())
    )
    case = cases.start_application(
        session,
        principal,
        journey=journey,
        answers=answers,
        plan=plan,
        optional={str(v) for v in form.getlist("optional")},
        now=utcnow(),
    )
    return RedirectResponse(case_url(ctx, case.id), status_code=303)


@router.get("/{lp}/cases", include_in_schema=False)
def case_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    return render(
        request,
        "cases/list.html",
        ctx,
        rows=cases.cases_of(session, principal),
        statuses=case_status_labels(ctx.t),
        title_of=lambda c: journeys.Text(c.title).get(ctx.locale),
    )


@router.get("/{lp}/cases/{case_id}", include_in_schema=False)
def case_page(
    request: Request,
    case_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    case = cases.own_case(session, principal, case_id)
    done = request.query_params.get("done", "")
    notice = ctx.t.gettext(NOTICES[done]) if done in NOTICES else ""
    return render_case(request, ctx, session, principal, case, notice=notice)


@router.post("/{lp}/cases/{case_id}/answers", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def save_answers(
    request: Request,
    case_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    case = cases.own_case(session, principal, case_id)
    values = {f: form.get(f, "") for f in cases.needed_fields(case) if isinstance(form.get(f), str)}
    try:
        cases.save_answers(session, principal, case_id, values, version=_version(form), now=utcnow())
    except ValidationFailed as failed:
        return _invalid(request, ctx, session, principal, case, failed, values)
    return RedirectResponse(case_url(ctx, case_id, done="saved") + "#answers", status_code=303)


async def _submit(request, ctx, session, principal, case_id, version):
    try:
        cases.submit(session, principal, case_id, version=version, now=utcnow())
    except ValidationFailed as failed:
        case = cases.own_case(session, principal, case_id)
        return render_case(
            request, ctx, session, principal, case, status_code=422, errors=_problems_by_field(ctx, failed)
        )
    return RedirectResponse(case_url(ctx, case_id, done="submitted"), status_code=303)


@router.post(
    "/{lp}/cases/{case_id}/documents/{code}", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def upload_document(
    request: Request,
    case_id: str,
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    upload = form.get("file")
    data, filename = b"", ""
    if isinstance(upload, UploadFile):
        data = await upload.read(cases.MAX_BYTES + 1)
        filename = upload.filename or ""
    case = cases.own_case(session, principal, case_id)
    supplement = case.status == "submitted"
    try:
        cases.attach_document(
            session,
            principal,
            case_id,
            code=code,
            data=data,
            filename=filename,
            root=upload_root(request),
            now=utcnow(),
            supplement=supplement,
        )
    except ValidationFailed as failed:
        return render_case(
            request, ctx, session, principal, case, status_code=422, errors=field_errors(ctx, failed)
        )
    return RedirectResponse(case_url(ctx, case_id, done="uploaded") + f"#doc-{code}", status_code=303)


@router.post("/{lp}/cases/{case_id}/submit", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def submit(
    request: Request,
    case_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    return await _submit(request, ctx, session, principal, case_id, _version(form))


@router.post("/{lp}/cases/{case_id}/withdraw", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def withdraw(
    case_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    cases.withdraw(session, principal, case_id, now=utcnow())
    return RedirectResponse(f"{ctx.urls.prefix}/cases", status_code=303)


@router.post(
    "/{lp}/cases/{case_id}/tasks/{task_id}/supplement",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def answer_supplement(
    request: Request,
    case_id: str,
    task_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    case = cases.own_case(session, principal, case_id)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k in cases.needed_fields(case)}
    try:
        cases.answer_supplement(session, principal, case_id, task_id, values, now=utcnow())
    except ValidationFailed as failed:
        return _invalid(request, ctx, session, principal, case, failed, values)
    return RedirectResponse(case_url(ctx, case_id, done="supplied"), status_code=303)


@router.post("/{lp}/cases/{case_id}/rating", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def rate(
    request: Request,
    case_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    try:
        score = int(form.get("score", ""))
    except ValueError:
        score = None
    try:
        cases.rate(
            session, principal, case_id, score=score, comment=str(form.get("comment", "")), now=utcnow()
        )
    except ValidationFailed as failed:
        case = cases.own_case(session, principal, case_id)
        return render_case(
            request, ctx, session, principal, case, status_code=422, errors=field_errors(ctx, failed)
        )
    return RedirectResponse(case_url(ctx, case_id, done="rated"), status_code=303)


@router.get("/{lp}/cases/{case_id}/documents/{code}", include_in_schema=False)
def download(
    request: Request,
    case_id: str,
    code: str,
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
    ctx: PageContext = Depends(page_context),
):
    case = cases.own_case(session, principal, case_id)
    document = next((d for d in case.documents if d.code == code), None)
    if document is None:
        raise NotFound()
    return file_response(request, document)
