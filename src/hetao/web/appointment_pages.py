"""Appointment pages (一門 / 一窗): choose the item (or come from a plan or a service page) → the
day → the time → confirm; then the appointment with its code, QR code, calendar file, cancel and
change; "My appointments"; the officers' day list per counter; the administrators' closed days.

Plain HTML forms, one question per page (GET between the steps, POST only to book, change or
cancel), so everything works without JavaScript."""

from __future__ import annotations

from datetime import date

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao import catalog, hall, journeys
from hetao.accounts import Principal, User
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError, NotFound, PermissionDenied, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.hall.ics import render as render_ics
from hetao.http.deps import fresh_journeys
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import form_values, require_admin, require_principal, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.journey_state import read_answers
from hetao.web.journey_views import long_date
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)

#: Errors of the booking steps that send people back to choose again (nothing was changed).
CHOICE_ERRORS = (
    hall.SlotTaken,
    hall.SlotPast,
    hall.DayClosed,
    hall.NotBookable,
    hall.AlreadyBooked,
    hall.SameTime,
)

NOTICES = {
    "booked": N_("Your appointment is booked. We have sent the details to your e-mail address."),
    "changed": N_("Your appointment has a new time. The earlier time is released."),
    "cancelled": N_("Your appointment is cancelled."),
}


def base_url(ctx: PageContext) -> str:
    return f"{ctx.urls.prefix}/hall/appointments"


def appointment_url(ctx: PageContext, code: str, **query: object) -> str:
    return with_query(f"{base_url(ctx)}/{code}", query)


def state_labels(t) -> dict[str, str]:
    return {
        "booked": t.gettext("Booked"),
        "cancelled": t.gettext("Cancelled"),
        "checked_in": t.gettext("Checked in"),
        "completed": t.gettext("Completed"),
        "no_show": t.gettext("Did not come"),
    }


# --- what the visit is for -------------------------------------------------------------------


class Choice:
    """The visit being booked or changed, read from the query string or form: ``service`` (an
    item's slug), ``journey`` (the plan kept in this browser) or ``change`` (an appointment's code)."""

    def __init__(self, base: str, visit: hall.Visit, query: dict[str, str], title: str, appointment=None):
        self.base = base
        self.visit = visit
        self.query = query
        self.title = title
        self.appointment = appointment

    def url(self, step: str, **extra: object) -> str:
        return with_query(f"{self.base}/new/{step}", {**self.query, **extra})


def plan_services(request: Request, session: Session, slug: str) -> list[catalog.Service] | None:
    """The catalogue items of the required steps of the plan kept in this browser; None when the
    journey's questions are not all answered (the plan page then sends people on)."""
    journey = journeys.get_journey(slug)
    answers = read_answers(request, slug)
    if journeys.exit_for(journey, answers) is not None or not journeys.is_complete(journey, answers):
        return None
    plan = journeys.build_plan(
        journey, answers, journeys.journey_facts(session, journey), hall.local_today(utcnow())
    )
    services = []
    for step in plan.steps:
        if step.outcome == "required":
            service = catalog.find_service(session, step.key)
            if service is not None and service.status == "active":
                services.append(service)
    return services


def read_choice(
    request: Request, ctx: PageContext, session: Session, principal: Principal, values: dict[str, str]
) -> Choice | RedirectResponse:
    if values.get("change"):
        appointment = hall.own_appointment(session, principal, values["change"])
        visit = hall.visit_of(session, appointment)
        choice = Choice(
            base_url(ctx), visit, {"change": appointment.code}, _visit_title(ctx, visit), appointment
        )
    elif values.get("journey"):
        slug = values["journey"]
        services = plan_services(request, session, slug)
        if services is None:
            return RedirectResponse(ctx.urls.journey_plan(slug), status_code=303)
        if not services:
            raise hall.NotBookable()
        visit = hall.visit_for_plan(slug, services)
        choice = Choice(base_url(ctx), visit, {"journey": slug}, _visit_title(ctx, visit))
    elif values.get("service"):
        service = catalog.get_service(session, values["service"])
        visit = hall.visit_for_service(service)
        choice = Choice(base_url(ctx), visit, {"service": service.slug}, _visit_title(ctx, visit))
    else:
        return RedirectResponse(f"{base_url(ctx)}/new", status_code=303)
    return choice


def _visit_title(ctx: PageContext, visit: hall.Visit) -> str:
    if visit.journey is not None:
        journey = journeys.get_journey(visit.journey)
        return ctx.t.gettext("One visit for your plan: %(journey)s", journey=journey.title.get(ctx.locale))
    return hall.service_name(visit.services[0], ctx.locale)


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# --- the steps -------------------------------------------------------------------------------


