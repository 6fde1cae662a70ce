"""Account pages: sign up, sign in, sign out, password reset, and the account overview."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import accounts, notify
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.core.locales import URL_PREFIX
from hetao.http.threaded import ThreadedRoute
from hetao.web.auth import (
    SESSION_COOKIE,
    client_address,
    form_values,
    require_principal,
    safe_next,
    verify_csrf,
)
from hetao.web.context import PageContext
from hetao.web.departments import department_names
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)
SESSION_MAX_AGE = int(accounts.people.SESSION_ABSOLUTE.total_seconds())


def field_errors(ctx: PageContext, failed: ValidationFailed) -> dict[str, str]:
    """First problem per field, translated, in the order found (for the error summary)."""
    errors: dict[str, str] = {}
    for p in failed.problems:
        errors.setdefault(p.path, ctx.t.gettext(p.message, **p.params))
    return errors


def _signed_in_redirect(request: Request, token: str, target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response


@router.get("/{lp}/account/sign-in", include_in_schema=False)
def sign_in_page(request: Request, ctx: PageContext = Depends(page_context)):
    nxt = safe_next(request.query_params.get("next"), "")
    notice = ctx.t.gettext("Sign in to continue.") if nxt else ""
    return render(request, "account/sign_in.html", ctx, errors={}, email="", next=nxt, notice=notice)


@router.post("/{lp}/account/sign-in", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def sign_in_submit(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    email, nxt = form.get("email", "").strip(), safe_next(form.get("next"), "")
    errors = {}
    if not email:
        errors["email"] = ctx.t.gettext("Enter your e-mail address.")
    if not form.get("password"):
        errors["password"] = ctx.t.gettext("Enter your password.")
    if not errors:
        user = accounts.sign_in(
            session, email=email, password=form["password"], address=client_address(request), now=utcnow()
        )
        if user is not None:
            token = accounts.start_session(session, user, now=utcnow())
            return _signed_in_redirect(request, token, nxt or ctx.urls.prefix + "/account")
        errors["email"] = ctx.t.gettext("The e-mail address or the password is not right.")
    # Failed attempts are recorded (and committed) for throttling; nothing else changes.
    return render(
        request, "account/sign_in.html", ctx, status_code=400, errors=errors, email=email, next=nxt, notice=""
    )


@router.post("/{lp}/account/sign-out", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def sign_out(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(ctx.urls.home(), status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


@router.get("/{lp}/account/sign-up", include_in_schema=False)
def sign_up_page(request: Request, ctx: PageContext = Depends(page_context)):
    nxt = safe_next(request.query_params.get("next"), "")
    return render(request, "account/sign_up.html", ctx, errors={}, values={}, next=nxt)


@router.post("/{lp}/account/sign-up", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def sign_up_submit(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    nxt = safe_next(form.get("next"), "")
    try:
        user = accounts.sign_up(
            session,
            email=form.get("email", ""),
            display_name=form.get("display_name", ""),
            password=form.get("password", ""),
            confirm=form.get("confirm", ""),
            locale=ctx.locale,
            now=utcnow(),
        )
    except ValidationFailed as failed:
        values = {"email": form.get("email", ""), "display_name": form.get("display_name", "")}
        return render(
            request,
            "account/sign_up.html",
            ctx,
            status_code=422,
            errors=field_errors(ctx, failed),
            values=values,
            next=nxt,
        )
    token = accounts.start_session(session, user, now=utcnow())
    return _signed_in_redirect(request, token, nxt or ctx.urls.prefix + "/account")


@router.get("/{lp}/account/password-reset", include_in_schema=False)
def reset_request_page(request: Request, ctx: PageContext = Depends(page_context)):
    return render(request, "account/reset_request.html", ctx, errors={}, email="", sent=False)


def _public_base(request: Request) -> str:
    configured = request.app.state.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


@router.post("/{lp}/account/password-reset", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def reset_request_submit(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    email = form.get("email", "").strip()
    base = _public_base(request)
    try:
        accounts.request_password_reset(
            session,
            email=email,
            now=utcnow(),
            link_for=lambda locale, token: f"{base}/{URL_PREFIX[locale]}/account/password-reset/{token}",
        )
    except ValidationFailed as failed:
        return render(
            request,
            "account/reset_request.html",
            ctx,
            status_code=422,
            errors=field_errors(ctx, failed),
            email=email,
            sent=False,
        )
    return render(request, "account/reset_request.html", ctx, errors={}, email="", sent=True)


@router.get("/{lp}/account/password-reset/{token}", include_in_schema=False)
def reset_page(
    request: Request,
    token: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    expired = accounts.valid_reset_token(session, token, now=utcnow()) is None
    response = render(
        request,
        "account/reset.html",
        ctx,
        status_code=410 if expired else 200,
        errors={},
        expired=expired,
        action=request.url.path,
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # keep the token out of Referer headers
    return response


@router.post(
    "/{lp}/account/password-reset/{token}", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def reset_submit(
    request: Request,
    token: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    try:
        accounts.reset_password(
            session,
            token=token,
            password=form.get("password", ""),
            confirm=form.get("confirm", ""),
            now=utcnow(),
        )
    except ValidationFailed as failed:
        errors = field_errors(ctx, failed)
        return render(
            request,
            "account/reset.html",
            ctx,
            status_code=410 if "token" in errors else 422,
            errors=errors,
            expired="token" in errors,
            action=request.url.path,
        )
    response = render(
        request,
        "account/sign_in.html",
        ctx,
        errors={},
        email="",
        next="",
        notice=ctx.t.gettext("Your password has been changed. Sign in with the new password."),
    )
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


@router.get("/{lp}/account", include_in_schema=False)
def account_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    names = department_names(session, ctx.locale)
    return render(
        request,
        "account/overview.html",
        ctx,
        principal=principal,
        officer_of=sorted(names.get(d, d) for d in principal.officer_of),
        messages=notify.messages_for(session, principal.user_id),
        notice="",
    )
