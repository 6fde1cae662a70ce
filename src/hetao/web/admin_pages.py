"""Administration of people: grant and revoke officer and administrator roles."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import accounts
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import form_values, require_admin, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.departments import departments
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


def _people_page(request, ctx, session, *, status_code=200, errors=None, values=None, notice=""):
    query = (request.query_params.get("q") or "").strip()[:100]
    depts = departments(session, ctx.locale)
    return render(
        request,
        "admin/people.html",
        ctx,
        status_code=status_code,
        people=accounts.people_with_roles(session, query=query),
        q=query,
        departments=depts,
        department_names=dict(depts),
        errors=errors or {},
        values=values or {},
        notice=notice,
    )


@router.get("/{lp}/admin/people", include_in_schema=False)
def people_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    notice = {
        "granted": ctx.t.gettext("The role was granted."),
        "revoked": ctx.t.gettext("The role was removed."),
    }
    return _people_page(request, ctx, session, notice=notice.get(request.query_params.get("done", ""), ""))


@router.post("/{lp}/admin/people/grant", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def grant(
    request: Request,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    known = dict(departments(session, ctx.locale))
    try:
        accounts.grant_role(
            session,
            admin,
            email=form.get("email", ""),
            role=form.get("role", ""),
            department_id=form.get("department") or None,
            department_exists=known.__contains__,
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return _people_page(
            request, ctx, session, status_code=422, errors=field_errors(ctx, failed), values=form
        )
    return RedirectResponse(
        with_query(ctx.urls.prefix + "/admin/people", {"done": "granted"}), status_code=303
    )


@router.post(
    "/{lp}/admin/people/revoke/{grant_id}", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def revoke(
    grant_id: int,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    accounts.revoke_role(session, admin, grant_id)
    return RedirectResponse(
        with_query(ctx.urls.prefix + "/admin/people", {"done": "revoked"}), status_code=303
    )
