"""The questionnaire: next question, skip logic, prune after a change, exits, parsing form input."""

from __future__ import annotations

from datetime import date

import pytest

from hetao.core.errors import ValidationFailed
from hetao.journeys import (
    DONT_KNOW,
    answer_label,
    answer_to_form_values,
    check_answers,
    exit_for,
    is_complete,
    next_question,
    parse_answer,
    parse_fields,
    parse_journey,
    prune,
    questions_to_ask,
)
from tests.unit.journeys.factories import FIELDS, journey_data


@pytest.fixture(scope="module")
def demo():
    return parse_journey(journey_data(), source="demo.yaml", fields=parse_fields(FIELDS))


def ids(questions):
    return [q.id for q in questions]


def test_questions_in_order_skipping_irrelevant_ones(demo):
    assert next_question(demo, {}).id == "hk"
    assert next_question(demo, {"hk": "yes"}).id == "form"
    assert ids(questions_to_ask(demo, {"hk": "yes"})) == ["hk", "form", "goods", "years"]


def test_dont_know_is_not_no(demo):
    # "no" exits; "don't know" does not, and still asks the follow-up question.
    assert exit_for(demo, {"hk": "no"}).id == "not-hk"
    assert exit_for(demo, {"hk": DONT_KNOW}) is None
    assert next_question(demo, {"hk": DONT_KNOW}).id == "form"


def test_an_exit_ends_the_questionnaire(demo):
    assert next_question(demo, {"hk": "no"}) is None
    assert is_complete(demo, {"hk": "no"})


def test_complete_when_every_applicable_question_is_answered(demo):
    answers = {"hk": "yes", "form": "company", "goods": ("a",), "years": 2}
    assert not is_complete(demo, {"hk": "yes", "form": "company"})
    assert is_complete(demo, answers)


def test_prune_after_a_change(demo):
    answers = {"hk": "yes", "form": "company", "goods": ("a",), "years": 2, "stale": "x"}
    assert prune(demo, answers) == {"hk": "yes", "form": "company", "goods": ("a",), "years": 2}
    changed = {**answers, "hk": "no"}
    assert prune(demo, changed) == {"hk": "no", "goods": ("a",), "years": 2}
    assert "form" not in ids(questions_to_ask(demo, changed))


@pytest.mark.parametrize(
    ("question_id", "values", "expected"),
    [
        ("hk", ["yes"], "yes"),
        ("hk", [" no "], "no"),
        ("hk", ["dont_know"], DONT_KNOW),
        ("form", ["sole"], "sole"),
        ("goods", ["b", "a"], ("a", "b")),
        ("goods", [], ()),
        ("goods", ["dont_know"], DONT_KNOW),
        ("years", ["3"], 3),
        ("years", ["0.5"], 0.5),
        ("years", ["1,000"], None),  # above the maximum of 50: see the error test
    ],
)
def test_parse_answer(demo, question_id, values, expected):
    question = demo.question(question_id)
    if expected is None:
        with pytest.raises(ValidationFailed):
            parse_answer(question, {question_id: values})
        return
    answer = parse_answer(question, {question_id: values})
    assert answer == expected and type(answer) is type(expected)
    assert parse_answer(question, {question_id: answer_to_form_values(question, answer)}) == answer


@pytest.mark.parametrize(
    ("question_id", "values", "message", "params"),
    [
        ("hk", [], "Answer this question.", {}),
        ("hk", ["maybe"], "Choose one of the options.", {}),
        ("hk", ["yes", "no"], "Give one answer only.", {}),
        ("form", ["dont_know"], "Choose one of the options.", {}),  # this choice does not allow it
        ("goods", ["a", "dont_know"], "Choose “Don't know” on its own, or choose options.", {}),
        ("goods", ["c"], "Choose one of the options.", {}),
        ("years", ["many"], "Enter a number.", {}),
        ("years", ["-1"], "Enter a number of at least %(minimum)s.", {"minimum": 0}),
        ("years", ["51"], "Enter a number of at most %(maximum)s.", {"maximum": 50}),
        ("years", ["nan"], "Enter a number.", {}),
    ],
)
def test_parse_errors_are_localisable_problems(demo, question_id, values, message, params):
    with pytest.raises(ValidationFailed) as caught:
        parse_answer(demo.question(question_id), {question_id: values})
    (problem,) = caught.value.problems
    assert (problem.path, problem.message, problem.params) == (question_id, message, params)


def test_dates_are_parsed_and_bounded():
    data = journey_data()
    data["questions"].append(
        {"id": "arrival", "kind": "date", "text": data["title"], "min": date(2026, 1, 1), "dont_know": True}
    )
    journey = parse_journey(data, source="demo.yaml", fields=parse_fields(FIELDS))
    question = journey.question("arrival")
    assert parse_answer(question, {"arrival": ["2026-03-02"]}) == date(2026, 3, 2)
    assert parse_answer(question, {"arrival": ["dont_know"]}) == DONT_KNOW
    for bad, message in [
        ("02/03/2026", "Enter a date as year-month-day, for example 2026-03-02."),
        ("2025-12-31", "Enter a date on or after %(minimum)s."),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            parse_answer(question, {"arrival": [bad]})
        assert caught.value.problems[0].message == message


def test_check_answers_names_missing_and_ill_formed_answers(demo):
    with pytest.raises(ValidationFailed) as caught:
        check_answers(demo, {"hk": "yes", "form": "partnership", "years": 2})
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("form", "Choose one of the options."),
        ("goods", "This question has not been answered."),
    ]
    # After an exit nothing else is missing.
    assert check_answers(demo, {"hk": "no"}) == {"hk": "no"}


def test_answer_labels(demo):
    assert answer_label(demo.question("hk"), "yes", "zh-Hant") == "是"
    assert answer_label(demo.question("hk"), DONT_KNOW, "zh-Hans") == "不清楚"
    assert answer_label(demo.question("hk"), "no", "en") == "No"
    assert answer_label(demo.question("goods"), ("a", "b"), "en") == "A, B"
    assert answer_label(demo.question("goods"), (), "zh-Hant") == "以上皆不是"
    assert answer_label(demo.question("form"), "sole", "zh-Hans") == "Sole（简）"
