"""The officer's hall console: choose a counter, call the next ticket, recall, start serving,
finish, mark not present, transfer. Each action is one POST (with CSRF) in one transaction; an
action on a ticket that has moved on changes nothing and says why."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import catalog, hall
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError, NotFound, PermissionDenied, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.http.hall_board import lane_labels, ticket_state_labels
from hetao.http.threaded import ThreadedRoute
from hetao.web.auth import require_principal, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)

ACTIONS = ("recall", "start", "finish", "no-show", "transfer")


def require_hall_staff(principal: Principal = Depends(require_principal)) -> Principal:
    """Officers (of any department) and administrators."""
    if not (principal.is_officer or principal.is_admin):
        raise PermissionDenied()
    return principal


def _counter(session: Session, officer: Principal, code: str | None) -> hall.Counter | None:
    if not code:
        return None
    counter = hall.get_counter(session, code)
    if counter is None or not counter.active:
        raise NotFound()
    if not hall.may_operate(officer, counter):
        raise PermissionDenied()
    return counter


def _required_counter(session: Session, officer: Principal, code: str) -> hall.Counter:
    counter = _counter(session, officer, code)
    if counter is None:
        raise ValidationFailed([Problem("counter", N_("Choose your counter first."))])
    return counter


def console_url(ctx: PageContext, counter: str | None, **query: object) -> str:
    return with_query(f"{ctx.urls.prefix}/officer/hall", {"counter": counter, **query})


def render_console(
    request, ctx, session, officer, counter, *, status_code=200, errors=None, notice="", form=None
):
    t = ctx.t
    now = utcnow()
    counters = hall.operable_counters(session, officer)
    return render(
        request,
        "hall/console.html",
        ctx,
        status_code=status_code,
        counters=counters,
        all_counters=hall.list_counters(session),
        counter=counter,
        at_counter=hall.tickets_at_counter(session, counter) if counter else [],
        waiting=hall.waiting_for_counter(session, counter, now=now) if counter else [],
        categories=[(code, catalog.category_name(code, ctx.locale)) for code in catalog.CATEGORY_INFO],
        category_names={code: catalog.category_name(code, ctx.locale) for code in catalog.CATEGORY_INFO},
        served=("、" if ctx.locale.startswith("zh") else ", ").join(
            catalog.category_name(c, ctx.locale) for c in (counter.categories if counter else [])
        ),
        states=ticket_state_labels(t),
        lanes=lane_labels(t),
        local_time=hall.local_time,
        console_url=lambda **q: console_url(ctx, counter.code if counter else None, **q),
        errors=errors or [],
        notice=notice,
        form=form or {},
    )


@router.get("/{lp}/officer/hall", include_in_schema=False)
def console(
    request: Request,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_hall_staff),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    counter = _counter(session, officer, q.get("counter"))
    t = ctx.t
    number = q.get("ticket", "")[:8]
    notices = {
        "called": t.gettext("Ticket %(number)s is called to this counter.", number=number),
        "recalled": t.gettext("Ticket %(number)s is called again.", number=number),
        "started": t.gettext("You are serving ticket %(number)s.", number=number),
        "finished": t.gettext("Ticket %(number)s is served.", number=number),
        "no-show": t.gettext("Ticket %(number)s is marked as not present.", number=number),
        "transferred": t.gettext("Ticket %(number)s is transferred and waits in its place.", number=number),
    }
    return render_console(request, ctx, session, officer, counter, notice=notices.get(q.get("done", ""), ""))


def _failed(request, ctx, session, officer, counter, error: HetaoError, form):
    """The console again, saying what went wrong (nothing was changed)."""
    t = ctx.t
    if isinstance(error, ValidationFailed) and error.problems:
        errors = [t.gettext(p.message, **p.params) for p in error.problems]
    else:
        errors = [t.gettext(error.message, **error.params)]
    return render_console(
        request,
        ctx,
        session,
        officer,
        counter,
        status_code=error.status,
        errors=errors,
        form={k: v for k, v in form.items() if isinstance(v, str)},
    )


@router.post("/{lp}/officer/hall/call", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def call(
    request: Request,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_hall_staff),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    counter = _required_counter(session, officer, str(form.get("counter", "")))
    try:
        ticket = hall.call_next(session, counter=counter, now=utcnow(), officer_id=officer.user_id)
    except HetaoError as error:
        return _failed(request, ctx, session, officer, counter, error, form)
    return RedirectResponse(
        console_url(ctx, counter.code, done="called", ticket=ticket.code), status_code=303
    )


@router.post(
    "/{lp}/officer/hall/tickets/{ticket_id}/{action}",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def act(
    request: Request,
    ticket_id: str,
    action: str,
    ctx: PageContext = Depends(page_context),
    officer: Principal = Depends(require_hall_staff),
    session: Session = Depends(db_session, scope="function"),
):
    if action not in ACTIONS:
        raise NotFound()
    form = await request.form()
    counter = _required_counter(session, officer, str(form.get("counter", "")))
    try:
        version = int(form.get("version", ""))
    except ValueError:
        version = -1
    now = utcnow()
    common = {"ticket_id": ticket_id, "counter": counter, "version": version, "now": now}
    try:
        if action == "recall":
            ticket, done = hall.recall(session, officer_id=officer.user_id, **common), "recalled"
        elif action == "start":
            ticket, done = hall.start_serving(session, officer_id=officer.user_id, **common), "started"
        elif action == "finish":
            ticket, done = hall.finish_visit(session, officer_id=officer.user_id, **common), "finished"
        elif action == "no-show":
            ticket, done = hall.mark_no_show(session, officer_id=officer.user_id, **common), "no-show"
        else:
            to = str(form.get("to_counter", ""))
            to_counter = hall.get_counter(session, to) if to else None
            if to and (to_counter is None or not to_counter.active):
                raise ValidationFailed([Problem("to_counter", N_("Choose a counter."))])
            ticket = hall.transfer(
                session,
                category=str(form.get("category", "")) or None,
                to_counter=to_counter,
                officer_id=officer.user_id,
                **common,
            )
            done = "transferred"
    except HetaoError as error:
        return _failed(request, ctx, session, officer, counter, error, form)
    return RedirectResponse(console_url(ctx, counter.code, done=done, ticket=ticket.code), status_code=303)
