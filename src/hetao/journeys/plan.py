"""A personal plan: which catalogue items a person needs, in what order, by when, with which documents.

``decide_items`` applies each item's rules to the answers (see ``Item``) and then the exclusive
groups; ``build_plan`` schedules the included steps on a working-day calendar:

- a step starts when its last prerequisite (``after``, through excluded items) has finished, or on
  the plan's start date; steps on the same *level* have no dependency between them and can run in
  parallel;
- a step takes its catalogue time limit: ``working_day`` limits count working days on the calendar
  (the first working day after the start is day 1), ``calendar_day`` limits count calendar days;
  a step without a time limit takes no time and is listed in ``Plan.unknown_durations``;
- the headline (finish date, total working days, critical path) is over the required steps, or
  over all steps when none is required; optional steps keep their own dates;
- the estimate is ``approximate`` when the calendar does not cover every year it spans or a step
  counted in the headline has no known time limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.core.workdays import Calendar, mainland_calendar
from hetao.journeys.flow import check_answers, exit_for
from hetao.journeys.model import Exit, FieldSpec, Item, Journey, Note, Reason, Text
from hetao.journeys.rules import Answers, Verdict

WORKING_DAY = "working_day"
CALENDAR_DAY = "calendar_day"


class Outcome(StrEnum):
    required = "required"
    optional = "optional"
    excluded = "excluded"


@dataclass(frozen=True)
class TimeLimit:
    """A promised time limit: ``value`` days of ``unit`` (``working_day`` or ``calendar_day``)."""

    value: int
    unit: str = WORKING_DAY


@dataclass(frozen=True)
class ServiceFacts:
    """What a plan needs to know of a catalogue item, supplied by the caller
    (``hetao.journeys.catalog_facts.load_service_facts`` reads it from the catalogue)."""

    key: str
    names: Mapping[str, str]
    department: str = ""
    department_names: Mapping[str, str] = field(default_factory=dict)
    time_limit: TimeLimit | None = None
    #: Codes of the shared document-type registry, in the item's order.
    documents: tuple[str, ...] = ()
    #: Names per locale of those documents, by code (may be empty: then show the code).
    document_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def name(self, locale: str) -> str:
        return Text(self.names).get(locale) or self.key


@dataclass(frozen=True)
class Decision:
    """The outcome of one item for these answers, and why."""

    key: str
    outcome: Outcome
    reason: Reason


@dataclass(frozen=True)
class Step:
    """An included item, scheduled. ``start_day``/``finish_day`` count working days from the plan's
    start date to the earliest start and finish; ``after`` are the steps it waits for."""

    key: str
    outcome: Outcome
    reason: Reason
    facts: ServiceFacts | None
    after: tuple[str, ...]
    level: int
    start: date
    finish: date
    start_day: int
    finish_day: int
    critical: bool
    fields: tuple[str, ...]

    @property
    def time_limit(self) -> TimeLimit | None:
        return self.facts.time_limit if self.facts else None

    def name(self, locale: str) -> str:
        return self.facts.name(locale) if self.facts else self.key


@dataclass(frozen=True)
class Excluded:
    """An item the plan leaves out, and why."""

    key: str
    reason: Reason
    facts: ServiceFacts | None

    def name(self, locale: str) -> str:
        return self.facts.name(locale) if self.facts else self.key


@dataclass(frozen=True)
class DocumentNeed:
    """A document the plan needs, listed once with the steps that use it; ``optional_only`` when
    only optional steps need it."""

    code: str
    names: Mapping[str, str]
    steps: tuple[str, ...]
    optional_only: bool

    def name(self, locale: str) -> str:
        return Text(self.names).get(locale) or self.code


@dataclass(frozen=True)
class FieldNeed:
    """A field of the merged application form, asked once for all the steps that need it."""

    field: FieldSpec
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """One person's plan for a journey (see the module docstring for how it is scheduled)."""

    journey: str
    start: date
    steps: tuple[Step, ...]
    excluded: tuple[Excluded, ...]
    #: Step keys per level: every step of a level can run in parallel with the others of it.
    levels: tuple[tuple[str, ...], ...]
    critical_path: tuple[str, ...]
    total_working_days: int
    finish: date
    approximate: bool
    uncovered_years: tuple[int, ...]
    unknown_durations: tuple[str, ...]
    documents: tuple[DocumentNeed, ...]
    fields: tuple[FieldNeed, ...]
    #: Questions answered "don't know" that made some step optional.
    unsure: tuple[str, ...] = ()
    #: Set when an early exit applies: the journey does not apply and the plan is empty.
    exit: Exit | None = None

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def required_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.outcome is Outcome.required)

    @property
    def optional_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.outcome is Outcome.optional)


# -- deciding ------------------------------------------------------------------------------------


