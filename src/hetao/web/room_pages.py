"""Negotiation rooms (商務洽談): the rooms, a room's availability on a day with the booking form,
the person's bookings (cancel, .ics), and the administrators' approvals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.accounts import Principal, User
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, ValidationFailed
from hetao.core.i18n import N_, Translator
from hetao.hall import ics, rooms
from hetao.hall.localtime import local, local_today
from hetao.hall.room_event_models import Room, RoomBooking
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import current_principal, form_values, require_admin, require_principal, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)

NOTICES = {
    "booked": N_("The room is booked. We have sent you an e-mail."),
    "requested": N_(
        "Your request is sent. The time is held for you until an administrator answers; we will e-mail you."
    ),
    "cancelled": N_("The booking is cancelled and the time is free again."),
    "approved": N_("The booking is approved and the person is told."),
    "rejected": N_("The booking is not approved and the person is told why."),
}


def booking_state_labels(t: Translator) -> dict[str, str]:
    return {
        "pending": t.gettext("Waiting for approval"),
        "confirmed": t.gettext("Confirmed"),
        "rejected": t.gettext("Not approved"),
        "cancelled": t.gettext("Cancelled"),
    }


def equipment_labels(t: Translator) -> dict[str, str]:
    return {key: t.gettext(label) for key, label in rooms.EQUIPMENT.items()}


def when(booking: RoomBooking) -> str:
    """ "2027-03-01 10:00–11:00" in Shenzhen time."""
    starts, ends = local(booking.starts_at), local(booking.ends_at)
    return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}"


def _notice(ctx: PageContext, request: Request) -> str:
    done = request.query_params.get("done", "")
    return ctx.t.gettext(NOTICES[done]) if done in NOTICES else ""


def _first_open_day(now: datetime) -> date:
    """Today if the rooms are still open for a while, else the next day they open."""
    day = local_today(now)
    if rooms.room_periods(day) and local(now).time() < rooms.room_periods(day)[-1][1]:
        return day
    for n in range(1, 30):
        if rooms.room_periods(day + timedelta(days=n)):
            return day + timedelta(days=n)
    return day


@router.get("/{lp}/hall/rooms", include_in_schema=False)
def room_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    return render(
        request,
        "hall/rooms/list.html",
        ctx,
        rooms=rooms.list_rooms(session),
        equipment=equipment_labels(ctx.t),
    )


def render_room(
    request, ctx, session, room: Room, principal, *, day: date, status_code=200, errors=None, values=None
):
    now = utcnow()
    today = local_today(now)
    return render(
        request,
        "hall/rooms/room.html",
        ctx,
        status_code=status_code,
        room=room,
        principal=principal,
        day=day,
        today=today,
        last_day=today + timedelta(days=rooms.HORIZON_DAYS),
        open=bool(rooms.room_periods(day)),
        slots=rooms.availability(session, room, day, now=now),
        times=rooms.time_options(day),
        equipment=equipment_labels(ctx.t),
        errors=errors or {},
        values={"day": day.isoformat(), "start": "", "end": "", **(values or {})},
        sign_in=with_query(
            f"{ctx.urls.prefix}/account/sign-in",
            {"next": with_query(f"{ctx.urls.prefix}/hall/rooms/{room.slug}", {"day": day.isoformat()})},
        ),
    )


@router.get("/{lp}/hall/rooms/{slug}", include_in_schema=False)
def room_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal | None = Depends(current_principal),
    session: Session = Depends(db_session, scope="function"),
):
    room = rooms.get_room(session, slug)
    try:
        day = date.fromisoformat(request.query_params.get("day", ""))
    except ValueError:
        day = _first_open_day(utcnow())
    return render_room(request, ctx, session, room, principal, day=day)


@router.post("/{lp}/hall/rooms/{slug}/book", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def book(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    room = rooms.get_room(session, slug)
    form = await form_values(request)
    fields = ("day", "start", "end", "purpose", "organisation", "attendees")
    values = {f: form.get(f, "") for f in fields}
    try:
        booking = rooms.book_room(session, principal, room_slug=slug, **values, now=utcnow())
    except (ValidationFailed, rooms.RoomTaken) as error:
        if isinstance(error, ValidationFailed):
            errors, status = field_errors(ctx, error), 422
        else:
            errors, status = {"start": ctx.t.gettext(error.message)}, 409
        try:
            day = date.fromisoformat(values["day"])
        except ValueError:
            day = _first_open_day(utcnow())
        return render_room(
            request, ctx, session, room, principal, day=day, status_code=status, errors=errors, values=values
        )
    done = "requested" if booking.state == "pending" else "booked"
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/hall/room-bookings", {"done": done}), status_code=303
    )


@router.get("/{lp}/hall/room-bookings", include_in_schema=False)
def my_bookings(
    request: Request,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    now = utcnow()
    return render(
        request,
        "hall/rooms/bookings.html",
        ctx,
        bookings=rooms.bookings_of(session, principal),
        rooms=rooms.rooms_by_id(session),
        states=booking_state_labels(ctx.t),
        when=when,
        future=lambda b: rooms.as_utc(b.starts_at) > now,
        notice=_notice(ctx, request),
    )


@router.post(
    "/{lp}/hall/room-bookings/{booking_id}/cancel",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def cancel(
    booking_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    rooms.cancel_booking(session, principal, booking_id, now=utcnow())
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/hall/room-bookings", {"done": "cancelled"}), status_code=303
    )


@router.get("/{lp}/hall/room-bookings/{booking_id}/calendar.ics", include_in_schema=False)
def booking_ics(
    booking_id: str,
    ctx: PageContext = Depends(page_context),
    principal: Principal = Depends(require_principal),
    session: Session = Depends(db_session, scope="function"),
):
    booking = rooms.own_booking(session, principal, booking_id)
    if booking.state != "confirmed":
        raise NotFound()
    room = session.get(Room, booking.room_id)
    assert room is not None
    title = ctx.t.gettext("Meeting in %(room)s", room=room.name(ctx.locale))
    text = ics.render(rooms.booking_calendar(booking, room, ctx.locale, title=title), now=utcnow())
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="room-booking-{booking.id[:8]}.ics"'},
    )


# --- administrators ----------------------------------------------------------------------------


def _admin_page(request, ctx, session, *, status_code=200, errors=None, values=None, notice=""):
    return render(
        request,
        "hall/rooms/admin.html",
        ctx,
        status_code=status_code,
        pending=rooms.pending_bookings(session),
        upcoming=rooms.upcoming_bookings(session, now=utcnow()),
        rooms=rooms.rooms_by_id(session),
        people=_people(session),
        when=when,
        errors=errors or {},
        values=values or {},
        notice=notice,
    )


def _people(session: Session) -> dict[str, tuple[str, str]]:
    ids = {b.user_id for b in rooms.pending_bookings(session)} | {
        b.user_id for b in rooms.upcoming_bookings(session, now=utcnow())
    }
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(ids)))
    return {uid: (name, email) for uid, name, email in rows}


@router.get("/{lp}/admin/hall/rooms", include_in_schema=False)
def admin_rooms(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    return _admin_page(request, ctx, session, notice=_notice(ctx, request))


def _version(form: dict[str, str]) -> int | None:
    try:
        return int(form.get("version", ""))
    except ValueError:
        return None


@router.post(
    "/{lp}/admin/hall/room-bookings/{booking_id}/approve",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def approve(
    request: Request,
    booking_id: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    rooms.approve_booking(session, admin, booking_id, version=_version(form), now=utcnow())
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/admin/hall/rooms", {"done": "approved"}), status_code=303
    )


@router.post(
    "/{lp}/admin/hall/room-bookings/{booking_id}/reject",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def reject(
    request: Request,
    booking_id: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await form_values(request)
    try:
        rooms.reject_booking(
            session, admin, booking_id, version=_version(form), reason=form.get("reason", ""), now=utcnow()
        )
    except ValidationFailed as failed:
        errors = {f"reason-{booking_id}": message for message in field_errors(ctx, failed).values()}
        return _admin_page(
            request,
            ctx,
            session,
            status_code=422,
            errors=errors,
            values={f"reason-{booking_id}": form.get("reason", "")},
        )
    return RedirectResponse(
        with_query(f"{ctx.urls.prefix}/admin/hall/rooms", {"done": "rejected"}), status_code=303
    )
