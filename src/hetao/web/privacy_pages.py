"""A person's data rights in the account: download everything held about them (JSON) and close
the account."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hetao import privacy
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import SESSION_COOKIE, form_values, require_principal, verify_csrf
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


@router.get("/{lp}/account/data.json", include_in_schema=False)
def data_download(
    request: Request,
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    now = utcnow()
    data = privacy.export_data(session, principal, now=now)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(
        body,
        media_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="hetao-my-data-{now.date().isoformat()}.json"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{lp}/account/close", include_in_schema=False)
def close_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
):
    return render(request, "account/close.html", ctx, errors={}, principal=principal)


@router.post("/{lp}/account/close", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def close_submit(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    errors: dict[str, str] = {}
    if form.get("confirm") != "yes":
        errors["confirm"] = ctx.t.gettext("Tick the box to confirm that you want to close your account.")
    if not form.get("password"):
        errors["password"] = ctx.t.gettext("Enter your password.")
    if not errors:
        try:
            privacy.close_account(
                session,
                principal,
                password=form["password"],
                now=utcnow(),
                upload_dir=Path(request.app.state.settings.upload_dir),
            )
        except ValidationFailed as failed:
            errors = field_errors(ctx, failed)
    if errors:
        return render(request, "account/close.html", ctx, status_code=422, errors=errors, principal=principal)
    response = render(request, "account/closed.html", ctx)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response
