"""Properties of the rules evaluator and the plan over arbitrary input (hypothesis): rule data of any
shape is parsed or reported, never raised on; any well-typed answers evaluate, and give a plan or a
ValidationFailed, never another exception."""

from __future__ import annotations

from datetime import date

from hypothesis import event, given
from hypothesis import strategies as st

from hetao.core.errors import Problem, ValidationFailed
from hetao.journeys import (
    Plan,
    build_plan,
    exit_for,
    is_complete,
    load_journeys,
    next_question,
    prune,
    questions_to_ask,
)
from hetao.journeys.rules import (
    DONT_KNOW,
    NO,
    YES,
    AllOf,
    AnyOf,
    Condition,
    Not,
    Truth,
    Verdict,
    parse_condition,
)
from tests.unit.journeys.conftest import START, sample_facts
from tests.unit.journeys.test_rules import SHAPES

OPTIONS = sorted({o for shape in SHAPES.values() for o in shape.options} | {YES, NO})
QUESTIONS = sorted(SHAPES) + ["missing"]
OPERATORS = ["eq", "ne", "lt", "le", "gt", "ge", "in", "contains"]

#: An Answer of any kind: option ids, tuples of them, dates, numbers (NaN and infinities included),
#: "don't know" — well-typed, but not necessarily fitting its question.
answer = st.one_of(
    st.sampled_from(OPTIONS + [DONT_KNOW]),
    st.text(max_size=8),
    st.tuples(*[st.sampled_from(OPTIONS)] * 2),
    st.lists(st.sampled_from(OPTIONS), max_size=3, unique=True).map(tuple),
    st.dates(),
    st.integers(),
    st.floats(),
)
answers_for = st.dictionaries(st.sampled_from(QUESTIONS), answer, max_size=len(QUESTIONS))

#: Rule data as YAML could hold it: mostly almost-right conditions, some plain junk.
scalar = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
    st.dates(),
    st.sampled_from(OPTIONS),
)
comparison = st.builds(
    lambda q, op, value: {"q": q, op: value},
    st.one_of(st.sampled_from(QUESTIONS), scalar),
    st.sampled_from(OPERATORS + ["is", "q"]),
    st.one_of(scalar, st.lists(st.one_of(st.sampled_from(OPTIONS), scalar), max_size=3)),
)
rule_data = st.recursive(
    st.one_of(
        st.booleans(),
        comparison,
        st.builds(
            lambda k, q: {k: q},
            st.sampled_from(["answered", "unknown"]),
            st.one_of(st.sampled_from(QUESTIONS), scalar),
        ),
        scalar,
    ),
    lambda children: st.one_of(
        st.builds(
            lambda k, parts: {k: parts}, st.sampled_from(["all", "any"]), st.lists(children, max_size=3)
        ),
        st.builds(lambda c: {"not": c}, children),
        st.dictionaries(st.sampled_from(["all", "any", "not", "q", "eq", "other"]), children, max_size=3),
        st.lists(children, max_size=2),
    ),
    max_leaves=12,
)


def parsed(data) -> tuple[Condition, list[Problem]]:
    problems: list[Problem] = []
    condition = parse_condition(data, shapes=SHAPES, path="rule", problems=problems)
    return condition, problems


@given(rule_data)
def test_any_rule_data_is_parsed_or_reported_never_raised(data):
    condition, problems = parsed(data)
    assert isinstance(condition, Condition)
    for problem in problems:
        assert problem.path.startswith("rule")
        assert problem.message
    assert condition.questions() <= set(SHAPES)


@given(rule_data, answers_for)
def test_any_answers_evaluate_to_a_verdict(data, answers):
    condition, _ = parsed(data)
    verdict = condition.evaluate(answers)
    assert isinstance(verdict, Verdict)
    if verdict.unknown:
        # Only a "don't know" answer makes a verdict unknown, and the verdict names it.
        assert verdict.unsure and all(answers.get(q) == DONT_KNOW for q in verdict.unsure)
    else:
        assert not verdict.unsure


@given(rule_data, rule_data, answers_for)
def test_three_valued_logic_laws(a_data, b_data, answers):
    a, _ = parsed(a_data)
    b, _ = parsed(b_data)

    def truth(c: Condition) -> Truth:
        return c.evaluate(answers).truth

    assert truth(Not(Not(a))) == truth(a)
    assert truth(AllOf((a,))) == truth(a) == truth(AnyOf((a,)))
    assert truth(Not(AllOf((a, b)))) == truth(AnyOf((Not(a), Not(b))))  # De Morgan
    assert truth(Not(AnyOf((a, b)))) == truth(AllOf((Not(a), Not(b))))
    assert truth(AllOf((a, b))) == truth(AllOf((b, a)))


def journey_answers(journey) -> st.SearchStrategy[dict]:
    """Answers to a shipped journey: per question, something that fits it (mostly) or any Answer."""

    def fitting(question) -> st.SearchStrategy:
        kind = question.kind.value
        ids = list(question.option_ids())
        if kind == "yes_no":
            return st.sampled_from([YES, NO, DONT_KNOW])
        if kind == "choice":
            return st.sampled_from(ids + [DONT_KNOW])
        if kind == "multi":
            return st.one_of(st.lists(st.sampled_from(ids), unique=True).map(tuple), st.just(DONT_KNOW))
        if kind == "date":
            return st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
        return st.one_of(st.integers(min_value=-5, max_value=10_000), st.floats(allow_nan=True))

    ids = [q.id for q in journey.questions]
    every_one_fitting = st.fixed_dictionaries({q.id: fitting(q) for q in journey.questions})
    some_fitting = st.fixed_dictionaries(
        {}, optional={q.id: st.one_of(fitting(q), fitting(q), answer) for q in journey.questions}
    )
    anything = st.dictionaries(st.sampled_from(ids + ["not-a-question"]), answer)
    return st.one_of(every_one_fitting, some_fitting, anything)


FACTS = sample_facts()
#: The shipped journeys, checked against the sample catalogue.
JOURNEYS = list(load_journeys(catalog_keys=frozenset(FACTS)).values())


@st.composite
def journey_and_answers(draw):
    journey = draw(st.sampled_from(JOURNEYS))
    return journey, draw(journey_answers(journey))


@given(journey_and_answers())
def test_any_answers_to_any_journey_give_a_plan_or_a_clear_error(pair):
    journey, answers = pair
    kept = prune(journey, answers)
    assert set(kept) <= {q.id for q in questions_to_ask(journey, answers)}
    exit_for(journey, answers)
    question = next_question(journey, answers)
    assert (question is None) == is_complete(journey, answers)
    try:
        plan = build_plan(journey, answers, FACTS, START)
    except ValidationFailed as error:
        event("validation failed")
        assert error.problems and all(p.path for p in error.problems)
        assert question is not None or any(p.path in answers for p in error.problems)
        return
    event("plan" if plan.exit is None else "exit")
    assert isinstance(plan, Plan)
    assert plan.exit is not None or all(step.key for step in plan.steps)