def _common(ctx: PageContext, choice: Choice) -> dict:
    return {
        "choice": choice,
        "visit": choice.visit,
        "item_names": [hall.service_name(s, ctx.locale) for s in choice.visit.services],
        "long_date": lambda d: long_date(d, ctx.locale),
        "display_code": hall.display_code,
    }


def render_days(request, ctx, session, choice: Choice, *, error: HetaoError | None = None):
    days = hall.days_for(session, choice.visit, now=utcnow())
    errors = {"day": ctx.t.gettext(error.message, **error.params)} if error else {}
    return render(
        request,
        "hall/appointments/day.html",
        ctx,
        status_code=error.status if error else 200,
        days=days,
        errors=errors,
        **_common(ctx, choice),
    )


def render_times(request, ctx, session, choice: Choice, day: date, *, error: HetaoError | None = None):
    try:
        times = hall.times_on(session, choice.visit, day, now=utcnow())
    except (hall.DayClosed, hall.NotBookable) as problem:
        return render_days(request, ctx, session, choice, error=error or problem)
    errors = {"time": ctx.t.gettext(error.message, **error.params)} if error else {}
    return render(
        request,
        "hall/appointments/time.html",
        ctx,
        status_code=error.status if error else 200,
        day=day,
        times=times,
        errors=errors,
        **_common(ctx, choice),
    )


