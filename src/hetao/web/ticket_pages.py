"""Queue tickets for people in the hall: taking one (no account needed) and the ticket's own page
(its number, place in the queue, estimated wait and state), at an unguessable address."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao import catalog, hall
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.http.hall_board import lane_labels, ticket_state_labels, wait_text
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import current_principal, verify_csrf
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


def categories(locale: str) -> list[dict[str, str]]:
    return [
        {
            "code": code,
            "letter": hall.LETTERS[code],
            "name": catalog.category_name(code, locale),
            "summary": catalog.category_summary(code, locale),
        }
        for code in catalog.CATEGORY_INFO
    ]


def render_take(request, ctx, *, status_code=200, errors=None, form=None):
    return render(
        request,
        "hall/take.html",
        ctx,
        status_code=status_code,
        categories=categories(ctx.locale),
        errors=errors or {},
        form=form or {},
    )


@router.get("/{lp}/hall/tickets/new", include_in_schema=False)
def take_page(request: Request, ctx: PageContext = Depends(page_context)):
    return render_take(request, ctx)


@router.post("/{lp}/hall/tickets", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def take(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    lane = hall.Lane.priority if form.get("priority") == "1" else hall.Lane.walk_in
    try:
        ticket = hall.take_ticket(
            session,
            category=str(form.get("category", "")),
            lane=lane,
            holder_id=principal.user_id if principal else None,
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return render_take(
            request,
            ctx,
            status_code=422,
            errors=field_errors(ctx, failed),
            form={k: v for k, v in form.items() if isinstance(v, str)},
        )
    return RedirectResponse(f"{ctx.urls.prefix}/hall/tickets/{ticket.token}?new=1", status_code=303)


@router.post("/{lp}/hall/tickets/check-in", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def check_in(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    """An appointment holder arrives: the appointment is checked in and a ticket of the appointment
    lane is given, in one transaction."""
    form = await request.form()
    code = str(form.get("appointment_code", "")).strip()
    try:
        if not code:
            raise ValidationFailed([Problem("appointment_code", N_("Enter the appointment's code."))])
        with session.begin_nested():  # nothing of a refused check-in is kept
            ticket = hall.check_in_visit(
                session, code, now=utcnow(), holder_id=principal.user_id if principal else None
            )
    except (ValidationFailed, HetaoError) as failed:
        if not isinstance(failed, ValidationFailed):
            failed = ValidationFailed([Problem("appointment_code", failed.message, failed.params)])
        return render_take(
            request, ctx, status_code=422, errors=field_errors(ctx, failed), form={"appointment_code": code}
        )
    return RedirectResponse(f"{ctx.urls.prefix}/hall/tickets/{ticket.token}?new=1", status_code=303)


@router.get("/{lp}/hall/tickets/{token}", include_in_schema=False)
def ticket_page(
    request: Request,
    token: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    ticket = hall.get_ticket_by_token(session, token)
    now = utcnow()
    status = hall.ticket_status(session, ticket, now=now)
    t = ctx.t
    response = render(
        request,
        "hall/ticket.html",
        ctx,
        ticket=ticket,
        status=status,
        category_name=catalog.category_name(ticket.category, ctx.locale),
        first_category_name=catalog.category_name(ticket.first_category, ctx.locale),
        states=ticket_state_labels(t),
        lanes=lane_labels(t),
        wait=wait_text(t, status.estimated_minutes),
        taken_at=hall.local_time(ticket.taken_at),
        counter=ticket.counter,
        new=request.query_params.get("new") == "1",
        # A ticket of an earlier day that was never served: the queue it was in has closed.
        expired=ticket.day < hall.local_day(now) and ticket.state == hall.TicketState.waiting,
        rating=hall.find_rating(session, subject_kind="ticket", subject_id=ticket.token),
        rating_kind="ticket",
        rating_subject=ticket.token,
        rating_next=f"{ctx.urls.prefix}/hall/tickets/{ticket.token}",
        rating_legend=t.gettext("How satisfied are you with the service you received?"),
    )
    # The address is the ticket's only key: keep it out of referrers and search engines.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response