def _unsure_note(journey: Journey, unsure: frozenset[str]) -> Note:
    ordered = [q for q in journey.questions if q.id in unsure]
    joined = Text(
        {
            loc: ("; " if loc == "en" else "；").join(
                (f"“{q.text.get(loc)}”" if loc == "en" else f"「{q.text.get(loc)}」") for q in ordered
            )
            for loc in LOCALES
        }
    )
    return Note(
        N_("You answered “Don't know” to %(questions)s: check with the hall whether you need this step."),
        {"questions": joined},
    )


def decide(journey: Journey, item: Item, answers: Answers) -> Decision:
    """The outcome of one item, before exclusive groups are applied."""
    exclude = item.exclude_when.evaluate(answers)
    if exclude.holds:
        return Decision(item.key, Outcome.excluded, Reason(item.because.excluded))
    include = item.include_when.evaluate(answers)
    optional = item.optional_when.evaluate(answers)
    if include.holds and exclude.fails:
        return Decision(item.key, Outcome.required, Reason(item.because.required))
    if optional.holds and not include.unknown and not exclude.unknown:
        return Decision(item.key, Outcome.optional, Reason(item.because.optional or item.because.required))
    doubts: list[Verdict] = [v for v in (include, optional, exclude) if v.unknown]
    if doubts and (include.holds or optional.holds or include.unknown or optional.unknown):
        unsure = frozenset().union(*(v.unsure for v in doubts))
        if item.because.unknown is not None:
            reason = Reason(item.because.unknown, unsure=tuple(sorted(unsure)))
        else:
            reason = Reason(item.because.required, (_unsure_note(journey, unsure),), tuple(sorted(unsure)))
        return Decision(item.key, Outcome.optional, reason)
    return Decision(item.key, Outcome.excluded, Reason(item.because.excluded))


def decide_items(
    journey: Journey, answers: Answers, *, names: Mapping[str, Mapping[str, str]] | None = None
) -> list[Decision]:
    """Every item's outcome, in data order, with exclusive groups applied.

    In each group the first required item (else the first optional one) is kept. Another member
    that is optional only because of "don't know" answers stays optional beside a required kept
    item, with a note that it would replace it; every other member is excluded with the group's
    explanation and the name of the kept item (``names``: item key → names per locale)."""
    decisions = {item.key: decide(journey, item, answers) for item in journey.items}
    for group_id, group in journey.groups.items():
        members = [i.key for i in journey.items if i.exclusive_group == group_id]
        included = [k for k in members if decisions[k].outcome is not Outcome.excluded]
        if len(included) < 2:
            continue
        kept = next((k for k in included if decisions[k].outcome is Outcome.required), included[0])
        kept_name = Text((names or {}).get(kept) or {loc: kept for loc in LOCALES})
        for key in included:
            if key == kept:
                continue
            current = decisions[key]
            if decisions[kept].outcome is Outcome.required and current.reason.unsure:
                note = Note(
                    N_("Only one of these can be used: if this one applies to you, it replaces %(kept)s."),
                    {"kept": kept_name},
                )
                reason = Reason(current.reason.text, (*current.reason.notes, note), current.reason.unsure)
                decisions[key] = Decision(key, Outcome.optional, reason)
            else:
                note = Note(
                    N_("Only one of these can be used: this plan keeps %(kept)s."), {"kept": kept_name}
                )
                decisions[key] = Decision(key, Outcome.excluded, Reason(group.because, (note,)))
    return [decisions[i.key] for i in journey.items]


# -- scheduling ----------------------------------------------------------------------------------


def _effective_after(journey: Journey, included: set[str]) -> dict[str, tuple[str, ...]]:
    """For each included item, the included items it waits for, looking through excluded ones
    (if A comes after B and B after C, and B is left out, A still comes after C)."""
    after = {i.key: i.after for i in journey.items}
    memo: dict[str, tuple[str, ...]] = {}

    def reach(key: str) -> tuple[str, ...]:
        if key in memo:
            return memo[key]
        found: list[str] = []
        for before in after.get(key, ()):
            candidates = (before,) if before in included else reach(before)
            found.extend(c for c in candidates if c not in found)
        memo[key] = tuple(found)
        return memo[key]

    return {key: reach(key) for key in after if key in included}


def _finish(start: date, limit: TimeLimit | None, calendar: Calendar) -> date:
    if limit is None:
        return start
    if limit.unit == CALENDAR_DAY:
        return start + timedelta(days=limit.value)
    return calendar.add_working_days(start, limit.value)


