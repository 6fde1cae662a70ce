"""Events of the hall (展示交流 · 創新創業交流): the list, an event's page (register, join the
waitlist, cancel, .ics), the attendee CSV, and the administrators' create and edit pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, PermissionDenied, ValidationFailed
from hetao.core.i18n import N_, Translator
from hetao.core.locales import AUTONYM, HTML_LANG, LOCALES
from hetao.hall import events, ics
from hetao.hall.localtime import as_utc, local
from hetao.hall.room_event_models import Event
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import current_principal, form_values, require_admin, require_principal, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)

NOTICES = {
    "registered": N_("You are registered. We look forward to seeing you."),
    "waitlisted": N_(
        "The event is full, so you are on the waitlist. If a place becomes free it is given to the first "
        "person waiting, and we e-mail them."
    ),
    "cancelled": N_("Your registration is cancelled."),
    "created": N_("The event is created."),
    "saved": N_("The event is saved."),
}


def kind_labels(t: Translator) -> dict[str, str]:
    return {key: t.gettext(label) for key, label in events.KINDS.items()}


def registration_state_labels(t: Translator) -> dict[str, str]:
    return {
        "registered": t.gettext("Registered"),
        "waitlisted": t.gettext("On the waitlist"),
        "cancelled": t.gettext("Cancelled"),
    }


def when(event: Event) -> str:
    """ "2027-03-10 14:00–17:00" (or the end day too, when it differs) in Shenzhen time."""
    starts, ends = local(event.starts_at), local(event.ends_at)
    if starts.date() == ends.date():
        return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}"
    return f"{starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M}"


def _notice(ctx: PageContext, request: Request) -> str:
    done = request.query_params.get("done", "")
    return ctx.t.gettext(NOTICES[done]) if done in NOTICES else ""


def event_url(ctx: PageContext, slug: str, **query: object) -> str:
    return with_query(f"{ctx.urls.prefix}/hall/events/{slug}", query)


@router.get("/{lp}/hall/events", include_in_schema=False)
def event_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    upcoming = events.list_upcoming_events(session, now=utcnow())
    return render(
        request,
        "hall/events/list.html",
        ctx,
        events=upcoming,
        places={e.id: events.places(session, e) for e in upcoming},
        kinds=kind_labels(ctx.t),
        when=when,
    )


@router.get("/{lp}/hall/events/{slug}", include_in_schema=False)
def event_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    event = events.get_event(session, slug)
    mine = events.registration_of(session, event, principal.user_id) if principal else None
    now = utcnow()
    return render(
        request,
        "hall/events/event.html",
        ctx,
        event=event,
        principal=principal,
        mine=mine if mine is not None and mine.state != "cancelled" else None,
        position=events.waitlist_position(session, mine) if mine and mine.state == "waitlisted" else None,
        places=events.places(session, event),
        open=event.registration_open and as_utc(event.starts_at) > now,
        over=as_utc(event.ends_at) <= now,
        may_export=principal is not None and events.may_see_attendees(principal, event),
        kinds=kind_labels(ctx.t),
        when=when,
        notice=_notice(ctx, request),
        sign_in=with_query(f"{ctx.urls.prefix}/account/sign-in", {"next": event_url(ctx, slug)}),
    )


@router.post(
    "/{lp}/hall/events/{slug}/register", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def register(
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    registration = events.register(session, principal, slug=slug, now=utcnow())
    return RedirectResponse(event_url(ctx, slug, done=registration.state), status_code=303)


@router.post("/{lp}/hall/events/{slug}/cancel", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def cancel(
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    events.cancel_registration(session, principal, slug=slug, now=utcnow())
    return RedirectResponse(event_url(ctx, slug, done="cancelled"), status_code=303)


@router.get("/{lp}/hall/events/{slug}/calendar.ics", include_in_schema=False)
def event_ics(
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    event = events.get_event(session, slug)
    mine = events.registration_of(session, event, principal.user_id)
    if mine is None or mine.state != "registered":
        raise NotFound()
    text = ics.render(events.event_calendar(event, ctx.locale), now=utcnow())
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"'},
    )


@router.get("/{lp}/hall/events/{slug}/attendees.csv", include_in_schema=False)
def attendees_csv(
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    event = events.get_event(session, slug)
    if not events.may_see_attendees(principal, event):
        raise PermissionDenied()
    t = ctx.t
    header = [
        t.gettext("Status"),
        t.gettext("Order"),
        t.gettext("Name"),
        t.gettext("E-mail address"),
        t.gettext("Registered at"),
    ]
    data = events.attendees_csv(session, principal, event, header=header, states=registration_state_labels(t))
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-attendees.csv"'},
    )


# --- administrators ----------------------------------------------------------------------------


@router.get("/{lp}/admin/hall/events", include_in_schema=False)
def admin_events(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    rows = events.list_events(session)
    return render(
        request,
        "hall/events/admin_list.html",
        ctx,
        events=rows,
        places={e.id: events.places(session, e) for e in rows},
        kinds=kind_labels(ctx.t),
        when=when,
        notice=_notice(ctx, request),
    )


def _event_errors(ctx: PageContext, failed: ValidationFailed) -> dict[str, str]:
    """Field errors that say which field and language they are about, since the error summary lists
    fifteen texts that would otherwise read alike."""
    t = ctx.t
    labels = {
        "title": t.gettext("Title"),
        "summary": t.gettext("Summary"),
        "description": t.gettext("Description"),
        "place": t.gettext("Place"),
        "organiser": t.gettext("Organiser"),
        "starts_day": t.gettext("Starts (Shenzhen time)"),
        "starts_time": t.gettext("Starts (Shenzhen time)"),
        "ends_day": t.gettext("Ends (Shenzhen time)"),
        "ends_time": t.gettext("Ends (Shenzhen time)"),
    }
    errors = {}
    for path, problem in field_errors(ctx, failed).items():
        field, _, locale = path.partition("-")
        if locale in AUTONYM and field in labels:
            problem = t.gettext(
                "%(field)s, %(language)s: %(problem)s",
                field=labels[field],
                language=AUTONYM[locale],
                problem=problem,
            )
        elif path in labels:
            problem = t.gettext("%(field)s: %(problem)s", field=labels[path], problem=problem)
        errors[path] = problem
    return errors


def _form_page(request, ctx, *, event: Event | None, values, status_code=200, errors=None):
    return render(
        request,
        "hall/events/admin_form.html",
        ctx,
        status_code=status_code,
        event=event,
        values=values,
        errors=errors or {},
        kinds=kind_labels(ctx.t),
        languages=[(loc, AUTONYM[loc], HTML_LANG[loc]) for loc in LOCALES],
        fields=[
            ("title", ctx.t.gettext("Title"), 200),
            ("summary", ctx.t.gettext("Summary"), 500),
            ("description", ctx.t.gettext("Description"), 5000),
            ("place", ctx.t.gettext("Place"), 200),
            ("organiser", ctx.t.gettext("Organiser"), 200),
        ],
    )


@router.get("/{lp}/admin/hall/events/new", include_in_schema=False)
def new_event_page(
    request: Request, ctx: PageContext = Depends(page_context), _admin: Principal = Depends(require_admin)
):
    return _form_page(request, ctx, event=None, values=events.empty_form())


@router.post("/{lp}/admin/hall/events/new", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def create_event(
    request: Request,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    try:
        events.create_event(session, admin, form=form, now=utcnow())
    except ValidationFailed as failed:
        return _form_page(
            request, ctx, event=None, values=form, status_code=422, errors=_event_errors(ctx, failed)
        )
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/admin/hall/events", {"done": "created"}), status_code=303
    )


@router.get("/{lp}/admin/hall/events/{slug}/edit", include_in_schema=False)
def edit_event_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    event = events.get_event(session, slug)
    return _form_page(request, ctx, event=event, values=events.form_of(session, event))


@router.post(
    "/{lp}/admin/hall/events/{slug}/edit", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def edit_event(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    event = events.get_event(session, slug)
    try:
        events.update_event(session, admin, slug=slug, form=form, now=utcnow())
    except ValidationFailed as failed:
        return _form_page(
            request, ctx, event=event, values=form, status_code=422, errors=_event_errors(ctx, failed)
        )
    except events.EventEdited as edited:
        # Keep what this editor typed, and say that someone else saved first.
        return _form_page(
            request,
            ctx,
            event=event,
            values=form,
            status_code=409,
            errors={"event-form": ctx.t.gettext(edited.message)},
        )
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/admin/hall/events", {"done": "saved"}), status_code=303
    )
