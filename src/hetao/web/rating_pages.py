"""Ratings of hall services (好差評): the rating form's POST (the form itself is the partial
``hall/_rating_form.html``, shown by the pages of what is rated), a page of its own for errors and
direct links, the thank-you page, and the administrators' follow-ups of poor ratings."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import hall
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, ValidationFailed
from hetao.core.i18n import N_, Translator
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import current_principal, form_values, require_admin, safe_next, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.labels import rating_labels
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


def followup_state_labels(t: Translator) -> dict[str, str]:
    return {
        "open": t.gettext("Waiting for an answer"),
        "overdue": t.gettext("Overdue"),
        "answered": t.gettext("Answered"),
        "closed": t.gettext("Closed"),
    }


def _rate_page(request, ctx, *, kind, subject_id, next_url, status_code=200, errors=None, values=None):
    return render(
        request,
        "hall/rate.html",
        ctx,
        status_code=status_code,
        rating_kind=kind,
        rating_subject=subject_id,
        rating_next=next_url,
        rating_errors=errors or {},
        rating_values=values or {},
    )


@router.get("/{lp}/hall/ratings", include_in_schema=False)
def rate_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    """The rating form on a page of its own (``?kind=…&subject=…&next=…``)."""
    q = request.query_params
    kind, subject_id = q.get("kind", ""), q.get("subject", "")
    hall.check_subject(
        session,
        subject_kind=kind,
        subject_id=subject_id,
        rater_id=principal.user_id if principal else None,
    )
    return _rate_page(
        request, ctx, kind=kind, subject_id=subject_id, next_url=safe_next(q.get("next"), ctx.urls.home())
    )


@router.post("/{lp}/hall/ratings", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def record_rating(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    values = await form_values(request)
    kind, subject_id = values.get("kind", ""), values.get("subject", "")
    next_url = safe_next(values.get("next"), ctx.urls.home())
    try:
        score = int(values.get("score", ""))
    except ValueError:
        score = None
    try:
        hall.record_rating(
            session,
            subject_kind=kind,
            subject_id=subject_id,
            rater_id=principal.user_id if principal else None,
            score=score,
            comment=values.get("comment", ""),
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return _rate_page(
            request,
            ctx,
            kind=kind,
            subject_id=subject_id,
            next_url=next_url,
            status_code=422,
            errors=field_errors(ctx, failed),
            values=values,
        )
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/hall/ratings/thanks", {"next": next_url}), status_code=303
    )


@router.get("/{lp}/hall/ratings/thanks", include_in_schema=False)
def thanks(request: Request, ctx: PageContext = Depends(page_context)):
    return render(
        request,
        "hall/rating_thanks.html",
        ctx,
        next_url=safe_next(request.query_params.get("next"), ctx.urls.home()),
    )


# --- follow-ups --------------------------------------------------------------------------------


def _followups_url(ctx: PageContext, followup_id: str | None = None, **query: object) -> str:
    return with_query(
        f"{ctx.urls.prefix}/admin/hall/followups" + (f"/{followup_id}" if followup_id else ""), query
    )


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return default


@router.get("/{lp}/admin/hall/followups", include_in_schema=False)
def followups_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    state = q.get("state") if q.get("state") in hall.FOLLOWUP_FILTERS else None
    today = hall.ratings.local_today(utcnow())
    end = _date(q.get("to"), today)
    start = _date(q.get("from"), end - timedelta(days=29))
    if start > end:
        start, end = end, start
    return render(
        request,
        "admin/hall_followups.html",
        ctx,
        followups=hall.list_followups(session, admin, state=state, today=today),
        state=state,
        filters=hall.FOLLOWUP_FILTERS,
        states=followup_state_labels(ctx.t),
        scores=rating_labels(ctx.t),
        today=today,
        is_overdue=hall.is_overdue,
        stats=hall.rating_statistics(session, start=start, end=end, today=today),
        followup_url=lambda fid: _followups_url(ctx, fid),
    )


NOTICES = {
    "taken": N_("You are now in charge of this follow-up."),
    "answered": N_("The answer is saved. The person who rated is told by e-mail if they have an account."),
    "closed": N_("The follow-up is closed."),
}


def _followup_page(request, ctx, session, followup, *, status_code=200, errors=None, values=None, notice=""):
    return render(
        request,
        "admin/hall_followup.html",
        ctx,
        status_code=status_code,
        followup=followup,
        rating=followup.rating,
        states=followup_state_labels(ctx.t),
        scores=rating_labels(ctx.t),
        today=hall.ratings.local_today(utcnow()),
        is_overdue=hall.is_overdue,
        errors=errors or {},
        values=values or {},
        notice=notice,
        action_url=lambda action: f"{_followups_url(ctx, followup.id)}/{action}",
        list_url=_followups_url(ctx),
    )


@router.get("/{lp}/admin/hall/followups/{followup_id}", include_in_schema=False)
def followup_page(
    request: Request,
    followup_id: str,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    followup = hall.get_followup(session, followup_id)
    done = request.query_params.get("done", "")
    notice = ctx.t.gettext(NOTICES[done]) if done in NOTICES else ""
    return _followup_page(request, ctx, session, followup, notice=notice)


def _version(values: dict[str, str]) -> int | None:
    try:
        return int(values.get("version", ""))
    except ValueError:
        return None


@router.post(
    "/{lp}/admin/hall/followups/{followup_id}/{action}",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def followup_action(
    request: Request,
    followup_id: str,
    action: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    values = await form_values(request)
    version, now = _version(values), utcnow()
    if action == "take":
        hall.take_followup(session, admin, followup_id, version=version, now=now)
        done = "taken"
    elif action == "answer":
        try:
            hall.answer_followup(
                session, admin, followup_id, version=version, response=values.get("response", ""), now=now
            )
        except ValidationFailed as failed:
            followup = hall.get_followup(session, followup_id)
            return _followup_page(
                request,
                ctx,
                session,
                followup,
                status_code=422,
                errors=field_errors(ctx, failed),
                values=values,
            )
        done = "answered"
    elif action == "close":
        hall.close_followup(session, admin, followup_id, version=version, now=now)
        done = "closed"
    else:
        raise NotFound()
    return RedirectResponse(_followups_url(ctx, followup_id, done=done), status_code=303)
