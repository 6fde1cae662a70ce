"""The journeys (一件事一次辦) in JSON under ``/api/v1/journeys``: the list, and each journey's
questions, the twins of the HTML list and start pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hetao import journeys
from hetao.api.language import api_locale
from hetao.api.schemas import JourneyRead, JourneySummary, OptionRead, QuestionRead
from hetao.core.i18n import translator
from hetao.core.locales import URL_PREFIX
from hetao.http.deps import fresh_journeys
from hetao.http.problems import problem_responses

router = APIRouter(
    prefix="/api/v1/journeys",
    tags=["journeys"],
    dependencies=[Depends(fresh_journeys)],
    responses=problem_responses(400, 422, 503),
)


def _summary(journey: journeys.Journey, locale: str) -> JourneySummary:
    return JourneySummary(
        slug=journey.slug,
        title=journey.title.get(locale),
        summary=journey.summary.get(locale),
        url=f"/{URL_PREFIX[locale]}/journeys/{journey.slug}",
        api_url=f"/api/v1/journeys/{journey.slug}",
    )


def _options(question: journeys.Question, locale: str) -> list[OptionRead]:
    if question.kind is journeys.QuestionKind.yes_no:
        t = translator(locale)
        return [
            OptionRead(id=journeys.YES, label=t.gettext("Yes")),
            OptionRead(id=journeys.NO, label=t.gettext("No")),
        ]
    return [OptionRead(id=o.id, label=o.label.get(locale)) for o in question.options]


@router.get("", response_model=list[JourneySummary], summary="Life and business events with personal plans")
def list_journeys(locale: str = Depends(api_locale)):
    return [_summary(j, locale) for j in journeys.list_journeys()]


@router.get(
    "/{slug}",
    response_model=JourneyRead,
    summary="One journey and its questions, in asking order",
    responses=problem_responses(404),
)
def get_journey(slug: str, locale: str = Depends(api_locale)):
    journey = journeys.get_journey(slug)
    first_asked = {q.id for q in journeys.questions_to_ask(journey, {})}
    return JourneyRead(
        **_summary(journey, locale).model_dump(),
        intro=journey.intro.get(locale),
        questions=[
            QuestionRead(
                id=q.id,
                kind=q.kind.value,
                text=q.text.get(locale),
                hint=q.hint.get(locale) if q.hint else None,
                options=_options(q, locale),
                allows_dont_know=q.allows_dont_know,
                always_asked=q.id in first_asked,
                url=f"/{URL_PREFIX[locale]}/journeys/{slug}/questions/{q.id}",
            )
            for q in journey.questions
        ],
    )
