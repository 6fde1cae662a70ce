"""The operations dashboard in JSON: the twin of ``/{lp}/admin/dashboard``, for administrators
signed in to the site (401 without a session, 403 for anyone else)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao import cases, directory, hall, search
from hetao.accounts import Principal
from hetao.api.language import api_locale
from hetao.core.db import utcnow
from hetao.core.locales import URL_PREFIX
from hetao.core.periods import local_date, parse_range
from hetao.http.deps import db_session
from hetao.http.problems import problem_responses
from hetao.http.sessions import SignInNeeded, cookie_principal

router = APIRouter(prefix="/api/v1/admin", tags=["administration"])


class DepartmentCompliance(BaseModel):
    department_id: str | None
    department: str | None = Field(description="Name in the negotiated language")
    on_time: int = Field(description="Steps decided in the range on or before their due date")
    late: int = Field(description="Steps decided in the range after their due date")
    overdue_now: int = Field(description="Open steps past their due date today, whatever the range")


class DayCount(BaseModel):
    date: date
    count: int


class RatingCount(BaseModel):
    score: int = Field(description="5 = very satisfied … 1 = very dissatisfied")
    count: int


class MissRead(BaseModel):
    query: str
    locale: str
    count: int = Field(description="Times asked since first asked")
    first_seen: datetime
    last_seen: datetime


class QueueToday(BaseModel):
    category: str
    taken: int
    waiting: int
    served: int
    no_shows: int
    average_wait_minutes: float | None = Field(description="From taking a ticket to its first call")
    average_handling_minutes: float | None


class VisitsOfDay(BaseModel):
    date: date
    states: dict[str, int] = Field(description="Appointments of the day per state (booked, checked_in, …)")


class HallRatings(BaseModel):
    distribution: list[RatingCount]
    followups_open: int
    followups_overdue: int
    followups_answered: int
    followups_closed: int


class DashboardRead(BaseModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    today: date
    compliance: list[DepartmentCompliance]
    submissions_per_day: list[DayCount]
    ratings: list[RatingCount]
    top_misses: list[MissRead]
    queues_today: list[QueueToday] = Field(description="Queue tickets of today, whatever the range")
    visits_per_day: list[VisitsOfDay] = Field(description="Days of the range with appointments")
    hall_ratings: HallRatings = Field(description="Ratings of served tickets and completed visits")
    url: str = Field(description="The HTML page with the same figures")


def require_admin_session(
    request: Request, session: Session = Depends(db_session, scope="function")
) -> Principal:
    principal = cookie_principal(request, session)
    if principal is None:
        raise SignInNeeded()
    principal.require_admin()
    return principal


def _organisation_names(session: Session, ids: set[str], locale: str) -> dict[str, str]:
    rows = session.scalars(select(directory.Organization).where(directory.Organization.id.in_(ids)))
    return {org.id: org.text("name", locale).value for org in rows}


@router.get(
    "/dashboard",
    response_model=DashboardRead,
    response_model_by_alias=True,
    summary="Operations figures over a range of dates (administrators, signed-in session)",
    responses=problem_responses(400, 401, 403, 422, 503),
)
def get_dashboard(
    start: str | None = Query(
        None, alias="from", description="First day, YYYY-MM-DD (default: 29 days before `to`)"
    ),
    end: str | None = Query(None, alias="to", description="Last day, YYYY-MM-DD (default: today)"),
    locale: str = Depends(api_locale),
    _admin: Principal = Depends(require_admin_session),
    session: Session = Depends(db_session, scope="function"),
):
    today = local_date(utcnow())
    period = parse_range(start, end, today=today)
    compliance = cases.compliance_by_department(session, period=period, today=today)
    names = _organisation_names(session, {c.department_id for c in compliance if c.department_id}, locale)
    hall_stats = hall.rating_statistics(session, start=period.start, end=period.end, today=today)
    return DashboardRead(
        **{"from": period.start},
        to=period.end,
        today=today,
        compliance=[
            DepartmentCompliance(
                department_id=c.department_id,
                department=names.get(c.department_id or ""),
                on_time=c.on_time,
                late=c.late,
                overdue_now=c.overdue_now,
            )
            for c in compliance
        ],
        submissions_per_day=[
            DayCount(date=d, count=n) for d, n in cases.submissions_per_day(session, period=period)
        ],
        ratings=[
            RatingCount(score=s, count=n) for s, n in cases.ratings_distribution(session, period=period)
        ],
        top_misses=[
            MissRead(
                query=m.query, locale=m.locale, count=m.count, first_seen=m.first_seen, last_seen=m.last_seen
            )
            for m in search.top_misses(session, period=period, limit=10)
        ],
        queues_today=[
            QueueToday(
                category=q.category,
                taken=q.taken,
                waiting=q.waiting,
                served=q.served,
                no_shows=q.no_shows,
                average_wait_minutes=q.average_wait_minutes,
                average_handling_minutes=q.average_handling_minutes,
            )
            for q in hall.day_summary(session, day=today)
        ],
        visits_per_day=[
            VisitsOfDay(date=d, states=states)
            for d, states in hall.appointments_per_day(session, first=period.start, last=period.end).items()
        ],
        hall_ratings=HallRatings(
            distribution=[RatingCount(score=s, count=n) for s, n in hall_stats.distribution.items()],
            followups_open=hall_stats.followups_open,
            followups_overdue=hall_stats.followups_overdue,
            followups_answered=hall_stats.followups_answered,
            followups_closed=hall_stats.followups_closed,
        ),
        url=f"/{URL_PREFIX[locale]}/admin/dashboard?from={period.start.isoformat()}&to={period.end.isoformat()}",
    )
