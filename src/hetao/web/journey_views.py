"""What the plan page shows, worked out from a ``Plan`` for one locale (kept out of the template so
the template only lays it out)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from hetao import catalog
from hetao.journeys import Journey, Outcome, Plan, Step, Text
from hetao.web.context import PageContext
from hetao.web.labels import channel_labels, time_limit_text, visits_text

#: Babel locales for dates: Hong Kong usage, mainland usage, and British English as in Hong Kong.
BABEL_LOCALE = {"zh-Hant": "zh_Hant_HK", "zh-Hans": "zh_Hans_CN", "en": "en_GB"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: How far from today a plan may start (the calendar is published a year at a time).
EARLIEST = timedelta(days=366)
LATEST = timedelta(days=3 * 366)


def long_date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=BABEL_LOCALE.get(locale, "en_GB"))


def parse_start(ctx: PageContext, raw: str, *, today: date) -> tuple[date, str | None]:
    """The plan's start date from the ``start`` query value: today when empty; with a localised
    error (and today) when it is not a date in range."""
    value = raw.strip()
    if not value:
        return today, None
    try:
        day = date.fromisoformat(value) if _ISO_DAY.match(value) else None
    except ValueError:
        day = None
    if day is None:
        return today, ctx.t.gettext(
            "Enter the start date as year-month-day, for example %(example)s.", example=today.isoformat()
        )
    first, last = today - EARLIEST, today + LATEST
    if not first <= day <= last:
        return today, ctx.t.gettext(
            "Enter a start date between %(first)s and %(last)s.",
            first=first.isoformat(),
            last=last.isoformat(),
        )
    return day, None


def _anchor(key: str) -> str:
    return f"step-{key}"


def _step(ctx: PageContext, step: Step, service: Any, names: dict[str, str]) -> dict[str, Any]:
    t, locale = ctx.t, ctx.locale
    facts = step.facts
    limit = step.time_limit
    channels = channel_labels(t)
    return {
        "key": step.key,
        "anchor": _anchor(step.key),
        "name": names[step.key],
        "url": ctx.urls.service(step.key) if facts else None,
        "department": Text(facts.department_names).get(locale) if facts else None,
        "department_url": ctx.urls.organization(facts.department) if facts and facts.department else None,
        "time_limit": time_limit_text(t, (limit.value, limit.unit)) if limit else None,
        "channels": [channels[c] for c in service.channels if c in channels] if service else [],
        "visits": visits_text(t, service.visits) if service is not None else None,
        "reason": step.reason.render(locale),
        "after": [(names.get(k, k), "#" + _anchor(k)) for k in step.after],
        "start": step.start,
        "finish": step.finish,
        "critical": step.critical,
        "unsure": bool(step.reason.unsure),
    }


def plan_view(ctx: PageContext, session: Session, journey: Journey, plan: Plan) -> dict:
    """The plan laid out for the page: headline, stages of required steps (each stage's steps can
    run at the same time), optional steps, steps to check with the hall, excluded items, documents
    (each once) and the fields of the merged form."""
    locale = ctx.locale
    names = {s.key: s.name(locale) for s in plan.steps}
    services = {s.key: catalog.find_service(session, s.key) for s in plan.steps}
    views = {s.key: _step(ctx, s, services[s.key], names) for s in plan.steps}
    stages = []
    for level in plan.levels:
        required = [views[k] for k in level if plan.step(k).outcome is Outcome.required]
        if required:
            stages.append(required)
    optional = [views[s.key] for s in plan.optional_steps if not s.reason.unsure]
    unsure_steps = [views[s.key] for s in plan.optional_steps if s.reason.unsure]
    headline = {s.key for s in plan.required_steps} or set(names)
    unknown_in_path = [names[k] for k in plan.unknown_durations if k in headline]
    separator = ", " if locale == "en" else "、"
    return {
        "start": plan.start,
        "finish": plan.finish,
        "total": plan.total_working_days,
        "approximate": plan.approximate,
        "uncovered_years": separator.join(str(y) for y in plan.uncovered_years),
        "unknown_durations": separator.join(unknown_in_path),
        "critical_path": [(names[k], "#" + _anchor(k)) for k in plan.critical_path],
        "stages": stages,
        "optional": optional,
        "unsure_steps": unsure_steps,
        "unsure_questions": [
            {
                "text": journey.question(q).text.get(locale),
                "change_url": ctx.urls.journey_question(journey.slug, q, change=True),
            }
            for q in plan.unsure
        ],
        "excluded": [
            {
                "name": e.name(locale),
                "url": ctx.urls.service(e.key) if e.facts else None,
                "reason": e.reason.render(locale),
            }
            for e in plan.excluded
        ],
        "documents": [
            {
                "name": d.name(locale),
                "url": ctx.urls.document(d.code) if "#" not in d.code else None,
                "steps": [(names[k], "#" + _anchor(k)) for k in d.steps],
                "optional_only": d.optional_only,
            }
            for d in plan.documents
        ],
        "fields": [f.field.label.get(locale) for f in plan.fields],
        "day": lambda d: long_date(d, locale),
    }
