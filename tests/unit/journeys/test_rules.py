"""The rule evaluator: operators, three-valued logic for "don't know", not-asked questions, checks."""

from __future__ import annotations

from datetime import date

import pytest

from hetao.journeys.rules import DONT_KNOW, QuestionShape, Truth, parse_condition

SHAPES = {
    "hk": QuestionShape("yes_no", frozenset({"yes", "no"})),
    "form": QuestionShape("choice", frozenset({"company", "sole"})),
    "goods": QuestionShape("multi", frozenset({"instruments", "animals"})),
    "years": QuestionShape("number"),
    "start": QuestionShape("date"),
}


def parse(data):
    problems = []
    condition = parse_condition(data, shapes=SHAPES, path="items[x].include_when", problems=problems)
    assert problems == []
    return condition


T, F, U = Truth.true, Truth.false, Truth.unknown


@pytest.mark.parametrize(
    ("data", "answers", "truth"),
    [
        (True, {}, T),
        (False, {}, F),
        ({"q": "hk", "eq": "yes"}, {"hk": "yes"}, T),
        ({"q": "hk", "eq": "yes"}, {"hk": "no"}, F),
        ({"q": "hk", "eq": "yes"}, {"hk": DONT_KNOW}, U),
        ({"q": "hk", "ne": "yes"}, {"hk": DONT_KNOW}, U),
        ({"q": "hk", "eq": "yes"}, {}, F),  # not asked: false
        ({"not": {"q": "hk", "eq": "yes"}}, {}, T),
        ({"not": {"q": "hk", "eq": "yes"}}, {"hk": DONT_KNOW}, U),
        ({"q": "form", "in": ["company", "sole"]}, {"form": "sole"}, T),
        ({"q": "form", "in": ["company"]}, {"form": "sole"}, F),
        ({"q": "goods", "contains": "animals"}, {"goods": ("instruments", "animals")}, T),
        ({"q": "goods", "contains": "animals"}, {"goods": ()}, F),
        ({"q": "goods", "contains": "animals"}, {"goods": DONT_KNOW}, U),
        ({"q": "years", "ge": 1}, {"years": 1}, T),
        ({"q": "years", "ge": 1}, {"years": 0.5}, F),
        ({"q": "years", "lt": 1}, {"years": 0.5}, T),
        ({"q": "years", "gt": 1}, {"years": 2}, T),
        ({"q": "years", "le": 1}, {"years": 2}, F),
        ({"q": "start", "lt": date(2026, 1, 1)}, {"start": date(2025, 6, 1)}, T),
        ({"answered": "hk"}, {"hk": "no"}, T),
        ({"answered": "hk"}, {"hk": DONT_KNOW}, F),
        ({"unknown": "hk"}, {"hk": DONT_KNOW}, T),
        ({"unknown": "hk"}, {}, F),
    ],
)
def test_operators(data, answers, truth):
    assert parse(data).evaluate(answers).truth is truth


@pytest.mark.parametrize(
    ("answers", "all_truth", "any_truth"),
    [
        ({"hk": "yes", "form": "company"}, T, T),
        ({"hk": "yes", "form": "sole"}, F, T),
        ({"hk": "no", "form": "sole"}, F, F),
        ({"hk": DONT_KNOW, "form": "company"}, U, T),
        ({"hk": DONT_KNOW, "form": "sole"}, F, U),  # false wins in all, unknown stays in any
        ({"hk": DONT_KNOW, "form": DONT_KNOW}, U, U),
    ],
)
def test_kleene_all_and_any(answers, all_truth, any_truth):
    parts = [{"q": "hk", "eq": "yes"}, {"q": "form", "eq": "company"}]
    assert parse({"all": parts}).evaluate(answers).truth is all_truth
    assert parse({"any": parts}).evaluate(answers).truth is any_truth


def test_unknown_verdicts_name_the_questions():
    condition = parse({"all": [{"q": "hk", "eq": "yes"}, {"q": "goods", "contains": "animals"}]})
    verdict = condition.evaluate({"hk": DONT_KNOW, "goods": DONT_KNOW})
    assert verdict.unknown and verdict.unsure == {"hk", "goods"}
    assert condition.questions() == {"hk", "goods"}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ("yes", "items[x].include_when", "A condition must be true, false or a mapping."),
        ({"every": []}, "items[x].include_when", "Unknown condition %(name)s."),
        ({"all": []}, "items[x].include_when.all", "Give a non-empty list of conditions."),
        (
            {"all": [{"q": "nope", "eq": "yes"}]},
            "items[x].include_when.all[0].q",
            "Unknown question %(question)s.",
        ),
        (
            {"q": "hk", "eq": "maybe"},
            "items[x].include_when.eq",
            "%(value)s is not an option of the question %(question)s.",
        ),
        (
            {"q": "hk", "eq": True},
            "items[x].include_when.eq",
            "%(value)s is not an option of the question %(question)s.",
        ),
        (
            {"q": "hk", "eq": "dont_know"},
            "items[x].include_when.eq",
            "Do not compare with dont_know: use the unknown condition.",
        ),
        (
            {"q": "hk", "lt": "yes"},
            "items[x].include_when.lt",
            "The operator %(operator)s does not fit the %(kind)s question %(question)s.",
        ),
        (
            {"q": "goods", "eq": "animals"},
            "items[x].include_when.eq",
            "The operator %(operator)s does not fit the %(kind)s question %(question)s.",
        ),
        ({"q": "years", "ge": "one"}, "items[x].include_when.ge", "Compare with a number."),
        ({"q": "start", "lt": "2026"}, "items[x].include_when.lt", "Compare with a date (YYYY-MM-DD)."),
        (
            {"q": "hk", "eq": "yes", "ne": "no"},
            "items[x].include_when",
            "Give exactly one operator with q, one of: %(operators)s.",
        ),
        ({"q": "form", "in": []}, "items[x].include_when.in", "Give a non-empty list of options."),
        (
            {"not": {"answered": "nope"}},
            "items[x].include_when.not.answered",
            "Unknown question %(question)s.",
        ),
    ],
)
def test_bad_rules_are_reported_with_their_path(data, path, message):
    problems = []
    parse_condition(data, shapes=SHAPES, path="items[x].include_when", problems=problems)
    assert [(p.path, p.message) for p in problems] == [(path, message)]


def test_all_problems_are_reported_at_once():
    problems = []
    parse_condition(
        {"any": [{"q": "nope", "eq": "yes"}, {"q": "years", "ge": "x"}]},
        shapes=SHAPES,
        path="p",
        problems=problems,
    )
    assert [p.path for p in problems] == ["p.any[0].q", "p.any[1].ge"]
