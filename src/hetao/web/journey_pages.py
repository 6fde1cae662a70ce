"""一件事一次辦 pages: the list of journeys, a start page, one question per page, check your answers,
the early exit and the personal plan (GOV.UK "question pages" pattern; no JavaScript needed).

Answers live in the browser (``journey_state``); every page first works out where the person may be
from their answers, and sends them there when they ask for a page they cannot reach yet."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from hetao.core.errors import NotFound, ValidationFailed
from hetao.http.deps import fresh_journeys
from hetao.http.threaded import ThreadedRoute
from hetao.journeys import (
    Answers,
    Journey,
    Question,
    answer_label,
    answer_to_form_values,
    build_plan,
    exit_for,
    get_journey,
    journey_facts,
    list_journeys,
    next_question,
    parse_answer,
    prune,
    questions_to_ask,
)
from hetao.web.account_pages import field_errors
from hetao.web.auth import verify_csrf
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.journey_state import clear_answers, read_answers, write_answers
from hetao.web.journey_views import parse_start, plan_view
from hetao.web.templating import render

router = APIRouter(dependencies=[Depends(fresh_journeys)], route_class=ThreadedRoute)

#: Plans start "today" in the zone's time, whatever the server's clock zone.
ZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(ZONE).date()


def _journey(slug: str) -> Journey:
    return get_journey(slug)


def _question(journey: Journey, question_id: str) -> Question:
    try:
        return journey.question(question_id)
    except KeyError:
        raise NotFound() from None


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def where_next(ctx: PageContext, journey: Journey, answers: Answers, *, change: bool = False) -> str:
    """The page the answers lead to: the exit, the first unanswered question, or the check page."""
    if exit_for(journey, answers) is not None:
        return ctx.urls.journey_exit(journey.slug)
    question = next_question(journey, answers)
    if question is not None:
        return ctx.urls.journey_question(journey.slug, question.id, change=change)
    return ctx.urls.journey_check(journey.slug)


def reachable(journey: Journey, answers: Answers, question: Question) -> bool:
    """Whether the person may see ``question``: it is asked given their answers, and it is answered
    or the first unanswered one (never after an early exit)."""
    ids = [q.id for q in questions_to_ask(journey, answers)]
    if question.id not in ids:
        return False
    if question.id in answers:
        return True
    upcoming = next_question(journey, answers)
    return upcoming is not None and upcoming.id == question.id


def _back_url(ctx: PageContext, journey: Journey, answers: Answers, question: Question, change: bool) -> str:
    if change:
        return ctx.urls.journey_check(journey.slug)
    ids = [q.id for q in questions_to_ask(journey, answers)]
    index = ids.index(question.id)
    if index == 0:
        return ctx.urls.journey(journey.slug)
    return ctx.urls.journey_question(journey.slug, ids[index - 1])


def _breadcrumbs(ctx: PageContext, journey: Journey | None = None) -> list[tuple[str, str]]:
    crumbs = [(ctx.t.gettext("Plan your move"), ctx.urls.journeys())]
    if journey is not None:
        crumbs.append((journey.title.get(ctx.locale), ctx.urls.journey(journey.slug)))
    return crumbs


@router.get("/{lp}/journeys", include_in_schema=False)
def journey_list(request: Request, ctx: PageContext = Depends(page_context)):
    return render(
        request,
        "journeys/list.html",
        ctx,
        journeys=list_journeys(),
        json_url="/api/v1/journeys",
    )


@router.get("/{lp}/journeys/{slug}", include_in_schema=False)
def journey_start(request: Request, slug: str, ctx: PageContext = Depends(page_context)):
    journey = _journey(slug)
    answers = read_answers(request, slug)
    first = questions_to_ask(journey, {})[0]
    return render(
        request,
        "journeys/start.html",
        ctx,
        journey=journey,
        start_url=ctx.urls.journey_question(slug, first.id),
        resume_url=where_next(ctx, journey, answers) if answers else None,
        breadcrumbs=_breadcrumbs(ctx),
        json_url=f"/api/v1/journeys/{slug}",
    )


def _question_page(
    request: Request,
    ctx: PageContext,
    journey: Journey,
    answers: Answers,
    question: Question,
    *,
    values: list[str],
    change: bool,
    errors: dict[str, str] | None = None,
):
    return render(
        request,
        "journeys/question.html",
        ctx,
        status_code=422 if errors else 200,
        journey=journey,
        question=question,
        values=values,
        errors=errors or {},
        change=change,
        action=ctx.urls.journey_question(journey.slug, question.id, change=change),
        back_url=_back_url(ctx, journey, answers, question, change),
    )


@router.get("/{lp}/journeys/{slug}/questions/{question_id}", include_in_schema=False)
def question_page(request: Request, slug: str, question_id: str, ctx: PageContext = Depends(page_context)):
    journey = _journey(slug)
    question = _question(journey, question_id)
    answers = read_answers(request, slug)
    change = request.query_params.get("change") == "1"
    if not reachable(journey, answers, question):
        return _see_other(where_next(ctx, journey, answers))
    values = answer_to_form_values(question, answers[question.id]) if question.id in answers else []
    return _question_page(request, ctx, journey, answers, question, values=values, change=change)


@router.post(
    "/{lp}/journeys/{slug}/questions/{question_id}",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
async def question_submit(
    request: Request, slug: str, question_id: str, ctx: PageContext = Depends(page_context)
):
    journey = _journey(slug)
    question = _question(journey, question_id)
    answers = read_answers(request, slug)
    change = request.query_params.get("change") == "1"
    if not reachable(journey, answers, question):
        return _see_other(where_next(ctx, journey, answers))
    form = await request.form()
    submitted = [v for v in form.getlist(question.id) if isinstance(v, str)]
    try:
        answer = parse_answer(question, {question.id: submitted})
    except ValidationFailed as failed:
        return _question_page(
            request,
            ctx,
            journey,
            answers,
            question,
            values=submitted,
            change=change,
            errors=field_errors(ctx, failed),
        )
    updated = prune(journey, {**answers, question.id: answer})
    response = _see_other(_after_answer(ctx, journey, updated, question, change))
    write_answers(response, request, slug, updated)
    return response


def _after_answer(
    ctx: PageContext, journey: Journey, answers: Answers, question: Question, change: bool
) -> str:
    """Where "Continue" leads: the exit when one applies; when changing an answer, back to the check
    page if nothing more is needed; otherwise the next question in order (answered ones included,
    so going back and forward again shows each answer)."""
    if exit_for(journey, answers) is not None or change:
        return where_next(ctx, journey, answers, change=change)
    asked = questions_to_ask(journey, answers)
    index = [q.id for q in asked].index(question.id)
    if index + 1 < len(asked) and reachable(journey, answers, asked[index + 1]):
        return ctx.urls.journey_question(journey.slug, asked[index + 1].id)
    return where_next(ctx, journey, answers)


@router.get("/{lp}/journeys/{slug}/check", include_in_schema=False)
def check_page(request: Request, slug: str, ctx: PageContext = Depends(page_context)):
    journey = _journey(slug)
    answers = read_answers(request, slug)
    if exit_for(journey, answers) is not None or next_question(journey, answers) is not None:
        return _see_other(where_next(ctx, journey, answers))
    rows = [
        {
            "question": q.text.get(ctx.locale),
            "answer": answer_label(q, answers[q.id], ctx.locale),
            "change_url": ctx.urls.journey_question(slug, q.id, change=True),
        }
        for q in questions_to_ask(journey, answers)
        if q.id in answers
    ]
    return render(
        request,
        "journeys/check.html",
        ctx,
        journey=journey,
        rows=rows,
        back_url=ctx.urls.journey_question(slug, questions_to_ask(journey, answers)[-1].id),
        plan_url=ctx.urls.journey_plan(slug),
        breadcrumbs=_breadcrumbs(ctx, journey),
    )


@router.get("/{lp}/journeys/{slug}/not-applicable", include_in_schema=False)
def exit_page(request: Request, slug: str, ctx: PageContext = Depends(page_context)):
    journey = _journey(slug)
    answers = read_answers(request, slug)
    way_out = exit_for(journey, answers)
    if way_out is None:
        return _see_other(where_next(ctx, journey, answers))
    answered = [q for q in questions_to_ask(journey, answers) if q.id in answers]
    return render(
        request,
        "journeys/exit.html",
        ctx,
        journey=journey,
        reason=way_out.reason.get(ctx.locale),
        back_url=ctx.urls.journey_question(slug, answered[-1].id),
        breadcrumbs=_breadcrumbs(ctx, journey),
    )


@router.post(
    "/{lp}/journeys/{slug}/start-again", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
def start_again(request: Request, slug: str, ctx: PageContext = Depends(page_context)):
    journey = _journey(slug)
    response = _see_other(ctx.urls.journey_question(slug, questions_to_ask(journey, {})[0].id))
    clear_answers(response, slug)
    return response


@router.get("/{lp}/journeys/{slug}/plan", include_in_schema=False)
def plan_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    journey = _journey(slug)
    answers = read_answers(request, slug)
    if exit_for(journey, answers) is not None or next_question(journey, answers) is not None:
        return _see_other(where_next(ctx, journey, answers))
    raw_start = request.query_params.get("start", "")
    start, error = parse_start(ctx, raw_start, today=today())
    plan = build_plan(journey, answers, journey_facts(session, journey), start)
    return render(
        request,
        "journeys/plan.html",
        ctx,
        status_code=422 if error else 200,
        journey=journey,
        view=plan_view(ctx, session, journey, plan),
        start_value=raw_start if error else start.isoformat(),
        errors={"start": error} if error else {},
        apply_url=ctx.urls.journey_plan(slug).rsplit("/", 1)[0] + "/apply",
        breadcrumbs=_breadcrumbs(ctx, journey),
    )