def build_plan(
    journey: Journey,
    answers: Answers,
    facts: Mapping[str, ServiceFacts],
    start: date,
    calendar: Calendar | None = None,
) -> Plan:
    """The plan for ``answers`` starting on ``start`` (mainland calendar unless one is given).

    Raises ValidationFailed when an applicable question is unanswered or an answer does not fit its
    question. When an early exit applies, the plan has ``exit`` set and no steps. ``facts`` may
    lack an item (e.g. withdrawn from the catalogue): its step then has no name, documents or time limit."""
    cal = calendar or mainland_calendar()
    kept = check_answers(journey, answers)
    exit_ = exit_for(journey, kept)
    if exit_ is not None:
        return Plan(
            journey=journey.slug,
            start=start,
            steps=(),
            excluded=(),
            levels=(),
            critical_path=(),
            total_working_days=0,
            finish=start,
            approximate=False,
            uncovered_years=(),
            unknown_durations=(),
            documents=(),
            fields=(),
            exit=exit_,
        )
    names = {k: f.names for k, f in facts.items()}
    decisions = decide_items(journey, kept, names=names)
    included = {d.key for d in decisions if d.outcome is not Outcome.excluded}
    after = _effective_after(journey, included)
    order = {item.key: index for index, item in enumerate(journey.items)}

    level: dict[str, int] = {}

    def level_of(key: str) -> int:
        if key not in level:
            level[key] = 1 + max((level_of(b) for b in after[key]), default=-1)
        return level[key]

    by_key = {d.key: d for d in decisions}
    keys = sorted(included, key=lambda k: (level_of(k), order[k]))
    starts: dict[str, date] = {}
    finishes: dict[str, date] = {}
    for key in keys:  # levels ascend, so prerequisites are scheduled first
        begin = max([start, *(finishes[b] for b in after[key])])
        starts[key] = begin
        finishes[key] = _finish(begin, facts[key].time_limit if key in facts else None, cal)

    headline = [k for k in keys if by_key[k].outcome is Outcome.required] or keys
    path: list[str] = []
    if headline:
        path.append(max(headline, key=lambda k: (finishes[k], level_of(k), -order[k])))
        while True:  # walk back through the prerequisite that held each step up
            binding = [b for b in after[path[0]] if finishes[b] == starts[path[0]]]
            if not binding:
                break
            path.insert(0, min(binding, key=lambda b: order[b]))
    finish = finishes[path[-1]] if path else start
    critical = set(path)

    steps = tuple(
        Step(
            key=k,
            outcome=by_key[k].outcome,
            reason=by_key[k].reason,
            facts=facts.get(k),
            after=after[k],
            level=level_of(k),
            start=starts[k],
            finish=finishes[k],
            start_day=cal.working_days_between(start, starts[k]),
            finish_day=cal.working_days_between(start, finishes[k]),
            critical=k in critical,
            fields=journey.item(k).fields,
        )
        for k in keys
    )
    levels = tuple(
        tuple(s.key for s in steps if s.level == n)
        for n in range(max((s.level for s in steps), default=-1) + 1)
    )
    unknown = tuple(s.key for s in steps if s.time_limit is None)
    uncovered = tuple(y for y in range(start.year, finish.year + 1) if not cal.covers(y))
    excluded = tuple(Excluded(d.key, d.reason, facts.get(d.key)) for d in decisions if d.key not in included)
    unsure = sorted(
        {q for s in steps for q in s.reason.unsure}, key=lambda q: [x.id for x in journey.questions].index(q)
    )
    return Plan(
        journey=journey.slug,
        start=start,
        steps=steps,
        excluded=excluded,
        levels=levels,
        critical_path=tuple(path),
        total_working_days=cal.working_days_between(start, finish),
        finish=finish,
        approximate=bool(uncovered) or any(k in headline for k in unknown),
        uncovered_years=uncovered,
        unknown_durations=unknown,
        documents=_documents(steps),
        fields=_fields(journey, steps),
        unsure=tuple(unsure),
    )


def _documents(steps: tuple[Step, ...]) -> tuple[DocumentNeed, ...]:
    users: dict[str, list[Step]] = {}
    names: dict[str, Mapping[str, str]] = {}
    for step in steps:
        if step.facts is None:
            continue
        for code in step.facts.documents:
            users.setdefault(code, []).append(step)
            names.setdefault(code, step.facts.document_names.get(code) or {})
    return tuple(
        DocumentNeed(
            code,
            names[code],
            tuple(s.key for s in using),
            all(s.outcome is Outcome.optional for s in using),
        )
        for code, using in users.items()
    )


def _fields(journey: Journey, steps: tuple[Step, ...]) -> tuple[FieldNeed, ...]:
    users: dict[str, list[str]] = {}
    for step in steps:
        for fid in step.fields:
            users.setdefault(fid, []).append(step.key)
    return tuple(
        FieldNeed(journey.fields[fid], tuple(keys)) for fid, keys in users.items() if fid in journey.fields
    )