@router.get("/{lp}/hall/appointments", include_in_schema=False)
def my_appointments(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    rows = hall.appointments_of(session, principal)
    return render(
        request,
        "hall/appointments/list.html",
        ctx,
        rows=rows,
        states=state_labels(ctx.t),
        items={a.id: [hall.service_name(s, ctx.locale) for s in hall.services_of(session, a)] for a in rows},
        long_date=lambda d: long_date(d, ctx.locale),
        minute_text=hall.minute_text,
        display_code=hall.display_code,
        new_url=f"{base_url(ctx)}/new",
    )


@router.get("/{lp}/hall/appointments/new", include_in_schema=False, dependencies=[Depends(fresh_journeys)])
def choose_item(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    q = request.query_params
    if q.get("service") or q.get("journey"):
        return RedirectResponse(with_query(f"{base_url(ctx)}/new/day", dict(q)), status_code=303)
    options = sorted(
        ((s.slug, hall.service_name(s, ctx.locale)) for s in hall.bookable_services(session)),
        key=lambda x: x[1],
    )
    return render(
        request,
        "hall/appointments/new.html",
        ctx,
        options=options,
        errors={},
        action=f"{base_url(ctx)}/new/day",
    )


@router.get(
    "/{lp}/hall/appointments/new/day", include_in_schema=False, dependencies=[Depends(fresh_journeys)]
)
def choose_day(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    choice = read_choice(request, ctx, session, principal, dict(request.query_params))
    if isinstance(choice, Response):
        return choice
    return render_days(request, ctx, session, choice)


@router.get(
    "/{lp}/hall/appointments/new/time", include_in_schema=False, dependencies=[Depends(fresh_journeys)]
)
def choose_time(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    choice = read_choice(request, ctx, session, principal, dict(request.query_params))
    if isinstance(choice, Response):
        return choice
    day = _parse_day(request.query_params.get("day"))
    if day is None:
        error = ValidationFailed([], N_("Choose a day from the list."))
        return render_days(request, ctx, session, choice, error=error)
    return render_times(request, ctx, session, choice, day)


@router.get(
    "/{lp}/hall/appointments/new/confirm", include_in_schema=False, dependencies=[Depends(fresh_journeys)]
)
def confirm(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    choice = read_choice(request, ctx, session, principal, dict(request.query_params))
    if isinstance(choice, Response):
        return choice
    day = _parse_day(request.query_params.get("day"))
    minute = hall.parse_minute(request.query_params.get("time", ""))
    if day is None:
        return render_days(request, ctx, session, choice)
    if minute is None:
        error = ValidationFailed([], N_("Choose a time from the list."))
        return render_times(request, ctx, session, choice, day, error=error)
    try:
        hall.counters_at(session, choice.visit, day, minute, now=utcnow())
    except CHOICE_ERRORS as error:
        return render_times(request, ctx, session, choice, day, error=error)
    if choice.appointment is not None:
        action = appointment_url(ctx, choice.appointment.code) + "/reschedule"
    else:
        action = f"{base_url(ctx)}/new"
    return render(
        request,
        "hall/appointments/confirm.html",
        ctx,
        day=day,
        start=hall.minute_text(minute),
        end=hall.minute_text(minute + choice.visit.minutes),
        action=action,
        **_common(ctx, choice),
    )


async def _choice_from_form(request, ctx, session, principal):
    values = await form_values(request)
    choice = read_choice(request, ctx, session, principal, values)
    return values, choice


@router.post(
    "/{lp}/hall/appointments/new",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), Depends(fresh_journeys)],
)
async def book(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    values, choice = await _choice_from_form(request, ctx, session, principal)
    if isinstance(choice, Response):
        return choice
    day = _parse_day(values.get("day"))
    minute = hall.parse_minute(values.get("time", ""))
    if day is None or minute is None:
        return render_days(request, ctx, session, choice, error=hall.NotBookable())
    try:
        appointment = hall.book(
            session,
            principal,
            visit=choice.visit,
            day=day,
            start_minute=minute,
            locale=ctx.locale,
            now=utcnow(),
        )
    except CHOICE_ERRORS as error:
        return render_times(request, ctx, session, choice, day, error=error)
    return RedirectResponse(appointment_url(ctx, appointment.code, done="booked"), status_code=303)


# --- one appointment ---------------------------------------------------------------------------


def qr_svg(code: str, label: str) -> Markup:
    """The code as a QR code, inline SVG (no script, no request for an image)."""
    svg = segno.make(code, error="m").svg_inline(scale=5, title=label, dark="#000", light="#fff")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1))


@router.get("/{lp}/hall/appointments/{code}", include_in_schema=False)
def appointment_page(
    request: Request,
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    appointment = hall.own_appointment(session, principal, code)
    counter = session.get(hall.Counter, appointment.counter_id)
    done = request.query_params.get("done", "")
    shown = hall.display_code(appointment.code)
    return render(
        request,
        "hall/appointments/appointment.html",
        ctx,
        appointment=appointment,
        shown_code=shown,
        counter_name=counter.name(ctx.locale) if counter else "",
        items=[(s.slug, hall.service_name(s, ctx.locale)) for s in hall.services_of(session, appointment)],
        states=state_labels(ctx.t),
        long_date=lambda d: long_date(d, ctx.locale),
        start=hall.minute_text(appointment.start_minute),
        end=hall.minute_text(appointment.end_minute),
        qr=qr_svg(appointment.code, ctx.t.gettext("QR code of confirmation code %(code)s", code=shown)),
        notice=ctx.t.gettext(NOTICES[done]) if done in NOTICES else "",
        url=appointment_url(ctx, appointment.code),
        journey_title=journeys.get_journey(appointment.journey).title.get(ctx.locale)
        if appointment.journey
        else "",
        rating=hall.find_rating(session, subject_kind="appointment", subject_id=appointment.code),
        rating_kind="appointment",
        rating_subject=appointment.code,
        rating_next=appointment_url(ctx, appointment.code),
    )


@router.get("/{lp}/hall/appointments/{code}/calendar.ics", include_in_schema=False)
def appointment_ics(
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    appointment = hall.own_appointment(session, principal, code)
    counter = session.get(hall.Counter, appointment.counter_id)
    t = ctx.t
    names = "; ".join(hall.service_name(s, ctx.locale) for s in hall.services_of(session, appointment))
    shown = hall.display_code(appointment.code)
    event = hall.calendar_event(
        appointment,
        summary=t.gettext("Service hall visit (%(code)s)", code=shown),
        location=t.gettext(
            "Hetao service hall, %(counter)s", counter=counter.name(ctx.locale) if counter else ""
        ),
        description=t.gettext("For: %(items)s\nConfirmation code: %(code)s", items=names, code=shown),
    )
    return Response(
        render_ics(event, now=utcnow()),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="appointment-{appointment.code}.ics"'},
    )


@router.post(
    "/{lp}/hall/appointments/{code}/cancel", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def cancel(
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    appointment = hall.cancel(session, principal, code, now=utcnow())
    return RedirectResponse(appointment_url(ctx, appointment.code, done="cancelled"), status_code=303)


@router.get("/{lp}/hall/appointments/{code}/reschedule", include_in_schema=False)
def reschedule_start(
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    appointment = hall.own_appointment(session, principal, code)
    if appointment.state != hall.AppointmentState.booked:
        raise hall.NotActive()
    return RedirectResponse(
        with_query(f"{base_url(ctx)}/new/day", {"change": appointment.code}), status_code=303
    )


@router.post(
    "/{lp}/hall/appointments/{code}/reschedule", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def reschedule(
    request: Request,
    code: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    values = await form_values(request)
    appointment = hall.own_appointment(session, principal, code)
    choice = read_choice(request, ctx, session, principal, {"change": appointment.code})
    assert isinstance(choice, Choice)
    day = _parse_day(values.get("day"))
    minute = hall.parse_minute(values.get("time", ""))
    if day is None or minute is None:
        return render_days(request, ctx, session, choice, error=hall.NotBookable())
    try:
        hall.reschedule(session, principal, appointment.code, day=day, start_minute=minute, now=utcnow())
    except CHOICE_ERRORS as error:
        return render_times(request, ctx, session, choice, day, error=error)
    return RedirectResponse(appointment_url(ctx, appointment.code, done="changed"), status_code=303)


# --- officers: the day's appointments per counter ------------------------------------------------


def require_staff(principal: Principal = Depends(require_principal)) -> Principal:
    if not (principal.is_officer or principal.is_admin):
        raise PermissionDenied()
    return principal


@router.get("/{lp}/officer/hall/appointments", include_in_schema=False)
def officer_day(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _staff: Principal = Depends(require_staff),
    session: Session = Depends(db_session, scope="function"),
):
    raw = request.query_params.get("date", "")
    day = _parse_day(raw) or hall.local_today(utcnow())
    error = ctx.t.gettext("Enter the date as YYYY-MM-DD.") if raw and _parse_day(raw) is None else ""
    rows = hall.appointments_on(session, day)
    people = {
        u.id: u.display_name
        for u in session.scalars(select(User).where(User.id.in_({a.user_id for a in rows})))
    }
    counters = hall.list_counters(session, active_only=False)
    by_counter = [(c, [a for a in rows if a.counter_id == c.id]) for c in counters]
    return render(
        request,
        "hall/appointments/officer.html",
        ctx,
        status_code=422 if error else 200,
        day=day,
        raw=raw if error else day.isoformat(),
        errors={"date": error} if error else {},
        by_counter=[(c, r) for c, r in by_counter if r],
        total=len(rows),
        people=people,
        states=state_labels(ctx.t),
        items={a.id: [hall.service_name(s, ctx.locale) for s in hall.services_of(session, a)] for a in rows},
        minute_text=hall.minute_text,
        display_code=hall.display_code,
        long_date=lambda d: long_date(d, ctx.locale),
    )


# --- administrators: the hall's closed days -----------------------------------------------------


def _closures_page(request, ctx, session, *, status_code=200, errors=None, values=None, notice=""):
    counters = hall.list_counters(session, active_only=False)
    return render(
        request,
        "hall/appointments/closures.html",
        ctx,
        status_code=status_code,
        closures=hall.list_closures(session, since=hall.local_today(utcnow())),
        counters=counters,
        counter_names={c.id: f"{c.code} {c.name(ctx.locale)}" for c in counters},
        errors=errors or {},
        values=values or {},
        notice=notice,
        locales=LOCALES,
        long_date=lambda d: long_date(d, ctx.locale),
    )


@router.get("/{lp}/admin/hall/closures", include_in_schema=False)
def closures_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    notices = {
        "added": ctx.t.gettext("The closed day was added."),
        "removed": ctx.t.gettext("The closed day was removed."),
    }
    return _closures_page(request, ctx, session, notice=notices.get(request.query_params.get("done", ""), ""))


@router.post("/{lp}/admin/hall/closures", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def add_closure(
    request: Request,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    try:
        hall.add_closure(
            session,
            admin,
            day=_parse_day(form.get("day")),
            counter_id=form.get("counter") or None,
            reasons={loc: form.get(f"reason-{loc}", "") for loc in LOCALES},
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return _closures_page(
            request, ctx, session, status_code=422, errors=field_errors(ctx, failed), values=form
        )
    return RedirectResponse(
        with_query(ctx.urls.prefix + "/admin/hall/closures", {"done": "added"}), status_code=303
    )


@router.post(
    "/{lp}/admin/hall/closures/{closure_id}/remove",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def remove_closure(
    closure_id: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    try:
        hall.remove_closure(session, admin, closure_id)
    except NotFound:
        pass  # already removed (a second click): the list shows the current state
    return RedirectResponse(
        with_query(ctx.urls.prefix + "/admin/hall/closures", {"done": "removed"}), status_code=303
    )
